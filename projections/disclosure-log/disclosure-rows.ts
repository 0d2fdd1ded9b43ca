import type { ListEntry } from '../../contracts/events/contact-list.events';
import type { ContactField } from '../../contracts/events/membership.events';
import { type DisclosureEntry, type DisclosureKind, type ListVersion, versionKey } from './disclosure-entry';

/** Anything that runs SQL: a DataSource, an EntityManager (a transaction) or a QueryRunner. */
export interface Sql {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(text: string, parameters?: unknown[]): Promise<any>;
}

/**
 * The columns of a disclosure_log row as EntryRow reads them. Positions and seq come out as text:
 * an ORDER BY must name the table's column (disclosure_log.seq), not the text output column.
 */
export const ENTRY_COLUMNS = `seq::text, position::text, kind, discloses_data, dispatch_id, recipient_id, diagnosis_id, list_version,
  built_at_position::text, greenland_only, version_hash, subject_id, subject_fields, subject_digest, subject_greenland, notice_reason,
  list_reference, channel, idempotency_key, dispatched_at, prev_hash, hash`;

export interface EntryRow {
  seq: string;
  position: string;
  kind: DisclosureKind;
  discloses_data: boolean;
  dispatch_id: string;
  recipient_id: string;
  diagnosis_id: string | null;
  list_version: number | null;
  built_at_position: string | null;
  greenland_only: boolean | null;
  version_hash: string | null;
  subject_id: string | null;
  subject_fields: ContactField[] | null;
  subject_digest: string | null;
  subject_greenland: boolean | null;
  notice_reason: string | null;
  list_reference: string;
  channel: string;
  idempotency_key: string | null;
  dispatched_at: Date;
  prev_hash: string;
  hash: string;
}

/** The entry a stored row says it is (what its hash must cover). */
export function entryOfRow(row: EntryRow): DisclosureEntry {
  return {
    seq: row.seq,
    position: row.position,
    kind: row.kind,
    disclosesData: row.discloses_data,
    dispatchId: row.dispatch_id,
    recipientId: row.recipient_id,
    diagnosisId: row.diagnosis_id,
    listVersion: row.list_version,
    builtAtPosition: row.built_at_position,
    greenlandOnly: row.greenland_only,
    versionHash: row.version_hash,
    subjectId: row.subject_id,
    subjectFields: row.subject_fields,
    subjectDigest: row.subject_digest,
    subjectGreenland: row.subject_greenland,
    noticeReason: row.notice_reason,
    listReference: row.list_reference,
    channel: row.channel,
    idempotencyKey: row.idempotency_key,
    dispatchedAt: row.dispatched_at.toISOString(),
  };
}

/** A list version as stored, with the hash the projector recorded for it. */
export interface StoredListVersion extends ListVersion {
  storedHash: string;
  entries: ListEntry[];
}

/** One list version with its entries in published order; undefined if it is not stored. */
export async function loadListVersion(sql: Sql, diagnosisId: string, version: number): Promise<StoredListVersion | undefined> {
  const [head]: Array<{ built_at_position: string; version_hash: string }> = await sql.query(
    'SELECT built_at_position::text, version_hash FROM disclosure_list_versions WHERE diagnosis_id = $1 AND version = $2',
    [diagnosisId, version],
  );
  if (!head) return undefined;
  const rows: Array<{ subject_id: string; fields: ContactField[]; digest: string; greenland: boolean }> = await sql.query(
    'SELECT subject_id, fields, digest, greenland FROM disclosure_list_entries WHERE diagnosis_id = $1 AND version = $2 ORDER BY ordinal',
    [diagnosisId, version],
  );
  return {
    diagnosisId,
    version,
    builtAtPosition: head.built_at_position,
    storedHash: head.version_hash,
    entries: rows.map((row) => ({ subjectId: row.subject_id, fields: row.fields, digest: row.digest, greenland: row.greenland })),
  };
}

/** The entries a view showed, in the order shown. */
export async function loadViewEntries(sql: Sql, dispatchId: string): Promise<ListEntry[]> {
  const rows: Array<{ subject_id: string; fields: ContactField[]; digest: string; greenland: boolean }> = await sql.query(
    'SELECT subject_id, fields, digest, greenland FROM disclosure_view_entries WHERE dispatch_id = $1 ORDER BY ordinal',
    [dispatchId],
  );
  return rows.map((row) => ({ subjectId: row.subject_id, fields: row.fields, digest: row.digest, greenland: row.greenland }));
}

/**
 * The few list versions in use, kept while rows of the same version follow one another (they
 * do: queries read dispatches grouped by version), so each version is read once, not once per
 * recipient. Bounded, least recently used out first.
 */
export class ListVersionCache {
  private readonly versions = new Map<string, StoredListVersion | undefined>();

  constructor(
    private readonly sql: Sql,
    private readonly capacity = 8,
  ) {}

  async get(diagnosisId: string, version: number): Promise<StoredListVersion | undefined> {
    const key = versionKey(diagnosisId, version);
    if (this.versions.has(key)) {
      const cached = this.versions.get(key);
      this.versions.delete(key);
      this.versions.set(key, cached);
      return cached;
    }
    const loaded = await loadListVersion(this.sql, diagnosisId, version);
    this.versions.set(key, loaded);
    if (this.versions.size > this.capacity) this.versions.delete(this.versions.keys().next().value as string);
    return loaded;
  }
}
