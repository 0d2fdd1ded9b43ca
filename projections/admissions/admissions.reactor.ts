import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AssessmentDecision, DiagnosisEvent } from '../../contracts/events/diagnosis.events';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import { type MemberEvent, memberStream } from '../../contracts/events/membership.events';
import { Clock } from '../../src/domain/clock';
import { loadState, toNewEvents } from '../../src/event-store/command-handling';
import { EVENT_STORE, type EventStore, WrongExpectedRevisionError } from '../../src/event-store/event-store.port';
import type { Projection } from '../runner/projection';
import { applicantEvolver, decideMoveApplicant } from './admissions.decide';

/** One applicant to move, and the event that caused it (for correlation and causation). */
interface Move {
  memberId: string;
  diagnosisId: string;
  decision: AssessmentDecision;
  cause: RecordedEvent;
}

/** How many member streams are read and appended to at once. */
const CONCURRENCY = 16;

const LEAVES_WAITING = new Set<string>(['MemberAdmitted', 'MemberReferred', 'MemberDeclined', 'ConsentWithdrawn', 'ConsentLapsed', 'MemberErased']);

/**
 * When a diagnosis is assessed, moves every applicant waiting for it: rare -> MemberAdmitted,
 * has-association -> MemberReferred, not-rare -> MemberDeclined, each appended to the member's
 * own stream with the revision just read. An applicant who starts waiting after the assessment
 * (later in the log) is moved as soon as that is seen.
 *
 * Its tables (who waits for which diagnosis; which diagnoses are decided) change in the
 * transaction of its checkpoint. The appends happen before that commits, so a crash in between
 * repeats them: each re-reads the member's stream and decides again, and a member who was
 * already moved gets nothing more.
 */
@Injectable()
export class AdmissionsReactor implements Projection {
  readonly name = 'admissions';
  readonly version = 1;
  readonly eventTypes = ['DiagnosisAssessed', 'MemberAwaitingAssessment', ...LEAVES_WAITING];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const decisions = new Map<string, { decision: AssessmentDecision; event: RecordedEvent }>();
    /** The newest state of each applicant in the batch: waiting for a diagnosis, or no longer waiting (null). */
    const waiting = new Map<string, { diagnosisId: string; event: RecordedEvent } | null>();
    for (const event of events) {
      const known = event as unknown as DiagnosisEvent | MemberEvent;
      if (known.type === 'DiagnosisAssessed') decisions.set(known.data.diagnosisId, { decision: known.data.decision, event });
      else if (known.type === 'MemberAwaitingAssessment') waiting.set(known.data.memberId, { diagnosisId: known.data.diagnosisId, event });
      else if (LEAVES_WAITING.has(known.type)) waiting.set((known.data as { memberId: string }).memberId, null);
    }
    if (decisions.size === 0 && waiting.size === 0) return;

    await this.record(decisions, waiting, tx);
    const moves = await this.movesFor(decisions, waiting, tx);
    for (let start = 0; start < moves.length; start += CONCURRENCY) {
      await Promise.all(moves.slice(start, start + CONCURRENCY).map((move) => this.move(move)));
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM admissions_waiting');
    await tx.query('DELETE FROM admissions_decisions');
  }

  private async record(
    decisions: Map<string, { decision: AssessmentDecision; event: RecordedEvent }>,
    waiting: Map<string, { diagnosisId: string; event: RecordedEvent } | null>,
    tx: EntityManager,
  ): Promise<void> {
    if (decisions.size > 0) {
      const rows = [...decisions];
      await tx.query(
        `INSERT INTO admissions_decisions (diagnosis_id, decision, position)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT (diagnosis_id) DO NOTHING`,
        [rows.map(([id]) => id), rows.map(([, d]) => d.decision), rows.map(([, d]) => d.event.position.toString())],
      );
    }
    const starts = [...waiting].flatMap(([memberId, wait]) => (wait ? [{ memberId, ...wait }] : []));
    const leaves = [...waiting].flatMap(([memberId, wait]) => (wait ? [] : [memberId]));
    if (starts.length > 0) {
      await tx.query(
        `INSERT INTO admissions_waiting AS w (member_id, diagnosis_id, position)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
         ON CONFLICT (member_id) DO UPDATE SET diagnosis_id = EXCLUDED.diagnosis_id, position = EXCLUDED.position
         WHERE w.position < EXCLUDED.position`,
        [starts.map((s) => s.memberId), starts.map((s) => s.diagnosisId), starts.map((s) => s.event.position.toString())],
      );
    }
    if (leaves.length > 0) await tx.query('DELETE FROM admissions_waiting WHERE member_id = ANY($1::text[])', [leaves]);
  }

  /**
   * Everyone waiting for a diagnosis assessed in this batch, and everyone who started waiting in
   * this batch for a diagnosis assessed before.
   */
  private async movesFor(
    decisions: Map<string, { decision: AssessmentDecision; event: RecordedEvent }>,
    waiting: Map<string, { diagnosisId: string; event: RecordedEvent } | null>,
    tx: EntityManager,
  ): Promise<Move[]> {
    const moves = new Map<string, Move>();
    if (decisions.size > 0) {
      const rows: Array<{ member_id: string; diagnosis_id: string }> = await tx.query(
        'SELECT member_id, diagnosis_id FROM admissions_waiting WHERE diagnosis_id = ANY($1::text[]) ORDER BY position',
        [[...decisions.keys()]],
      );
      for (const row of rows) {
        const decided = decisions.get(row.diagnosis_id);
        if (decided) moves.set(row.member_id, { memberId: row.member_id, diagnosisId: row.diagnosis_id, decision: decided.decision, cause: decided.event });
      }
    }
    const late = [...waiting].flatMap(([memberId, wait]) => (wait && !moves.has(memberId) ? [{ memberId, ...wait }] : []));
    if (late.length > 0) {
      const rows: Array<{ diagnosis_id: string; decision: AssessmentDecision }> = await tx.query(
        'SELECT diagnosis_id, decision FROM admissions_decisions WHERE diagnosis_id = ANY($1::text[])',
        [[...new Set(late.map((wait) => wait.diagnosisId))]],
      );
      const decided = new Map(rows.map((row) => [row.diagnosis_id, row.decision]));
      for (const wait of late) {
        const decision = decided.get(wait.diagnosisId);
        if (decision) moves.set(wait.memberId, { memberId: wait.memberId, diagnosisId: wait.diagnosisId, decision, cause: wait.event });
      }
    }
    return [...moves.values()];
  }

  /** Re-reads the member's stream, decides, appends with the revision read; one retry on a concurrent change. */
  private async move(move: Move, retried = false): Promise<void> {
    const stream = memberStream(move.memberId);
    const { state, revision } = await loadState(this.store, stream, applicantEvolver);
    const now = this.clock.now();
    const events = decideMoveApplicant(state, { memberId: move.memberId, diagnosisId: move.diagnosisId, decision: move.decision, now });
    if (events.length === 0) return;
    const context = { actorRole: 'system' as const, correlationId: move.cause.metadata.correlationId, now };
    const newEvents = toNewEvents(events, context).map((event) => ({ ...event, metadata: { ...event.metadata, causationId: move.cause.id } }));
    try {
      await this.store.append(stream, newEvents, revision);
    } catch (error) {
      if (retried || !(error instanceof WrongExpectedRevisionError)) throw error;
      await this.move(move, true);
    }
  }
}
