import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { KeyVault } from '../../crypto/key-vault';
import { PostgresThrottlerStorage } from './postgres-throttler-storage';

const MINUTE = 60_000;

describe('the rate limits in PostgreSQL', () => {
  let database: TestDatabase;
  let vault: KeyVault;
  let storage: PostgresThrottlerStorage;
  let secondPool: Pool;
  let secondInstance: PostgresThrottlerStorage;

  beforeAll(async () => {
    database = await createTestDatabase();
    vault = new KeyVault(database.pool, randomBytes(32));
    storage = new PostgresThrottlerStorage(database.pool, vault);
    // Another instance: its own pool, the same database and master key.
    secondPool = new Pool({ connectionString: database.connectionString });
    secondInstance = new PostgresThrottlerStorage(secondPool, vault);
  });
  afterAll(async () => {
    storage.onModuleDestroy();
    secondInstance.onModuleDestroy();
    await secondPool.end();
    await database.drop();
  });

  /** Moves every counter of `key` into the past, as if `ms` had passed. */
  const age = (key: string, ms: number) =>
    database.pool.query(
      `UPDATE rate_limit_counters SET window_ends_at = window_ends_at - $2 * interval '1 millisecond',
         blocked_until = blocked_until - $2 * interval '1 millisecond' WHERE key = $1`,
      [vault.keyedDigest('rate-limit', key), ms],
    );

  it('counts hits in a window, blocks the hit over the limit, and counts no blocked hit', async () => {
    const hits = [];
    for (let i = 0; i < 5; i++) hits.push(await storage.increment('client-a', 10 * MINUTE, 3, 5 * MINUTE, 'per-client'));

    expect(hits.map(({ totalHits, isBlocked }) => ({ totalHits, isBlocked }))).toEqual([
      { totalHits: 1, isBlocked: false },
      { totalHits: 2, isBlocked: false },
      { totalHits: 3, isBlocked: false },
      { totalHits: 4, isBlocked: true },
      { totalHits: 4, isBlocked: true },
    ]);
    expect(hits[0].timeToExpire).toBe(600);
    expect(hits[0].timeToBlockExpire).toBe(0);
    expect(hits[4].timeToBlockExpire).toBe(300);
  });

  it('starts a new window once the window, or the block, is over', async () => {
    await storage.increment('client-b', MINUTE, 1, MINUTE, 'per-client');
    await age('client-b', MINUTE);
    expect(await storage.increment('client-b', MINUTE, 1, MINUTE, 'per-client')).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });

    expect((await storage.increment('client-b', MINUTE, 1, 2 * MINUTE, 'per-client')).isBlocked).toBe(true);
    await age('client-b', MINUTE);
    expect((await storage.increment('client-b', MINUTE, 1, 2 * MINUTE, 'per-client')).isBlocked).toBe(true); // the block outlasts the window
    await age('client-b', MINUTE);
    expect((await storage.increment('client-b', MINUTE, 1, 2 * MINUTE, 'per-client')).totalHits).toBe(1);
  });

  it('counts each throttler on its own', async () => {
    await storage.increment('client-c', MINUTE, 5, MINUTE, 'per-client');
    expect((await storage.increment('client-c', MINUTE, 5, MINUTE, 'per-address')).totalHits).toBe(1);
  });

  it('counts concurrent hits from two instances exactly once each', async () => {
    const hits = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? storage : secondInstance).increment('client-d', 10 * MINUTE, 100, MINUTE, 'per-client')),
    );
    expect(hits.map((hit) => hit.totalHits).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('stores a keyed digest of the key, never the key', async () => {
    await storage.increment('203.0.113.9', MINUTE, 5, MINUTE, 'per-client');
    const { rows } = await database.pool.query<{ key: string }>('SELECT key FROM rate_limit_counters');
    expect(rows.map((row) => row.key)).toContain(vault.keyedDigest('rate-limit', '203.0.113.9'));
    expect(rows.map((row) => row.key).join()).not.toContain('203.0.113.9');
  });

  it('purges only the counters that no longer limit anyone', async () => {
    await storage.increment('client-e', MINUTE, 5, MINUTE, 'per-client');
    await storage.increment('client-f', MINUTE, 0, 3 * MINUTE, 'per-client'); // blocked at once
    await age('client-e', MINUTE);
    await age('client-f', MINUTE);

    await storage.purge();

    const { rows } = await database.pool.query<{ key: string }>('SELECT key FROM rate_limit_counters WHERE key = ANY($1)', [
      ['client-e', 'client-f'].map((key) => vault.keyedDigest('rate-limit', key)),
    ]);
    expect(rows.map((row) => row.key)).toEqual([vault.keyedDigest('rate-limit', 'client-f')]);
  });
});
