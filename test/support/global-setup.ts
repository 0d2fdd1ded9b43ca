import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/database/embedded-postgres';

declare global {
  var testPostgres: (RunningPostgres & { directory: string }) | undefined;
}

/**
 * Starts one throw-away PostgreSQL for the whole test run (fsync off: nothing here needs to
 * survive a power cut) and hands its address to the test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'sjn-test-pg-'));
  const server = await startEmbeddedPostgres(directory, { serverFlags: ['-c', 'fsync=off', '-c', 'max_connections=300'] });
  globalThis.testPostgres = { ...server, directory };
  process.env.TEST_POSTGRES_URL = server.connectionString;
}
