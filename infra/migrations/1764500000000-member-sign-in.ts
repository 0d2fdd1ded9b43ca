import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Members' self-service sign-in: one-time links and the sessions they open. Only SHA-256 hashes
 * of the tokens are stored, so a copy of these tables lets nobody sign in. Kept in PostgreSQL so
 * every service instance sees the same links and sessions.
 */
export class MemberSignIn1764500000000 implements MigrationInterface {
  name = 'MemberSignIn1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE member_sign_in_links (
        token_hash text PRIMARY KEY,
        member_id uuid NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX member_sign_in_links_member ON member_sign_in_links (member_id)`);
    await queryRunner.query(`
      CREATE TABLE member_sessions (
        token_hash text PRIMARY KEY,
        member_id uuid NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX member_sessions_member ON member_sessions (member_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE member_sessions`);
    await queryRunner.query(`DROP TABLE member_sign_in_links`);
  }
}
