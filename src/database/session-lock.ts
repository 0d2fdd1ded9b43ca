import { Client } from 'pg';

/**
 * Runs `work` unless another session, in this or another instance, holds the advisory lock
 * `lockName`: a session lock on a connection of its own, released when that connection closes
 * (also when the process dies). Resolves with undefined, without running `work`, when the lock
 * is held elsewhere.
 */
export async function runAlone<T>(connectionString: string, lockName: string, work: () => Promise<T>): Promise<T | undefined> {
  const lock = new Client({ connectionString, application_name: `sjn-${lockName}` });
  lock.on('error', () => undefined); // a lost session only releases the lock; the work's own queries report errors
  await lock.connect();
  try {
    const { rows } = await lock.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [lockName]);
    return rows[0].locked ? await work() : undefined;
  } finally {
    await lock.end().catch(() => undefined); // closing the session releases the lock
  }
}
