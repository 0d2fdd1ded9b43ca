import type { LoggerService } from '@nestjs/common';
import type { Pool } from 'pg';
import { KeyVault } from '../../src/crypto/key-vault';
import type { Network } from './network';
import type { TestApp } from './test-app';

/** Scans for personal data where it must not be: the database, and the service's log output. */

/** Every text, varchar, json(b) and text-array column of the service's tables. */
async function textColumns(service: TestApp): Promise<Array<{ table: string; column: string }>> {
  const { rows } = await service.database.pool.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
       AND (c.data_type IN ('text', 'character varying', 'json', 'jsonb') OR c.udt_name IN ('_text', '_varchar'))
     ORDER BY c.table_name, c.column_name`,
  );
  return rows.map((row) => ({ table: row.table_name, column: row.column_name }));
}

/**
 * Where in the database each member's personal values can be read: in clear text, or in a sealed
 * value that still opens with the service's keys. Keys: member number; values: `table.column`.
 */
export async function readableValues(service: TestApp, network: Network): Promise<Map<number, Set<string>>> {
  const vault = service.app.get(KeyVault);
  const found = new Map([...network.people.keys()].map((n) => [n, new Set<string>()]));
  for (const { table, column } of await textColumns(service)) {
    const { rows } = await service.database.pool.query<{ value: string }>(`SELECT "${column}"::text AS value FROM "${table}" WHERE "${column}" IS NOT NULL`);
    for (const { value } of rows) {
      const opened: string[] = [];
      for (const sealed of value.match(/v1\.[A-Za-z0-9+/]+=*/g) ?? []) {
        for (const person of network.people.values()) {
          const plain = await vault.open<unknown>(person.memberId, sealed, undefined).catch(() => undefined); // another subject's value: does not open
          if (plain !== undefined) opened.push(JSON.stringify(plain));
        }
      }
      for (const [n, set] of found) {
        if (network.valuesOf(n).some((personal) => value.includes(personal) || opened.some((text) => text.includes(personal)))) set.add(`${table}.${column}`);
      }
    }
  }
  return found;
}

/** Where a string occurs in the database, as `table.column`. */
export async function occurrences(service: TestApp, needle: string): Promise<string[]> {
  const places: string[] = [];
  for (const { table, column } of await textColumns(service)) {
    const { rows } = await service.database.pool.query(`SELECT 1 FROM "${table}" WHERE strpos("${column}"::text, $1) > 0 LIMIT 1`, [needle]);
    if (rows.length > 0) places.push(`${table}.${column}`);
  }
  return places;
}

/**
 * Everything the service logs (through its Nest logger) and anything written to the process's
 * output, collected from now on; `stop()` restores the output streams.
 */
export function captureLogs(service: TestApp): { text(): string; stop(): void } {
  const logged: string[] = [];
  const record = (...parts: unknown[]): void => {
    logged.push(parts.map((part) => (part instanceof Error ? `${part.name}: ${part.message} ${part.stack ?? ''}` : typeof part === 'string' ? part : JSON.stringify(part))).join(' '));
  };
  const logger: LoggerService = { log: record, error: record, warn: record, debug: record, verbose: record, fatal: record };
  service.app.useLogger(logger);
  const restore: Array<() => void> = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
  return { text: () => logged.join('\n'), stop: () => restore.forEach((undo) => undo()) };
}

/** Asks every projection to rebuild from position 0 and waits until each has caught up with the log again. */
export async function rebuildEveryProjection(service: { database: { pool: Pool } }, network: Network): Promise<void> {
  const head = await network.store.headPosition();
  await service.database.pool.query('UPDATE projection_checkpoints SET rebuild_requested = true');
  await network.until(
    'every projection to be rebuilt',
    async () => {
      const { rows } = await service.database.pool.query<{ rebuild_requested: boolean; position: string; failed_at_position: string | null }>(
        'SELECT rebuild_requested, position::text, failed_at_position::text FROM projection_checkpoints',
      );
      if (rows.some((row) => row.failed_at_position !== null)) throw new Error('a projection failed while rebuilding');
      return rows.length > 0 && rows.every((row) => !row.rebuild_requested && BigInt(row.position) >= head);
    },
    60_000,
  );
}
