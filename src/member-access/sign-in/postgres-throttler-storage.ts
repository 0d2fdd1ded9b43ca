import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Pool } from 'pg';
import { KeyVault } from '../../crypto/key-vault';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** How often an instance deletes counters whose window and block are over. */
const PURGE_INTERVAL_MS = 60_000;

/**
 * One hit, in one statement (the row lock of ON CONFLICT makes concurrent hits from any instance
 * count one after the other), against the database clock that every instance shares:
 * - blocked (blocked_until ahead): not counted;
 * - fresh (the window, or an earlier block, is over): a new window with this one hit;
 * - otherwise one more hit; the hit that goes over the limit starts a block.
 * $1 key, $2 throttler, $3 window (ms), $4 limit, $5 block (ms).
 */
const INCREMENT = `
  INSERT INTO rate_limit_counters AS c (key, throttler, hits, window_ends_at, blocked_until)
  VALUES ($1, $2, 1, now() + $3 * interval '1 millisecond', CASE WHEN 1 > $4 THEN now() + $5 * interval '1 millisecond' END)
  ON CONFLICT (key, throttler) DO UPDATE SET (hits, window_ends_at, blocked_until) = (
    SELECT next.hits,
           CASE WHEN state.fresh THEN EXCLUDED.window_ends_at ELSE c.window_ends_at END,
           CASE WHEN state.blocked THEN c.blocked_until WHEN next.hits > $4 THEN now() + $5 * interval '1 millisecond' END
    FROM (SELECT coalesce(c.blocked_until > now(), false) AS blocked,
                 CASE WHEN c.blocked_until IS NULL THEN c.window_ends_at <= now() ELSE c.blocked_until <= now() END AS fresh) AS state,
         LATERAL (SELECT CASE WHEN state.blocked THEN c.hits WHEN state.fresh THEN 1 ELSE c.hits + 1 END AS hits) AS next)
  RETURNING hits,
            greatest(ceil(extract(epoch FROM window_ends_at - now())), 0)::int AS time_to_expire,
            coalesce(blocked_until > now(), false) AS blocked,
            greatest(coalesce(ceil(extract(epoch FROM blocked_until - now())), 0), 0)::int AS time_to_block_expire`;

/**
 * The rate limits' storage in PostgreSQL, so that every instance counts against the same limit
 * and a restart forgets nothing. Keys are stored as keyed digests: the throttler's key is a plain
 * SHA-256 of the client's IP address (or of an email digest), which a lookup table would reverse.
 */
@Injectable()
export class PostgresThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly pool: Pool,
    private readonly vault: KeyVault,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    this.purgeTimer ??= setInterval(() => void this.purge().catch(() => undefined), PURGE_INTERVAL_MS).unref();
    const result = await this.pool.query<{ hits: number; time_to_expire: number; blocked: boolean; time_to_block_expire: number }>(INCREMENT, [
      this.vault.keyedDigest('rate-limit', key),
      throttlerName,
      ttl,
      limit,
      blockDuration,
    ]);
    const [row] = result.rows;
    return { totalHits: row.hits, timeToExpire: row.time_to_expire, isBlocked: row.blocked, timeToBlockExpire: row.time_to_block_expire };
  }

  /** Deletes the counters that no longer limit anyone. */
  async purge(): Promise<void> {
    await this.pool.query('DELETE FROM rate_limit_counters WHERE window_ends_at <= now() AND (blocked_until IS NULL OR blocked_until <= now())');
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }
}
