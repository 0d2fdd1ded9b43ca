import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rate limits' counters, shared by every instance (src/member-access/sign-in/
 * postgres-throttler-storage.ts): one row per limited client or address and throttler, keyed by a
 * keyed digest of the throttler's key, never by an IP or email address. Rows whose window and
 * block are over are deleted.
 */
export class RateLimits1764630000000 implements MigrationInterface {
  name = 'RateLimits1764630000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE rate_limit_counters (
        key text NOT NULL,
        throttler text NOT NULL,
        hits integer NOT NULL,
        window_ends_at timestamptz NOT NULL,
        blocked_until timestamptz,
        PRIMARY KEY (key, throttler)
      )`);
    await queryRunner.query(`CREATE INDEX rate_limit_counters_window ON rate_limit_counters (window_ends_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE rate_limit_counters`);
  }
}
