import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mailings by post (src/mailings/mailing-letter-source.ts): a delivery to a member without email
 * but with a postal address is queued as a letter (print_letters.source 'mailing').
 *
 * - mailing_deliveries.letter_id: the letter's id in the print queue, set when it is queued.
 * - mailing_deliveries.status: 'queued-for-post' (in the print queue), then 'posted' (in a
 *   batch confirmed posted) or 'not-printed' (left out of the batch: e.g. no longer eligible).
 */
export class MailingLetters1764640000000 implements MigrationInterface {
  name = 'MailingLetters1764640000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE mailing_deliveries ADD COLUMN letter_id uuid UNIQUE`);
    await queryRunner.query(`ALTER TABLE mailing_deliveries DROP CONSTRAINT mailing_deliveries_status_check`);
    await queryRunner.query(
      `ALTER TABLE mailing_deliveries ADD CONSTRAINT mailing_deliveries_status_check
       CHECK (status IN ('pending', 'sent', 'rejected', 'no-email', 'not-eligible', 'queued-for-post', 'posted', 'not-printed'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE mailing_deliveries DROP CONSTRAINT mailing_deliveries_status_check`);
    await queryRunner.query(
      `ALTER TABLE mailing_deliveries ADD CONSTRAINT mailing_deliveries_status_check CHECK (status IN ('pending', 'sent', 'rejected', 'no-email', 'not-eligible'))`,
    );
    await queryRunner.query(`ALTER TABLE mailing_deliveries DROP COLUMN letter_id`);
  }
}
