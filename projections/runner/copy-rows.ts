import { once } from 'node:events';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

/** A column value as COPY takes it: bigint and integer columns as numbers, bigints or decimal strings, text[] as arrays. */
export type CopyValue = string | number | bigint | boolean | null | readonly string[];

/*
 * Rows that are new for certain (never an update, never a row already there) are written with
 * COPY … FROM STDIN instead of INSERT: PostgreSQL parses COPY's plain text format far faster than
 * a JSON parameter, which matters when a read model is rebuilt from a long log. Whoever calls it
 * must know the rows are new: COPY has no ON CONFLICT, so a duplicate fails the transaction.
 */

const ESCAPED = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** COPY's text format: a backslash, tab, newline or carriage return inside a value is escaped. */
function copyText(text: string): string {
  return text.replace(ESCAPED, (character) => ESCAPES[character]);
}

/** A text[] value as an array literal, every element quoted. */
function arrayLiteral(elements: readonly string[]): string {
  return `{${elements.map((element) => `"${element.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString();
  return copyText(typeof value === 'string' ? value : arrayLiteral(value));
}

/** Inserts the rows (values in the order of `columns`) with one COPY in the transaction of `tx`. */
export async function copyRows(tx: EntityManager, table: string, columns: readonly string[], rows: ReadonlyArray<readonly CopyValue[]>): Promise<void> {
  if (rows.length === 0) return;
  if (!tx.queryRunner) throw new Error(`copyRows into ${table} needs the EntityManager of a transaction`);
  const client = (await tx.queryRunner.connect()) as PoolClient;
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  let text = '';
  for (const row of rows) text += `${row.map(copyField).join('\t')}\n`;
  stream.end(text);
  await once(stream, 'finish');
}
