import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which member holds an email address in a diagnosis group, so a second sign-up with the same
 * address for the same group returns the first member instead of making another. The address
 * is kept only as a keyed digest (HMAC); the row goes with the member's erasure.
 */
export class MemberEmailClaims1764450000003 implements MigrationInterface {
  name = 'MemberEmailClaims1764450000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE member_email_claims (
        email_digest text NOT NULL,
        diagnosis_id uuid NOT NULL,
        member_id uuid NOT NULL,
        PRIMARY KEY (email_digest, diagnosis_id)
      )`);
    await queryRunner.query(`CREATE INDEX member_email_claims_member ON member_email_claims (member_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE member_email_claims`);
  }
}
