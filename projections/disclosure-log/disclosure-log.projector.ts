import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  ContactListDelivered,
  ContactListDeliveryFailed,
  ContactListEvent,
  ContactListVersionPublished,
  ContactListViewed,
} from '../../contracts/events/contact-list.events';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import { copyRows } from '../runner/copy-rows';
import type { Projection } from '../runner/projection';
import {
  chainHash,
  DISPATCH_EVENT_TYPES,
  type DisclosureEntry,
  type DispatchEvent,
  entryOf,
  GENESIS_HASH,
  listVersionOf,
  versionHash,
  versionKey,
} from './disclosure-entry';

const HANDLED = new Set<string>([
  'ContactListVersionPublished',
  'ContactListDispatched',
  'CorrectionDispatched',
  'DeletionNoticeDispatched',
  'ListNoticeDispatched',
  'ContactListViewed',
  'ContactListDelivered',
  'ContactListDeliveryFailed',
] satisfies Array<ContactListEvent['type']>);

/** A list version the log published: its hash and where. */
interface KnownVersion {
  hash: string;
  position: bigint;
}

/**
 * disclosure-log: every message that went to a member, for the data-protection officer.
 * - A published list version is stored once (disclosure_list_versions + _entries).
 * - Each dispatch (list, correction, deletion notice, a portal recipient's notice) and each view
 *   of a list in self-service appends one row to disclosure_log, chained to the row before:
 *   hash = sha256(prev_hash || canonical JSON of the entry). A list dispatch carries the hash of
 *   the version it refers to, a view the hash of its own entries (kept in
 *   disclosure_view_entries), so what was shown is in the chain too.
 * - Delivered / failed go to disclosure_deliveries: the chained rows are never updated.
 *
 * Idempotent: a dispatch at or before the chain's head position was appended already (rows are
 * appended in log order), and so was a delivery at or before the newest stored; a version's
 * entries are written only with a version not stored before. Those rows are new for certain, so
 * they are written with COPY (copy-rows.ts), which a rebuild from a long log needs.
 */
@Injectable()
export class DisclosureLogProjector implements Projection {
  readonly name = 'disclosure-log';
  readonly version = 1;
  readonly eventTypes = [...HANDLED];
  readonly tables = ['disclosure_log', 'disclosure_deliveries', 'disclosure_list_versions', 'disclosure_list_entries', 'disclosure_view_entries'];

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const relevant = events.filter((event) => HANDLED.has(event.type));
    if (relevant.length === 0) return;
    const [head]: Array<{ seq: string; position: string; hash: string }> = await tx.query(
      'SELECT seq::text, position::text, hash FROM disclosure_log ORDER BY disclosure_log.seq DESC LIMIT 1',
    );
    let seq = head ? BigInt(head.seq) : 0n;
    let prevHash = head?.hash ?? GENESIS_HASH;
    const chainedUpTo = head ? BigInt(head.position) : 0n;

    const known = await this.storedVersions(relevant, tx);
    /** Versions published for the first time, with their hash (computed once: it covers every entry). */
    const newVersions: Array<{ event: RecordedEvent; hash: string }> = [];
    const rows: Array<DisclosureEntry & { prevHash: string; hash: string }> = [];
    const views: RecordedEvent[] = [];
    const deliveries: RecordedEvent[] = [];
    for (const event of relevant) {
      if (event.type === 'ContactListVersionPublished') {
        const version = listVersionOf(event);
        const key = versionKey(version.diagnosisId, version.version);
        // The first publication of a version number is the one that counts (as in the table).
        if (!known.has(key)) {
          const hash = versionHash(version);
          known.set(key, { hash, position: event.position });
          newVersions.push({ event, hash });
        }
      } else if (DISPATCH_EVENT_TYPES.has(event.type)) {
        if (event.position <= chainedUpTo) continue;
        seq += 1n;
        const entry = entryOf(event, seq, this.versionHashFor(event, known));
        const hash = chainHash(prevHash, entry);
        rows.push(Object.assign(entry, { prevHash, hash })); // the entry is this row's own: no copy of its twenty fields
        prevHash = hash;
        if (event.type === 'ContactListViewed') views.push(event);
      } else {
        deliveries.push(event);
      }
    }
    await this.saveVersions(newVersions, tx);
    await this.appendRows(rows, tx);
    await this.saveViewEntries(views, tx);
    await this.saveDeliveries(deliveries, tx);
  }

  async reset(tx: EntityManager): Promise<void> {
    // The append-only trigger lets a rebuild through, and only in this transaction.
    await tx.query(`SET LOCAL sjn.disclosure_log_reset = 'on'`);
    await tx.query(`TRUNCATE ${this.tables.join(', ')}`);
  }

  /** The hash of the version a list dispatch refers to, if the log published it before the dispatch. */
  private versionHashFor(event: RecordedEvent, known: Map<string, KnownVersion>): string | null {
    const dispatch = event as unknown as DispatchEvent;
    if (dispatch.type !== 'ContactListDispatched') return null;
    const version = known.get(versionKey(dispatch.data.diagnosisId, dispatch.data.listVersion));
    return version && version.position < event.position ? version.hash : null;
  }

  /** The stored versions that the batch publishes again or refers to. */
  private async storedVersions(events: readonly RecordedEvent[], tx: EntityManager): Promise<Map<string, KnownVersion>> {
    const keys = new Map<string, { diagnosisId: string; version: number }>();
    for (const event of events) {
      const data = (event as unknown as ContactListEvent).data as { diagnosisId?: string; version?: number; listVersion?: number };
      const version = event.type === 'ContactListVersionPublished' ? data.version : event.type === 'ContactListDispatched' ? data.listVersion : undefined;
      if (data.diagnosisId !== undefined && version !== undefined) keys.set(versionKey(data.diagnosisId, version), { diagnosisId: data.diagnosisId, version });
    }
    const known = new Map<string, KnownVersion>();
    if (keys.size === 0) return known;
    const wanted = [...keys.values()];
    const rows: Array<{ diagnosis_id: string; version: number; version_hash: string; position: string }> = await tx.query(
      `SELECT v.diagnosis_id, v.version, v.version_hash, v.position::text
       FROM disclosure_list_versions v
       JOIN unnest($1::text[], $2::integer[]) AS k(diagnosis_id, version) USING (diagnosis_id, version)`,
      [wanted.map((key) => key.diagnosisId), wanted.map((key) => key.version)],
    );
    for (const row of rows) known.set(versionKey(row.diagnosis_id, row.version), { hash: row.version_hash, position: BigInt(row.position) });
    return known;
  }

  private async saveVersions(versions: Array<{ event: RecordedEvent; hash: string }>, tx: EntityManager): Promise<void> {
    if (versions.length === 0) return;
    const published = versions.map(({ event, hash }) => ({ event: event as unknown as ContactListVersionPublished & RecordedEvent, hash }));
    await tx.query(
      `INSERT INTO disclosure_list_versions (diagnosis_id, version, built_at_position, version_hash, entry_count, newcomers, position, published_at)
       SELECT diagnosis_id, version, built_at_position, version_hash, entry_count, newcomers, position, published_at
       FROM jsonb_to_recordset($1::jsonb) AS r(diagnosis_id text, version integer, built_at_position bigint, version_hash text,
         entry_count integer, newcomers text[], position bigint, published_at timestamptz)
       ON CONFLICT (diagnosis_id, version) DO NOTHING`,
      [
        JSON.stringify(
          published.map(({ event, hash }) => ({
            diagnosis_id: event.data.diagnosisId,
            version: event.data.version,
            built_at_position: BigInt(event.data.builtAtPosition).toString(),
            version_hash: hash,
            entry_count: event.data.entries.length,
            newcomers: event.data.newcomers,
            position: event.position.toString(),
            published_at: new Date(event.metadata.occurredAt).toISOString(),
          })),
        ),
      ],
    );
    await copyRows(
      tx,
      'disclosure_list_entries',
      ['diagnosis_id', 'version', 'ordinal', 'subject_id', 'fields', 'digest', 'greenland'],
      published.flatMap(({ event }) =>
        event.data.entries.map((entry, ordinal) => [event.data.diagnosisId, event.data.version, ordinal, entry.subjectId, entry.fields, entry.digest, entry.greenland]),
      ),
    );
  }

  private async appendRows(rows: Array<DisclosureEntry & { prevHash: string; hash: string }>, tx: EntityManager): Promise<void> {
    await copyRows(
      tx,
      'disclosure_log',
      [
        'seq', 'position', 'kind', 'discloses_data', 'dispatch_id', 'recipient_id', 'diagnosis_id', 'list_version', 'built_at_position', 'greenland_only',
        'version_hash', 'subject_id', 'subject_fields', 'subject_digest', 'subject_greenland', 'notice_reason', 'list_reference', 'channel',
        'idempotency_key', 'dispatched_at', 'prev_hash', 'hash',
      ],
      rows.map((row) => [
        row.seq, row.position, row.kind, row.disclosesData, row.dispatchId, row.recipientId, row.diagnosisId, row.listVersion, row.builtAtPosition,
        row.greenlandOnly, row.versionHash, row.subjectId, row.subjectFields, row.subjectDigest, row.subjectGreenland, row.noticeReason,
        row.listReference, row.channel, row.idempotencyKey, row.dispatchedAt, row.prevHash, row.hash,
      ]),
    );
  }

  private async saveViewEntries(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    const entries = events.flatMap((event) => {
      const { data } = event as unknown as ContactListViewed;
      return data.entries.map((entry, ordinal) => ({
        dispatch_id: data.dispatchId,
        ordinal,
        subject_id: entry.subjectId,
        fields: entry.fields,
        digest: entry.digest,
        greenland: entry.greenland,
      }));
    });
    if (entries.length === 0) return;
    await tx.query(
      `INSERT INTO disclosure_view_entries (dispatch_id, ordinal, subject_id, fields, digest, greenland)
       SELECT dispatch_id, ordinal, subject_id, fields, digest, greenland
       FROM jsonb_to_recordset($1::jsonb) AS r(dispatch_id text, ordinal integer, subject_id text, fields text[], digest text, greenland boolean)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(entries)],
    );
  }

  private async saveDeliveries(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    if (events.length === 0) return;
    // Deliveries are stored in log order too: one at or before the newest stored is there already.
    const [{ last }]: Array<{ last: string | null }> = await tx.query('SELECT max(position)::text AS last FROM disclosure_deliveries');
    const storedUpTo = BigInt(last ?? 0);
    await copyRows(
      tx,
      'disclosure_deliveries',
      ['position', 'dispatch_id', 'outcome', 'attempt', 'final', 'resent', 'provider_message_id', 'at'],
      events
        .filter((recorded) => recorded.position > storedUpTo)
        .map((recorded) => {
          const event = recorded as unknown as ContactListDelivered | ContactListDeliveryFailed;
          const delivered = event.type === 'ContactListDelivered';
          // A failure's reason is not kept: a provider's message may quote an address.
          return [
            recorded.position,
            event.data.dispatchId,
            delivered ? 'delivered' : 'failed',
            event.data.attempt,
            delivered ? true : event.data.final,
            delivered ? event.data.resent : false,
            delivered ? event.data.providerMessageId : null,
            new Date(recorded.metadata.occurredAt).toISOString(),
          ];
        }),
    );
  }
}
