import type { EntityManager } from 'typeorm';

/*
 * A read model applied from position 0 (a rebuild, or its first start on a log that already has
 * events) writes every row it will ever hold, and keeping its secondary indexes up to date row by
 * row costs about as much again as the rows. So its secondary indexes are dropped as it starts,
 * their definitions kept in projection_deferred_indexes in the same transaction, and built again
 * from there once it has caught up with the log (also by another instance, or after a restart).
 * Unique indexes stay: upserts and keys rely on them.
 */

/** Drops the secondary indexes of `tables` and keeps their definitions, to be built again by restoreIndexes(). */
export async function deferIndexes(tx: EntityManager, projection: string, tables: readonly string[]): Promise<void> {
  const indexes: Array<{ index_name: string; definition: string }> = await tx.query(
    `SELECT c.relname AS index_name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i
     JOIN pg_class c ON c.oid = i.indexrelid
     JOIN pg_class t ON t.oid = i.indrelid
     WHERE t.relname = ANY($1::text[]) AND t.relnamespace = current_schema()::regnamespace AND NOT i.indisunique`,
    [tables],
  );
  for (const { index_name: indexName, definition } of indexes) {
    await tx.query('INSERT INTO projection_deferred_indexes (projection, index_name, definition) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      projection,
      indexName,
      definition,
    ]);
    await tx.query(`DROP INDEX "${indexName}"`);
  }
}

/** Whether the projection has indexes to build again. */
export async function hasDeferredIndexes(tx: Pick<EntityManager, 'query'>, projection: string): Promise<boolean> {
  const rows: unknown[] = await tx.query('SELECT 1 FROM projection_deferred_indexes WHERE projection = $1 LIMIT 1', [projection]);
  return rows.length > 0;
}

/** Builds the projection's deferred indexes again. */
export async function restoreIndexes(tx: EntityManager, projection: string): Promise<void> {
  const indexes: Array<{ definition: string }> = await tx.query('SELECT definition FROM projection_deferred_indexes WHERE projection = $1 FOR UPDATE', [projection]);
  for (const { definition } of indexes) await tx.query(definition);
  await tx.query('DELETE FROM projection_deferred_indexes WHERE projection = $1', [projection]);
}
