import type { Pool } from 'pg';
import { senderInHand } from './settle';

/**
 * The whole database as rows, to prove that rebuilding every projection from position 0 gives
 * back exactly what the running service had built (and that a rebuild sends and writes nothing
 * else: the log, the keys, the outbox and the mail records are compared too).
 */

/**
 * Columns that legitimately differ after a rebuild, and why. Everything else must be equal.
 * Keys: `table.column`.
 */
export const REBUILD_IGNORES: Record<string, string> = {
  'projection_checkpoints.updated_at': 'the time each runner last advanced its checkpoint, which a rebuild does again',
  'contact_list_planner_saves.save_id': 'a random id of the planner\'s last write, which only tells a planner whether its memory is still what the tables hold',
  'contact_list_notices.planned_position':
    'the end of the batch segment in which the planner found a notice due: only the order in which due notices are sent, and it depends on where batches end (its own spec ignores it too)',
};

export type TableRows = Map<string, string[]>;

/** Every row of every table, each as canonical JSON (ignored columns left out), rows sorted. */
export async function snapshotTables(pool: Pool): Promise<TableRows> {
  const { rows: tables } = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const snapshot: TableRows = new Map();
  for (const { table_name: table } of tables) {
    const { rows } = await pool.query<Record<string, unknown>>(`SELECT * FROM "${table}"`);
    snapshot.set(table, rows.map((row) => canonical(table, row)).sort());
  }
  // The indexes and tables' settings too: a rebuild puts some back at its end (projections/runner/deferred-upkeep.ts).
  const { rows: indexes } = await pool.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexdef`);
  snapshot.set('(indexes)', indexes.map((index) => index.indexdef));
  const { rows: settings } = await pool.query<{ setting: string }>(
    `SELECT relname || ' ' || array_to_string(reloptions, ',') AS setting FROM pg_class
     WHERE relnamespace = 'public'::regnamespace AND reloptions IS NOT NULL ORDER BY 1`,
  );
  snapshot.set('(table settings)', settings.map((row) => row.setting));
  return snapshot;
}

/** Per table that differs: the rows only the first or only the second snapshot holds (ids and sealed values, no clear personal data). */
export function tableDifferences(before: TableRows, after: TableRows): Record<string, { onlyBefore: string[]; onlyAfter: string[] }> {
  const differences: Record<string, { onlyBefore: string[]; onlyAfter: string[] }> = {};
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const [a, b] = [before.get(table) ?? [], after.get(table) ?? []];
    const onlyBefore = missingFrom(a, b);
    const onlyAfter = missingFrom(b, a);
    if (onlyBefore.length + onlyAfter.length > 0) differences[table] = { onlyBefore, onlyAfter };
  }
  return differences;
}

/**
 * Waits until the service has nothing left to do: every projection has applied the whole log
 * (and put back the upkeep it deferred while it did: projections/runner/deferred-upkeep.ts),
 * the contact-list sender holds no unsettled message or unpublished version, and the log has
 * not grown for `quietMs` (the sender may still find due work in the planner's newest state).
 */
export async function untilSettled(pool: Pool, { quietMs = 1500, timeoutMs = 60_000 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = { head: -1n, since: Date.now() };
  for (;;) {
    const { rows } = await pool.query<{ head: string; behind: number; failed: number }>(
      `SELECT (SELECT coalesce(max(position), 0) FROM events)::text AS head,
              (SELECT count(*) FROM projection_checkpoints WHERE position < (SELECT coalesce(max(position), 0) FROM events))::int
                + (SELECT count(DISTINCT projection) FROM projection_deferred_upkeep)::int AS behind,
              (SELECT count(*) FROM projection_checkpoints WHERE failed_at_position IS NOT NULL)::int AS failed`,
    );
    const { head, behind, failed } = rows[0];
    const open = await senderInHand(pool);
    if (failed > 0) throw new Error('a projection failed');
    const now = Date.now();
    if (BigInt(head) !== last.head || behind > 0 || open > 0) last = { head: BigInt(head), since: now };
    else if (now - last.since >= quietMs) return;
    if (now > deadline) throw new Error(`the service did not settle: ${behind} projections behind, ${open} messages or versions open`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function canonical(table: string, row: Record<string, unknown>): string {
  const kept = Object.keys(row)
    .filter((column) => !(`${table}.${column}` in REBUILD_IGNORES))
    .sort()
    .map((column) => [column, row[column]]);
  return JSON.stringify(Object.fromEntries(kept));
}

/** The rows of `rows` (sorted) that have no counterpart in `other` (sorted), duplicates counted. */
function missingFrom(rows: string[], other: string[]): string[] {
  const missing: string[] = [];
  let j = 0;
  for (const row of rows) {
    while (j < other.length && other[j] < row) j++;
    if (j < other.length && other[j] === row) j++;
    else missing.push(row);
  }
  return missing;
}
