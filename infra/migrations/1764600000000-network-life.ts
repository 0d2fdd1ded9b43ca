import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mailings to many members (src/mailings): newsletters, meet-up invitations, association notices.
 *
 * - mailing_jobs: one row per event that asks for a mailing (the mailing-jobs projection puts
 *   it in), planned until the sender has expanded it into deliveries. Kept by a rebuild.
 * - mailing_deliveries: one row per member and mailing (kind + mailing_key: the newsletter,
 *   meet-up or diagnosis id), so nobody gets the same mailing twice; its status is the record of
 *   the send. Ids and codes only.
 * - staff_access_log.kind: the kinds of this release together: 'facebook-invitations' (the list
 *   of members waiting for a Facebook invitation shows their names and addresses) and
 *   'print-batch' (src/print, whose migration 1764620000000-print-queue.ts relies on this one).
 */
export class NetworkLife1764600000000 implements MigrationInterface {
  name = 'NetworkLife1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mailing_jobs (
        event_id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('newsletter', 'meetup-invitation', 'association-founded')),
        mailing_key text NOT NULL,
        diagnosis_ids text[],
        position bigint NOT NULL,
        requested_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'expanded'))
      )`);
    await queryRunner.query(`CREATE INDEX mailing_jobs_planned ON mailing_jobs (position) WHERE status = 'planned'`);
    await queryRunner.query(`CREATE INDEX mailing_jobs_mailing ON mailing_jobs (kind, mailing_key)`);
    await queryRunner.query(`
      CREATE TABLE mailing_deliveries (
        kind text NOT NULL,
        mailing_key text NOT NULL,
        member_id uuid NOT NULL,
        job_event_id text NOT NULL REFERENCES mailing_jobs (event_id),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'rejected', 'no-email', 'not-eligible')),
        provider_message_id text,
        settled_at timestamptz,
        PRIMARY KEY (kind, mailing_key, member_id)
      )`);
    await queryRunner.query(`CREATE INDEX mailing_deliveries_pending ON mailing_deliveries (job_event_id) WHERE status = 'pending'`);
    await queryRunner.query(`CREATE INDEX mailing_deliveries_member ON mailing_deliveries (member_id)`);
    await queryRunner.query(`ALTER TABLE staff_access_log DROP CONSTRAINT staff_access_log_kind_check`);
    await queryRunner.query(
      `ALTER TABLE staff_access_log ADD CONSTRAINT staff_access_log_kind_check CHECK (kind IN ('member', 'roster', 'print-batch', 'facebook-invitations'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE staff_access_log DROP CONSTRAINT staff_access_log_kind_check`);
    await queryRunner.query(`ALTER TABLE staff_access_log ADD CONSTRAINT staff_access_log_kind_check CHECK (kind IN ('member', 'roster'))`);
    await queryRunner.query(`DROP TABLE mailing_deliveries`);
    await queryRunner.query(`DROP TABLE mailing_jobs`);
  }
}
