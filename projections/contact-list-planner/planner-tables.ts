import type { EntityManager } from 'typeorm';
import type { ContactField } from '../../contracts/events/membership.events';
import type { DeletionReason } from '../../src/contact-lists/dispatch-keys';
import type { ListableMember } from '../../src/contact-lists/listability';
import { type CopyValue, copyRows } from '../runner/copy-rows';

/*
 * The contact-list planner's tables, row by row as its memory holds them (planner-memory.ts):
 * column names as in the tables, log positions as bigint, times as ISO strings. Each table is
 * declared once here, and loading it, writing changed rows and deleting gone ones are derived from
 * that declaration.
 */

export interface MemberRow {
  member_id: string;
  diagnosis_id: string;
  facts: ListableMember;
  listable: boolean;
  language: string;
  personal: string | null;
  list_delivery: 'email' | 'portal' | null;
  details_position: bigint;
  position: bigint;
}

export interface ClusterRow {
  cluster_id: string;
  diagnosis_id: string;
}

export interface DiagnosisRow {
  diagnosis_id: string;
  name: string;
}

export interface GroupRow {
  diagnosis_id: string;
  version: number;
  built_at_position: bigint;
  position: bigint;
}

export interface NewcomerRow {
  diagnosis_id: string;
  member_id: string;
  since_position: bigint;
  since_at: string;
}

export interface VersionEntryRow {
  diagnosis_id: string;
  version: number;
  subject_id: string;
  ordinal: number;
  ordinal_gl: number | null;
  fields: ContactField[];
  digest: string;
  greenland: boolean;
}

export interface ListDispatchRow {
  dispatch_id: string;
  recipient_id: string;
  diagnosis_id: string;
  list_version: number;
  list_reference: string;
  greenland_only: boolean;
  built_at_position: bigint;
  dispatched_at: string;
  position: bigint;
}

export interface ViewRow {
  recipient_id: string;
  subject_id: string;
  list_reference: string;
  entry_number: number;
  fields: ContactField[];
  built_at_position: bigint;
  viewed_at: string;
  position: bigint;
}

export interface CorrectionRow {
  recipient_id: string;
  subject_id: string;
  due_position: bigint;
  done_position: bigint;
  list_reference: string;
  entry_number: number;
  listed_at: string;
}

export interface NoticeRow {
  dispatch_id: string;
  idempotency_key: string;
  recipient_id: string;
  subject_id: string;
  reason: DeletionReason;
  list_reference: string;
  entry_number: number;
  listed_at: string;
  planned_position: bigint;
  dispatched_position: bigint | null;
}

/** One table: its columns with their SQL types, and the columns of its primary key. */
export interface TableSpec<Row> {
  name: string;
  columns: Record<keyof Row & string, string>;
  key: ReadonlyArray<keyof Row & string>;
}

export const MEMBERS: TableSpec<MemberRow> = {
  name: 'contact_list_members',
  columns: {
    member_id: 'uuid',
    diagnosis_id: 'uuid',
    facts: 'jsonb',
    listable: 'boolean',
    language: 'text',
    personal: 'text',
    list_delivery: 'text',
    details_position: 'bigint',
    position: 'bigint',
  },
  key: ['member_id'],
};
export const CLUSTERS: TableSpec<ClusterRow> = { name: 'contact_list_clusters', columns: { cluster_id: 'text', diagnosis_id: 'uuid' }, key: ['cluster_id', 'diagnosis_id'] };
export const DIAGNOSES: TableSpec<DiagnosisRow> = { name: 'contact_list_diagnoses', columns: { diagnosis_id: 'uuid', name: 'text' }, key: ['diagnosis_id'] };
export const GROUPS: TableSpec<GroupRow> = {
  name: 'contact_list_groups',
  columns: { diagnosis_id: 'uuid', version: 'integer', built_at_position: 'bigint', position: 'bigint' },
  key: ['diagnosis_id'],
};
export const NEWCOMERS: TableSpec<NewcomerRow> = {
  name: 'contact_list_newcomers',
  columns: { diagnosis_id: 'uuid', member_id: 'uuid', since_position: 'bigint', since_at: 'timestamptz' },
  key: ['diagnosis_id', 'member_id'],
};
export const VERSION_ENTRIES: TableSpec<VersionEntryRow> = {
  name: 'contact_list_version_entries',
  columns: { diagnosis_id: 'uuid', version: 'integer', subject_id: 'uuid', ordinal: 'integer', ordinal_gl: 'integer', fields: 'text[]', digest: 'text', greenland: 'boolean' },
  key: ['diagnosis_id', 'version', 'subject_id'],
};
export const LIST_DISPATCHES: TableSpec<ListDispatchRow> = {
  name: 'contact_list_list_dispatches',
  columns: {
    dispatch_id: 'uuid',
    recipient_id: 'uuid',
    diagnosis_id: 'uuid',
    list_version: 'integer',
    list_reference: 'text',
    greenland_only: 'boolean',
    built_at_position: 'bigint',
    dispatched_at: 'timestamptz',
    position: 'bigint',
  },
  key: ['dispatch_id'],
};
export const VIEWS: TableSpec<ViewRow> = {
  name: 'contact_list_views',
  columns: {
    recipient_id: 'uuid',
    subject_id: 'uuid',
    list_reference: 'text',
    entry_number: 'integer',
    fields: 'text[]',
    built_at_position: 'bigint',
    viewed_at: 'timestamptz',
    position: 'bigint',
  },
  key: ['recipient_id', 'subject_id'],
};
export const CORRECTIONS: TableSpec<CorrectionRow> = {
  name: 'contact_list_corrections',
  columns: {
    recipient_id: 'uuid',
    subject_id: 'uuid',
    due_position: 'bigint',
    done_position: 'bigint',
    list_reference: 'text',
    entry_number: 'integer',
    listed_at: 'timestamptz',
  },
  key: ['recipient_id', 'subject_id'],
};
export const NOTICES: TableSpec<NoticeRow> = {
  name: 'contact_list_notices',
  columns: {
    dispatch_id: 'uuid',
    idempotency_key: 'text',
    recipient_id: 'uuid',
    subject_id: 'uuid',
    reason: 'text',
    list_reference: 'text',
    entry_number: 'integer',
    listed_at: 'timestamptz',
    planned_position: 'bigint',
    dispatched_position: 'bigint',
  },
  key: ['dispatch_id'],
};

/**
 * The id of the planner's last write to its tables (one row, absent before the first write): a
 * planner whose memory holds another loads the tables again.
 */
export const SAVE_TABLE = 'contact_list_planner_saves';

/** The planner's read model, table by table, in an order that may be emptied one by one. */
export const PLANNER_TABLES = [
  VIEWS.name,
  NOTICES.name,
  CORRECTIONS.name,
  LIST_DISPATCHES.name,
  VERSION_ENTRIES.name,
  NEWCOMERS.name,
  GROUPS.name,
  DIAGNOSES.name,
  CLUSTERS.name,
  MEMBERS.name,
] as const;

/** Every row of a table, as the memory holds it (only some of its columns, if named). */
export async function loadRows<Row, Column extends keyof Row & string = keyof Row & string>(
  spec: TableSpec<Row>,
  tx: EntityManager,
  only?: readonly Column[],
): Promise<Array<Pick<Row, Column>>> {
  const columns = Object.entries<string>(spec.columns).filter(([column]) => !only || only.includes(column as Column));
  const rows: Array<Record<string, unknown>> = await tx.query(`SELECT ${columns.map(([column]) => column).join(', ')} FROM ${spec.name}`);
  for (const row of rows) {
    for (const [column, type] of columns) {
      const value = row[column];
      if (value === null) continue;
      if (type === 'bigint') row[column] = BigInt(value as string);
      else if (type === 'timestamptz') row[column] = (value as Date).toISOString();
    }
  }
  return rows as Array<Pick<Row, Column>>;
}

/** Writes rows as they are now: new ones inserted, known ones replaced. */
export async function upsertRows<Row>(spec: TableSpec<Row>, rows: readonly Row[], tx: EntityManager): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(spec.columns) as Array<keyof Row & string>;
  const others = columns.filter((column) => !spec.key.includes(column));
  const onConflict = others.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${others.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}`;
  await tx.query(
    `INSERT INTO ${spec.name} (${columns.join(', ')})
     SELECT ${columns.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${recordType(spec, columns)})
     ON CONFLICT (${spec.key.join(', ')}) ${onConflict}`,
    [toJson(rows)],
  );
}

/** Writes rows that are new for certain (COPY: a row already there fails the transaction). */
export async function insertRows<Row>(spec: TableSpec<Row>, rows: readonly Row[], tx: EntityManager): Promise<void> {
  const columns = Object.keys(spec.columns) as Array<keyof Row & string>;
  await copyRows(tx, spec.name, columns, rows.map((row) => columns.map((column) => row[column] as CopyValue)));
}

/** Deletes the rows with these keys. */
export async function deleteRows<Row>(spec: TableSpec<Row>, keys: ReadonlyArray<Partial<Row>>, tx: EntityManager): Promise<void> {
  if (keys.length === 0) return;
  await tx.query(
    `DELETE FROM ${spec.name} t USING jsonb_to_recordset($1::jsonb) AS r(${recordType(spec, spec.key)})
     WHERE ${spec.key.map((column) => `t.${column} = r.${column}`).join(' AND ')}`,
    [toJson(keys)],
  );
}

function recordType<Row>(spec: TableSpec<Row>, columns: ReadonlyArray<keyof Row & string>): string {
  return columns.map((column) => `${column} ${spec.columns[column]}`).join(', ');
}

function toJson(rows: readonly unknown[]): string {
  return JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}
