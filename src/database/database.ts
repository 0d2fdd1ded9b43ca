import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../infra/migrations';
import { attachToRunningEmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';

export interface OpenDatabase {
  connectionString: string;
  /** True when the service started the server itself (and must stop it last). */
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when given, otherwise a private PostgreSQL under DATA_DIR. A tool that works
 * beside the service (`attach`) uses the embedded server of a service running on DATA_DIR.
 */
export async function openDatabase(config: { DATABASE_URL?: string; DATA_DIR: string }, { attach = false } = {}): Promise<OpenDatabase> {
  if (config.DATABASE_URL) {
    return { connectionString: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  }
  const running = attach ? await attachToRunningEmbeddedPostgres(config.DATA_DIR) : undefined;
  if (running) return { connectionString: running, embedded: false, stop: async () => undefined };
  const server = await startEmbeddedPostgres(config.DATA_DIR);
  return { connectionString: server.connectionString, embedded: true, stop: server.stop };
}

/** Any fixed number; only this service takes this advisory lock. */
const MIGRATION_LOCK = 7215630400;

/**
 * Brings the schema up to date. Several instances may start at once: the first takes the lock
 * and migrates, the others wait and then find nothing left to do.
 */
export async function migrate(connectionString: string): Promise<void> {
  const lock = new Client({ connectionString });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const dataSource = new DataSource({ type: 'postgres', url: connectionString, migrations: MIGRATIONS, migrationsTransactionMode: 'each' });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.end();
  }
}
