import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models about members (projections/group-roster, projections/member-directory) and the
 * staff access log (src/access-log). Personal data appears here only as sealed text (under the
 * member's key), never in the clear.
 *
 * The staff access log is append-only: the service has no code path that updates or deletes it,
 * and a trigger refuses UPDATE, DELETE and TRUNCATE, since a REVOKE cannot be relied on (the
 * service's database role usually owns the table). A retention rule that must remove old entries
 * does so in a migration that drops the trigger deliberately.
 */
export class Members1764470000000 implements MigrationInterface {
  name = 'Members1764470000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Every member the roster projection has seen, admitted or not: the source of group_roster.
    await queryRunner.query(`
      CREATE TABLE group_roster_members (
        member_id uuid PRIMARY KEY,
        diagnosis_id uuid NOT NULL,
        role text NOT NULL,
        country text NOT NULL,
        language text NOT NULL,
        consent_scope text NOT NULL,
        shared_fields text[] NOT NULL,
        allow_transfer_to_greenland boolean NOT NULL,
        email_verified boolean NOT NULL,
        restricted boolean NOT NULL,
        admitted_at timestamptz,
        withdrawn boolean NOT NULL,
        personal text,
        position bigint NOT NULL
      )`);
    // Per group, its admitted members whose consent stands (status 'restricted': left off lists).
    await queryRunner.query(`
      CREATE TABLE group_roster (
        diagnosis_id uuid NOT NULL,
        member_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('admitted', 'restricted')),
        role text NOT NULL,
        country text NOT NULL,
        language text NOT NULL,
        consent_scope text NOT NULL,
        shared_fields text[] NOT NULL,
        allow_transfer_to_greenland boolean NOT NULL,
        email_verified boolean NOT NULL,
        personal text NOT NULL,
        admitted_at timestamptz NOT NULL,
        PRIMARY KEY (diagnosis_id, member_id)
      )`);
    await queryRunner.query(`CREATE INDEX group_roster_member ON group_roster (member_id)`);

    await queryRunner.query(`
      CREATE TABLE member_directory (
        member_id uuid PRIMARY KEY,
        status text NOT NULL,
        restricted boolean NOT NULL,
        role text NOT NULL,
        relation text,
        channel text NOT NULL,
        country text NOT NULL,
        language text NOT NULL,
        consent_text_version text NOT NULL,
        consent_given_at timestamptz NOT NULL,
        consent_given_by text NOT NULL,
        consent_attested_by_staff boolean NOT NULL,
        consent_scope text NOT NULL,
        shared_fields text[] NOT NULL,
        allow_transfer_to_greenland boolean NOT NULL,
        opt_in_newsletter boolean NOT NULL,
        opt_in_meetups boolean NOT NULL,
        opt_in_facebook_invite boolean NOT NULL,
        email_verified boolean NOT NULL,
        email_change_pending boolean NOT NULL,
        personal text NOT NULL,
        joined_at timestamptz NOT NULL,
        position bigint NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE member_directory_memberships (
        member_id uuid NOT NULL,
        diagnosis_id uuid NOT NULL,
        status text NOT NULL,
        PRIMARY KEY (member_id, diagnosis_id)
      )`);
    await queryRunner.query(`CREATE INDEX member_directory_memberships_diagnosis ON member_directory_memberships (diagnosis_id)`);

    await queryRunner.query(`
      CREATE TABLE staff_access_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        role text NOT NULL,
        key_index integer,
        kind text NOT NULL CHECK (kind IN ('member', 'roster')),
        subject uuid NOT NULL,
        purpose text CHECK (char_length(purpose) <= 200),
        member_ids uuid[] NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX staff_access_log_member_ids ON staff_access_log USING gin (member_ids)`);
    await queryRunner.query(`
      CREATE FUNCTION staff_access_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'staff_access_log is append-only';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER staff_access_log_no_change BEFORE UPDATE OR DELETE ON staff_access_log
      FOR EACH ROW EXECUTE FUNCTION staff_access_log_is_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER staff_access_log_no_truncate BEFORE TRUNCATE ON staff_access_log
      FOR EACH STATEMENT EXECUTE FUNCTION staff_access_log_is_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE staff_access_log`);
    await queryRunner.query(`DROP FUNCTION staff_access_log_is_append_only`);
    await queryRunner.query(`DROP TABLE member_directory_memberships`);
    await queryRunner.query(`DROP TABLE member_directory`);
    await queryRunner.query(`DROP TABLE group_roster`);
    await queryRunner.query(`DROP TABLE group_roster_members`);
  }
}
