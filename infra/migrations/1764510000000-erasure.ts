import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * erasure_receipts: one row per erased member (GDPR Art. 17), written by the erasure completion
 * (src/membership/erase-member/erasure-completion.ts) BEFORE the member's key is shredded, so that
 * a completion run again (by the reactor after a crash, or in a replay) never sends a second
 * receipt. What became of the receipt (sent; no-email; not-sent: a retention erasure, or no
 * address the member proved; failed after every try), how many earlier recipients of the member's
 * data are told to delete it, and when the erasure was completed (key shredded, sessions ended,
 * email claims released, sealed copies dropped; NULL until then). No personal data. Not derived
 * from the log: nothing empties it.
 */
export class Erasure1764510000000 implements MigrationInterface {
  name = 'Erasure1764510000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE erasure_receipts (
        member_id uuid PRIMARY KEY,
        outcome text NOT NULL CHECK (outcome IN ('sent', 'no-email', 'not-sent', 'failed')),
        recipients_notified integer NOT NULL CHECK (recipients_notified >= 0),
        completed_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE erasure_receipts`);
  }
}
