import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The member-mail reactor (projections/member-mail): what it needs to address and word the
 * verification, referral and not-rare emails, and the record of every event it has mailed for.
 * Personal data is kept only sealed under the member's own key.
 */
export class MemberMail1764480000000 implements MigrationInterface {
  name = 'MemberMail1764480000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE member_mail_recipients (
        member_id text PRIMARY KEY,
        language text NOT NULL,
        personal text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE member_mail_diagnoses (
        diagnosis_id text PRIMARY KEY,
        name text NOT NULL,
        association jsonb
      )`);
    await queryRunner.query(`
      CREATE TABLE member_mail_dispatches (
        event_id text PRIMARY KEY,
        member_id text NOT NULL,
        kind text NOT NULL,
        outcome text NOT NULL,
        provider_message_id text,
        dispatched_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX member_mail_dispatches_member ON member_mail_dispatches (member_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE member_mail_dispatches`);
    await queryRunner.query(`DROP TABLE member_mail_diagnoses`);
    await queryRunner.query(`DROP TABLE member_mail_recipients`);
  }
}
