import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { createTestDatabase, type TestDatabase } from './test-database';

export const SECRETARIAT_KEY = 'secretariat-key-for-tests-0001';
export const DPO_KEY = 'dpo-key-for-tests-00000000001';

export interface TestApp {
  app: INestApplication;
  database: TestDatabase;
  /** The service's DATA_DIR (a fresh temporary folder); mail lands in `${dataDir}/mail`. */
  dataDir: string;
  /** Base URL of the listening server, e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/** The whole service on a fresh database of its own, listening on a free loopback port. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = {
    DATABASE_URL: database.connectionString,
    MASTER_KEY: randomBytes(32).toString('base64'),
    API_KEYS: `secretariat:${SECRETARIAT_KEY},dpo:${DPO_KEY}`,
    // Suites sign up far more people from one address than a person would; those that test the limits set their own.
    SIGN_IN_LIMIT_PER_CLIENT: '100000',
    ...env,
  };
  return listen(database, config, () => database.drop());
}

/**
 * One more instance of the service beside `first`, as in a deployment of several: the same
 * database, master key and API keys (unless `env` says otherwise), a DATA_DIR of its own.
 * Closing it leaves the database to `first`.
 */
export async function startAnotherInstance(first: TestApp, env: Record<string, string> = {}): Promise<TestApp> {
  const { DATABASE_URL, MASTER_KEY, API_KEYS } = first.app.get(AppConfig);
  return listen(first.database, { DATABASE_URL: DATABASE_URL ?? '', MASTER_KEY: MASTER_KEY ?? '', API_KEYS, ...env }, async () => undefined);
}

async function listen(database: TestDatabase, env: Record<string, string>, release: () => Promise<void>): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sjn-app-'));
  const config = loadConfig({ DATA_DIR: dataDir, ...env });
  const app = await createApp({ config, connectionString: database.connectionString, masterKey: Buffer.from(config.MASTER_KEY ?? '', 'base64') }, false);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    app,
    database,
    dataDir,
    url: url.replace('[::1]', '127.0.0.1'),
    async close() {
      await app.close();
      await release();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
