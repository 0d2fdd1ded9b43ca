import { randomBytes, randomUUID } from 'node:crypto';
import type { ActorRole, NewEvent } from '../contracts/events/event-envelope';

/** The table the raw baselines write to: a copy of `events` with the same columns, constraints and indexes. */
export const RAW_TABLE = 'bench_raw_events';

const EVENT_TYPE = 'MemberContactDetailsRecorded';
const ROLES: readonly ActorRole[] = ['member', 'secretariat', 'system'];

interface MemberContactData {
  memberId: string;
  diagnosisCode: string;
  region: string;
  consentVersion: number;
  /** Stands in for a field encrypted with the member's data key (AES-GCM output, base64). */
  contact: { keyId: string; iv: string; ciphertext: string };
}

/**
 * A fixed ring of realistic data objects (~300 bytes of JSON each), built once so that raw
 * inserts and store appends send the same bytes and pay the same client-side cost.
 */
const DATA: readonly MemberContactData[] = Array.from({ length: 256 }, (_, i) => ({
  memberId: randomUUID(),
  diagnosisCode: `ORPHA:${100 + ((i * 37) % 900)}`,
  region: ['DK-81', 'DK-82', 'DK-83', 'DK-84', 'DK-85'][i % 5],
  consentVersion: 3,
  contact: {
    keyId: `dk-${randomUUID()}`,
    iv: randomBytes(12).toString('base64'),
    ciphertext: randomBytes(60).toString('base64'),
  },
}));

let next = 0;

/** A new event with a fresh id and metadata; its data comes from the shared ring. */
export function newEvent(): NewEvent<typeof EVENT_TYPE, MemberContactData> {
  const i = next++;
  return {
    id: randomUUID(),
    type: EVENT_TYPE,
    schemaVersion: 1,
    data: DATA[i % DATA.length],
    metadata: { correlationId: randomUUID(), actorRole: ROLES[i % ROLES.length], occurredAt: new Date().toISOString() },
  };
}

export function newStreamId(): string {
  return `member-${randomUUID()}`;
}

/** Average size in bytes of an event's data and metadata as JSON, for the report. */
export function payloadBytes(): { data: number; metadata: number } {
  const sample = Array.from({ length: DATA.length }, () => newEvent());
  const average = (f: (e: NewEvent) => unknown) => Math.round(sample.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(f(e))), 0) / sample.length);
  return { data: average((e) => e.data), metadata: average((e) => e.metadata) };
}

/**
 * A single-row INSERT as an application without the store would write it: same columns as
 * append_events writes (recorded_at from its default), one prepared statement, autocommit.
 */
export function rawInsert(position: bigint, streamId: string, event: NewEvent): { name: string; text: string; values: unknown[] } {
  return {
    name: 'bench_raw_insert',
    text: `INSERT INTO ${RAW_TABLE} (position, stream_id, revision, event_id, type, schema_version, data, metadata)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    values: [position.toString(), streamId, 0, event.id, event.type, event.schemaVersion, JSON.stringify(event.data), JSON.stringify(event.metadata)],
  };
}

/** The keyset page a hand-written reader of the log would run (same columns as readAll). */
export function rawKeysetRead(after: string): { name: string; text: string; values: unknown[] } {
  return {
    name: 'bench_raw_keyset',
    text: `SELECT position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at
           FROM events WHERE position > $1 ORDER BY position LIMIT 1000`,
    values: [after],
  };
}
