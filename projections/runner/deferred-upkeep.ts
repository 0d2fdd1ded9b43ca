import type { EntityManager } from 'typeorm';

/*
 * A read model applied from position 0 (a rebuild, or its first start on a log that already has
 * events) writes every row it will ever hold, and keeping its tables in shape meanwhile is work
 * done over and over on rows still coming: every secondary index kept up row by row (about as much
 * again as the rows), and autovacuum scanning the growing tables each time they have grown by a
 * fifth. So as the runner starts it drops the secondary indexes of the read model's tables and
 * pauses autovacuum for them, keeping in projection_deferred_upkeep, in the same transaction, the
 * statements that put each back; it runs them once the read model has caught up with the log
 * (also another instance, or after a restart). Unique indexes stay: upserts and keys rely on
 * them. PostgreSQL still vacuums a paused table when its transaction ids need freezing.
 */

/** Drops the secondary indexes of `tables` and pauses autovacuum for them, to be put back by restoreUpkeep(). */
export async function deferUpkeep(tx: EntityManager, projection: string, tables: readonly string[]): Promise<void> {
  const indexes: Array<{ index_name: string; definition: string }> = await tx.query(
    `SELECT c.relname AS index_name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i
     JOIN pg_class c ON c.oid = i.indexrelid
     JOIN pg_class t ON t.oid = i.indrelid
     WHERE t.relname = ANY($1::text[]) AND t.relnamespace = current_schema()::regnamespace AND NOT i.indisunique`,
    [tables],
  );
  for (const { index_name: indexName, definition } of indexes) {
    await keep(tx, projection, indexName, definition);
    await tx.query(`DROP INDEX "${indexName}"`);
  }
  for (const table of tables) {
    // RESET rather than SET true: the read models' tables have no autovacuum setting of their own.
    await keep(tx, projection, `autovacuum of ${table}`, `ALTER TABLE "${table}" RESET (autovacuum_enabled)`);
    await tx.query(`ALTER TABLE "${table}" SET (autovacuum_enabled = false)`);
  }
}

async function keep(tx: EntityManager, projection: string, item: string, restoreStatement: string): Promise<void> {
  await tx.query('INSERT INTO projection_deferred_upkeep (projection, item, restore_statement) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    projection,
    item,
    restoreStatement,
  ]);
}

/** Whether the projection has upkeep to put back. */
export async function hasDeferredUpkeep(tx: Pick<EntityManager, 'query'>, projection: string): Promise<boolean> {
  const rows: unknown[] = await tx.query('SELECT 1 FROM projection_deferred_upkeep WHERE projection = $1 LIMIT 1', [projection]);
  return rows.length > 0;
}

/** Builds the projection's deferred indexes again and gives its tables back to autovacuum. */
export async function restoreUpkeep(tx: EntityManager, projection: string): Promise<void> {
  const items: Array<{ restore_statement: string }> = await tx.query(
    'SELECT restore_statement FROM projection_deferred_upkeep WHERE projection = $1 FOR UPDATE',
    [projection],
  );
  for (const { restore_statement: statement } of items) await tx.query(statement);
  await tx.query('DELETE FROM projection_deferred_upkeep WHERE projection = $1', [projection]);
}
