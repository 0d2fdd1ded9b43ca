import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { migrate } from '../../src/database/database';
import { EVENT_STORE_POOL_SETTINGS } from '../../src/event-store/postgres/postgres-event-store';

export interface TestDatabase {
  connectionString: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own on the run's PostgreSQL (see global-setup.ts). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_POSTGRES_URL;
  if (!serverUrl) throw new Error('TEST_POSTGRES_URL is not set: run the tests through jest (global setup)');
  const name = `test_${randomBytes(6).toString('hex')}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const connectionString = url.toString();
  await migrate(connectionString);
  const pool = new Pool({ ...EVENT_STORE_POOL_SETTINGS, connectionString });
  pool.on('error', () => undefined); // idle connections closed by DROP DATABASE ... WITH (FORCE)
  return {
    connectionString,
    pool,
    async drop() {
      await pool.end();
      await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(serverUrl: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
