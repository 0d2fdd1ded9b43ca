import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Letters to members without an email address (src/print):
 *
 * - print_letters: the print queue. One row per letter, put in after its dispatch is in the log;
 *   ids and codes only: the letter is rendered from its source's sealed data when a batch is
 *   downloaded. `printed`: the letter was in a downloaded PDF (it may have been posted).
 * - print_batches: the letters the secretariat took out of the queue together, when the batch
 *   was first downloaded and when it was confirmed posted.
 * - contact_list_outbox.state 'queued': a contact-list message handed to the print queue.
 *
 * Downloading a batch is a staff look-up (staff_access_log.kind 'print-batch'): that kind is
 * allowed by 1764600000000-network-life.ts, which sets the kinds of that release together.
 */
export class PrintQueue1764620000000 implements MigrationInterface {
  name = 'PrintQueue1764620000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE print_batches (
        batch_id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL,
        downloaded_at timestamptz,
        posted_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE print_letters (
        letter_id uuid PRIMARY KEY,
        source text NOT NULL,
        kind text NOT NULL,
        recipient_id uuid NOT NULL,
        queued_at timestamptz NOT NULL,
        batch_id uuid REFERENCES print_batches (batch_id),
        printed boolean NOT NULL DEFAULT false
      )`);
    await queryRunner.query(`CREATE INDEX print_letters_pending ON print_letters (queued_at) WHERE batch_id IS NULL`);
    await queryRunner.query(`CREATE INDEX print_letters_batch ON print_letters (batch_id)`);

    await queryRunner.query(`ALTER TABLE contact_list_outbox DROP CONSTRAINT contact_list_outbox_state_check`);
    await queryRunner.query(
      `ALTER TABLE contact_list_outbox ADD CONSTRAINT contact_list_outbox_state_check
       CHECK (state IN ('planned', 'dispatched', 'queued', 'delivered', 'failed', 'skipped'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE contact_list_outbox DROP CONSTRAINT contact_list_outbox_state_check`);
    await queryRunner.query(
      `ALTER TABLE contact_list_outbox ADD CONSTRAINT contact_list_outbox_state_check CHECK (state IN ('planned', 'dispatched', 'delivered', 'failed', 'skipped'))`,
    );
    await queryRunner.query(`DROP TABLE print_letters`);
    await queryRunner.query(`DROP TABLE print_batches`);
  }
}
