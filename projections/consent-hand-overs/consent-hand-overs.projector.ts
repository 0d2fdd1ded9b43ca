import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { MemberEvent } from '../../contracts/events/membership.events';
import type { Projection } from '../runner/projection';

/** The projection's name: its checkpoint row. */
export const CONSENT_HAND_OVERS = 'consent-hand-overs';

/**
 * awaiting-age: a relative gave the consent; the daily check looks whether the patient has come of
 * age · requested: the young person was asked · confirmed · lapsed · ended: the membership ended
 * before the hand-over was settled (withdrawn, erased, referred, declined).
 */
export type HandOverStage = 'awaiting-age' | 'requested' | 'confirmed' | 'lapsed' | 'ended';

export interface HandOverRow {
  stage: HandOverStage;
  requestedAt: string | null;
  lapsesAt: string | null;
  /** The last event applied: an event at or before it was applied already. */
  position: bigint;
}

const HAND_OVER_EVENTS = new Set<string>([
  'MemberJoined',
  'ConsentHandOverRequested',
  'ConsentHandOverConfirmed',
  'ConsentLapsed',
  'ConsentWithdrawn',
  'MemberErased',
  'MemberReferred',
  'MemberDeclined',
] satisfies Array<MemberEvent['type']>);

/** The member's row after the event (the same object when it changes nothing); undefined for a member whose consent no relative gave. */
export function applyToHandOver(current: HandOverRow | undefined, recorded: RecordedEvent): HandOverRow | undefined {
  if (current && recorded.position <= current.position) return current;
  const event = recorded as unknown as MemberEvent;
  const position = recorded.position;
  if (event.type === 'MemberJoined') {
    return current ?? (event.data.consent.givenBy === 'relative' ? { stage: 'awaiting-age', requestedAt: null, lapsesAt: null, position } : undefined);
  }
  if (!current) return undefined;
  switch (event.type) {
    case 'ConsentHandOverRequested':
      return { stage: 'requested', requestedAt: event.data.requestedAt, lapsesAt: event.data.lapsesAt, position };
    case 'ConsentHandOverConfirmed':
      return { ...current, stage: 'confirmed', position };
    case 'ConsentLapsed':
      return { ...current, stage: 'lapsed', position };
    case 'ConsentWithdrawn':
    case 'MemberErased':
    case 'MemberReferred':
    case 'MemberDeclined':
      return current.stage === 'awaiting-age' || current.stage === 'requested' ? { ...current, stage: 'ended', position } : current;
    default:
      return current;
  }
}

interface Row {
  member_id: string;
  stage: HandOverStage;
  requested_at: Date | null;
  lapses_at: Date | null;
  position: string;
}

/**
 * consent-hand-overs: each member whose consent a relative gave, and where the hand-over of that
 * consent to the young person stands, for the daily check (src/consent-hand-over) and the
 * secretariat's list. Ids and dates only: the birth year that decides when stays sealed in the
 * member's events. A batch is folded over the stored rows and written in one statement.
 */
@Injectable()
export class ConsentHandOversProjector implements Projection {
  readonly name = CONSENT_HAND_OVERS;
  readonly version = 1;
  readonly eventTypes = [...HAND_OVER_EVENTS];

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const relevant = events.filter((event) => HAND_OVER_EVENTS.has(event.type));
    if (relevant.length === 0) return;
    const memberIdOf = (event: RecordedEvent) => (event.data as { memberId: string }).memberId;
    const rows: Row[] = await tx.query(
      'SELECT member_id::text, stage, requested_at, lapses_at, position::text FROM consent_hand_overs WHERE member_id = ANY($1::uuid[])',
      [[...new Set(relevant.map(memberIdOf))]],
    );
    const handOvers = new Map<string, HandOverRow | undefined>(
      rows.map((row) => [
        row.member_id,
        { stage: row.stage, requestedAt: row.requested_at?.toISOString() ?? null, lapsesAt: row.lapses_at?.toISOString() ?? null, position: BigInt(row.position) },
      ]),
    );
    const changed = new Set<string>();
    for (const event of relevant) {
      const memberId = memberIdOf(event);
      const before = handOvers.get(memberId);
      const after = applyToHandOver(before, event);
      if (after === before) continue;
      handOvers.set(memberId, after);
      changed.add(memberId);
    }
    if (changed.size === 0) return;
    const written = [...changed].map((memberId) => [memberId, handOvers.get(memberId) as HandOverRow] as const);
    await tx.query(
      `INSERT INTO consent_hand_overs AS h (member_id, stage, requested_at, lapses_at, position)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[])
       ON CONFLICT (member_id) DO UPDATE SET stage = EXCLUDED.stage, requested_at = EXCLUDED.requested_at, lapses_at = EXCLUDED.lapses_at,
         position = EXCLUDED.position
       WHERE h.position < EXCLUDED.position`,
      [
        written.map(([memberId]) => memberId),
        written.map(([, row]) => row.stage),
        written.map(([, row]) => row.requestedAt),
        written.map(([, row]) => row.lapsesAt),
        written.map(([, row]) => row.position.toString()),
      ],
    );
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM consent_hand_overs');
  }
}
