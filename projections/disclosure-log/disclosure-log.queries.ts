import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ContactField } from '../../contracts/events/membership.events';
import { recipientView } from '../../src/contact-lists/listability';
import type { DisclosureKind } from './disclosure-entry';
import { type CsvValue, csvRecord } from './csv';
import { ListVersionCache, loadViewEntries } from './disclosure-rows';

/** Which entries: about one person, to one recipient, in a time span (inclusive). */
export interface DisclosureFilter {
  subjectId?: string;
  recipientId?: string;
  /** dispatched at or after */
  from?: Date;
  /** dispatched before (exclusive) */
  until?: Date;
}

export interface DisclosurePage {
  /** Entries after this seq. */
  after?: string;
  limit: number;
}

/** shown: a view in self-service, answered when it was recorded (there is no delivery to follow). */
export type DeliveryStatus = 'pending' | 'delivered' | 'retrying' | 'failed' | 'shown';

export interface Delivery {
  status: DeliveryStatus;
  /** Delivery and failure events recorded for the dispatch. */
  attempts: number;
  deliveredAt: string | null;
  providerMessageId: string | null;
  /** Delivered again after a crash (the resend is recorded, not hidden). */
  resent: boolean;
}

/** One message to one recipient; with a subject filter, what of that subject's data it held. */
export interface DisclosureRecord {
  seq: string;
  kind: DisclosureKind;
  /** false for deletion notices and list notices: they carry no data about anyone. */
  disclosesData: boolean;
  dispatchId: string;
  recipientId: string;
  diagnosisId: string | null;
  listVersion: number | null;
  builtAtPosition: string | null;
  greenlandOnly: boolean | null;
  listReference: string;
  channel: string;
  /** Position of the dispatch event in the log. */
  position: string;
  dispatchedAt: string;
  noticeReason: string | null;
  /** The one person the entry is about: the filtered subject, or a correction's or notice's subject; null for a whole list or view. */
  subject: { subjectId: string; fields: ContactField[] } | null;
  delivery: Delivery;
  hash: string;
}

export interface DisclosureList {
  entries: DisclosureRecord[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

/** Whose data were in the affected messages, which fields, and who received them. */
export interface BreachScope {
  messages: number;
  recipients: string[];
  subjects: Array<{ subjectId: string; fields: ContactField[]; recipients: string[] }>;
}

export type BreachSelector = { listReference: string } | { from: Date; until: Date };

interface RecordRow {
  seq: string;
  kind: DisclosureKind;
  discloses_data: boolean;
  dispatch_id: string;
  recipient_id: string;
  diagnosis_id: string | null;
  list_version: number | null;
  built_at_position: string | null;
  greenland_only: boolean | null;
  list_reference: string;
  channel: string;
  position: string;
  dispatched_at: Date;
  notice_reason: string | null;
  subject_id: string | null;
  subject_fields: ContactField[] | null;
  /**
   * 'list': the subject was found in the list version (their fields and flag come with it);
   * 'view': in the entries a view showed; 'direct': the row names the subject.
   */
  via: 'list' | 'view' | 'direct' | null;
  view_greenland: boolean | null;
  hash: string;
  attempts: number;
  delivered: boolean | null;
  delivered_at: Date | null;
  provider_message_id: string | null;
  failed_final: boolean | null;
  resent: boolean | null;
}

/** The columns the inner selects give (raw), and what the outer select makes of them. */
const INNER = `l.seq, l.kind, l.discloses_data, l.dispatch_id, l.recipient_id, l.diagnosis_id, l.list_version, l.built_at_position,
  l.greenland_only, l.list_reference, l.channel, l.position, l.dispatched_at, l.notice_reason, l.hash`;
const OUTER = `x.seq::text AS seq, x.kind, x.discloses_data, x.dispatch_id, x.recipient_id, x.diagnosis_id, x.list_version,
  x.built_at_position::text AS built_at_position, x.greenland_only, x.list_reference, x.channel, x.position::text AS position, x.dispatched_at,
  x.notice_reason, x.hash, x.subject_id, x.subject_fields, x.via, x.view_greenland,
  d.attempts, d.delivered, d.delivered_at, d.provider_message_id, d.failed_final, d.resent`;

const DELIVERY = `LEFT JOIN LATERAL (
    SELECT count(*)::int AS attempts,
           bool_or(d.outcome = 'delivered') AS delivered,
           min(d.at) FILTER (WHERE d.outcome = 'delivered') AS delivered_at,
           (array_agg(d.provider_message_id ORDER BY d.position) FILTER (WHERE d.outcome = 'delivered'))[1] AS provider_message_id,
           bool_or(d.outcome = 'failed' AND d.final) AS failed_final,
           bool_or(d.resent) AS resent
    FROM disclosure_deliveries d WHERE d.dispatch_id = x.dispatch_id
  ) d ON true`;

/** The CSV export's columns, one record per entry. */
const CSV_HEADER = [
  'seq',
  'dispatchedAt',
  'kind',
  'disclosesData',
  'recipientId',
  'subjectId',
  'subjectFields',
  'diagnosisId',
  'listVersion',
  'builtAtPosition',
  'greenlandOnly',
  'listReference',
  'channel',
  'dispatchId',
  'position',
  'noticeReason',
  'deliveryStatus',
  'deliveredAt',
  'hash',
];

/**
 * Reading the disclosure log: the DPO's entries (GET /disclosures, as JSON pages or a CSV
 * export), the breach scope, and — for the member's own "who received my data" (GET
 * /me/disclosures) — `entries({ subjectId })`.
 *
 * Which entries of a list version a recipient saw is decided by `recipientView` (the same pure
 * function the sender and the verification use); SQL only narrows the candidates.
 */
@Injectable()
export class DisclosureQueries {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One page of entries in log order. With a subjectId: only the messages that held that
   * person's data (or named them, for deletion notices), each with the fields shown.
   */
  async entries(filter: DisclosureFilter, page: DisclosurePage): Promise<DisclosureList> {
    const { text, parameters } = filter.subjectId ? this.subjectQuery(filter, page) : this.dispatchQuery(filter, page);
    const rows: RecordRow[] = await this.dataSource.query(text, parameters);
    const entries = mergeSameSeq(rows.filter((row) => shown(row, filter.subjectId)).map((row) => toRecord(row, filter.subjectId)));
    const next = rows.length === page.limit ? rows[rows.length - 1].seq : undefined;
    return next ? { entries, next } : { entries };
  }

  /** Every entry the filter selects, as CSV (header first), a page of records at a time. */
  async *csv(filter: DisclosureFilter, pageSize = 1000): AsyncGenerator<string> {
    yield csvRecord(CSV_HEADER);
    let after: string | undefined;
    do {
      const page = await this.entries(filter, { after, limit: pageSize });
      yield page.entries.map((entry) => csvRecord(csvValues(entry))).join('');
      after = page.next;
    } while (after);
  }

  /**
   * The scope of a breach (GDPR Art. 33/34): every message that carried data, selected by its
   * list reference (a leaked copy) or by when it was dispatched, and whose data they carried.
   * Over-reports rather than under-reports: a message counts whatever became of its delivery.
   */
  async breachScope(selector: BreachSelector, pageSize = 1000): Promise<BreachScope> {
    const condition = 'listReference' in selector ? 'l.list_reference = $1' : 'l.dispatched_at >= $1 AND l.dispatched_at < $2';
    const parameters: unknown[] = 'listReference' in selector ? [selector.listReference] : [selector.from.toISOString(), selector.until.toISOString()];
    const versions = new ListVersionCache(this.dataSource, 32);
    const recipients = new Set<string>();
    const subjects = new Map<string, { fields: Set<ContactField>; recipients: Set<string> }>();
    const disclose = (subjectId: string, fields: readonly ContactField[], recipientId: string): void => {
      const subject = subjects.get(subjectId) ?? { fields: new Set<ContactField>(), recipients: new Set<string>() };
      for (const field of fields) subject.fields.add(field);
      subject.recipients.add(recipientId);
      subjects.set(subjectId, subject);
    };
    let messages = 0;
    let after = '0';
    for (;;) {
      const rows: Array<{
        seq: string;
        kind: DisclosureKind;
        dispatch_id: string;
        recipient_id: string;
        diagnosis_id: string | null;
        list_version: number | null;
        greenland_only: boolean | null;
        subject_id: string | null;
        subject_fields: ContactField[] | null;
      }> = await this.dataSource.query(
          `SELECT l.seq::text, l.kind, l.dispatch_id, l.recipient_id, l.diagnosis_id, l.list_version, l.greenland_only, l.subject_id, l.subject_fields
           FROM disclosure_log l WHERE l.discloses_data AND ${condition} AND l.seq > $${parameters.length + 1}
           ORDER BY l.seq LIMIT $${parameters.length + 2}`,
          [...parameters, after, pageSize],
        );
      for (const row of rows) {
        messages++;
        recipients.add(row.recipient_id);
        if (row.kind === 'correction' && row.subject_id !== null) disclose(row.subject_id, row.subject_fields ?? [], row.recipient_id);
        if (row.kind === 'contact-list-view') for (const entry of await loadViewEntries(this.dataSource, row.dispatch_id)) disclose(entry.subjectId, entry.fields, row.recipient_id);
        if (row.kind !== 'contact-list' || row.diagnosis_id === null || row.list_version === null) continue;
        const version = await versions.get(row.diagnosis_id, row.list_version);
        for (const entry of recipientView(version?.entries ?? [], row.recipient_id, row.greenland_only ?? false)) disclose(entry.subjectId, entry.fields, row.recipient_id);
      }
      if (rows.length < pageSize) break;
      after = rows[rows.length - 1].seq;
    }
    return {
      messages,
      recipients: [...recipients].sort(),
      subjects: [...subjects.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([subjectId, subject]) => ({ subjectId, fields: FIELD_ORDER.filter((field) => subject.fields.has(field)), recipients: [...subject.recipients].sort() })),
    };
  }

  private dispatchQuery(filter: DisclosureFilter, page: DisclosurePage): { text: string; parameters: unknown[] } {
    const { where, parameters } = conditions(filter, page, 'x');
    return {
      text: `SELECT ${OUTER} FROM (
               SELECT ${INNER}, l.subject_id, l.subject_fields, NULL::text AS via, NULL::boolean AS view_greenland FROM disclosure_log l
             ) x ${DELIVERY}
             WHERE ${where} ORDER BY x.seq LIMIT $${parameters.length + 1}`,
      parameters: [...parameters, page.limit],
    };
  }

  /** Candidates: the dispatches of every list version the subject is on, the views that showed them, and the rows that name them. */
  private subjectQuery(filter: DisclosureFilter, page: DisclosurePage): { text: string; parameters: unknown[] } {
    const { where, parameters } = conditions(filter, page, 'x');
    const subject = `$${parameters.length + 1}`;
    return {
      text: `SELECT ${OUTER} FROM (
               SELECT ${INNER}, e.subject_id, e.fields AS subject_fields, 'list' AS via, e.greenland AS view_greenland
               FROM disclosure_list_entries e
               JOIN disclosure_log l ON l.kind = 'contact-list' AND l.diagnosis_id = e.diagnosis_id AND l.list_version = e.version
               WHERE e.subject_id = ${subject}
               UNION ALL
               SELECT ${INNER}, v.subject_id, v.fields AS subject_fields, 'view' AS via, NULL::boolean AS view_greenland
               FROM disclosure_view_entries v
               JOIN disclosure_log l ON l.kind = 'contact-list-view' AND l.dispatch_id = v.dispatch_id
               WHERE v.subject_id = ${subject}
               UNION ALL
               SELECT ${INNER}, l.subject_id, l.subject_fields, 'direct' AS via, NULL::boolean AS view_greenland
               FROM disclosure_log l WHERE l.subject_id = ${subject}
             ) x ${DELIVERY}
             WHERE ${where} ORDER BY x.seq LIMIT $${parameters.length + 2}`,
      parameters: [...parameters, filter.subjectId, page.limit],
    };
  }
}

const FIELD_ORDER: ContactField[] = ['address', 'phone', 'email'];

function conditions(filter: DisclosureFilter, page: DisclosurePage, alias: string): { where: string; parameters: unknown[] } {
  const parts: string[] = [];
  const parameters: unknown[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown): void => {
    parameters.push(value);
    parts.push(condition(`$${parameters.length}`));
  };
  if (filter.recipientId) add((p) => `${alias}.recipient_id = ${p}`, filter.recipientId);
  if (filter.from) add((p) => `${alias}.dispatched_at >= ${p}`, filter.from.toISOString());
  if (filter.until) add((p) => `${alias}.dispatched_at < ${p}`, filter.until.toISOString());
  add((p) => `${alias}.seq > ${p}::bigint`, page.after ?? '0');
  return { where: parts.join(' AND '), parameters };
}

/** Whether the subject's entry was in what the recipient saw (always, for rows that name the subject or without a subject). */
function shown(row: RecordRow, subjectId: string | undefined): boolean {
  if (!subjectId || row.via !== 'list') return true;
  return recipientView([{ subjectId, greenland: row.view_greenland ?? false }], row.recipient_id, row.greenland_only ?? false).length > 0;
}

function toRecord(row: RecordRow, subjectId: string | undefined): DisclosureRecord {
  const aboutOne = subjectId !== undefined || (row.kind !== 'contact-list' && row.kind !== 'contact-list-view');
  return {
    seq: row.seq,
    kind: row.kind,
    disclosesData: row.discloses_data,
    dispatchId: row.dispatch_id,
    recipientId: row.recipient_id,
    diagnosisId: row.diagnosis_id,
    listVersion: row.list_version,
    builtAtPosition: row.built_at_position,
    greenlandOnly: row.greenland_only,
    listReference: row.list_reference,
    channel: row.channel,
    position: row.position,
    dispatchedAt: row.dispatched_at.toISOString(),
    noticeReason: row.notice_reason,
    subject: aboutOne && row.subject_id !== null ? { subjectId: row.subject_id, fields: row.subject_fields ?? [] } : null,
    delivery: {
      status: row.kind === 'contact-list-view' ? 'shown' : row.delivered ? 'delivered' : row.failed_final ? 'failed' : row.attempts > 0 ? 'retrying' : 'pending',
      attempts: row.attempts,
      deliveredAt: row.delivered_at ? row.delivered_at.toISOString() : null,
      providerMessageId: row.provider_message_id,
      resent: row.resent ?? false,
    },
    hash: row.hash,
  };
}

/** A person listed twice in one version (which a correct sender never does) gives one entry with the fields of both. */
function mergeSameSeq(records: DisclosureRecord[]): DisclosureRecord[] {
  const merged: DisclosureRecord[] = [];
  for (const record of records) {
    const previous = merged[merged.length - 1];
    if (previous && previous.seq === record.seq && previous.subject && record.subject) {
      previous.subject.fields = FIELD_ORDER.filter((field) => previous.subject?.fields.includes(field) || record.subject?.fields.includes(field));
    } else {
      merged.push(record);
    }
  }
  return merged;
}

function csvValues(entry: DisclosureRecord): CsvValue[] {
  return [
    entry.seq,
    entry.dispatchedAt,
    entry.kind,
    entry.disclosesData,
    entry.recipientId,
    entry.subject?.subjectId,
    entry.subject?.fields.join(';'),
    entry.diagnosisId,
    entry.listVersion,
    entry.builtAtPosition,
    entry.greenlandOnly,
    entry.listReference,
    entry.channel,
    entry.dispatchId,
    entry.position,
    entry.noticeReason,
    entry.delivery.status,
    entry.delivery.deliveredAt,
    entry.hash,
  ];
}
