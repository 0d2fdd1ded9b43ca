import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { Projection } from '../runner/projection';
import { type RetentionCandidate, type RetentionStage, applyToCandidate } from './retention-stage';

/** The projection's name: its checkpoint row. */
export const RETENTION_CANDIDATES = 'retention-candidates';

const STAGE_EVENTS = new Set(['MemberJoined', 'EmailVerified', 'MemberAdmitted', 'MemberAwaitingAssessment', 'MemberReferred', 'MemberDeclined', 'ConsentWithdrawn', 'ConsentLapsed', 'MemberErased']);

interface Row {
  member_id: string;
  stage: RetentionStage;
  since: Date;
  position: string;
}

/**
 * Each member's retention stage and since when (projections/retention-candidates/retention-stage.ts),
 * for the retention engine. A batch is folded in memory over the members' stored rows, then written
 * in one statement. Idempotent: an event at or before a row's position is skipped.
 */
@Injectable()
export class RetentionCandidatesProjector implements Projection {
  readonly name = RETENTION_CANDIDATES;
  readonly version = 1;
  readonly eventTypes = [...STAGE_EVENTS];

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const relevant = events.filter((event) => STAGE_EVENTS.has(event.type));
    if (relevant.length === 0) return;
    const memberIdOf = (event: RecordedEvent) => (event.data as { memberId: string }).memberId;
    const rows: Row[] = await tx.query(
      'SELECT member_id::text, stage, since, position::text FROM retention_candidates WHERE member_id = ANY($1::uuid[])',
      [[...new Set(relevant.map(memberIdOf))]],
    );
    const candidates = new Map<string, RetentionCandidate | undefined>(
      rows.map((row) => [row.member_id, { stage: row.stage, since: row.since.toISOString(), position: BigInt(row.position) }]),
    );
    const changed = new Set<string>();
    for (const event of relevant) {
      const memberId = memberIdOf(event);
      const before = candidates.get(memberId);
      const after = applyToCandidate(before, event);
      if (after === before) continue;
      candidates.set(memberId, after);
      changed.add(memberId);
    }
    if (changed.size === 0) return;
    const written = [...changed].map((memberId) => [memberId, candidates.get(memberId) as RetentionCandidate] as const);
    await tx.query(
      `INSERT INTO retention_candidates AS r (member_id, stage, since, position)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::bigint[])
       ON CONFLICT (member_id) DO UPDATE SET stage = EXCLUDED.stage, since = EXCLUDED.since, position = EXCLUDED.position
       WHERE r.position < EXCLUDED.position`,
      [
        written.map(([memberId]) => memberId),
        written.map(([, candidate]) => candidate.stage),
        written.map(([, candidate]) => candidate.since),
        written.map(([, candidate]) => candidate.position.toString()),
      ],
    );
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM retention_candidates');
  }
}
