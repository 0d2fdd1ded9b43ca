import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The disclosure log (projections/disclosure-log): every message that went to a member with
 * other members' data, for the data-protection officer. No personal data: ids, codes, digests.
 *
 * - disclosure_list_versions / disclosure_list_entries: each version of a group's contact list,
 *   stored once (storage grows with recipients + entries, not recipients x entries).
 * - disclosure_log: one row per dispatch (list, correction, deletion notice), hash-chained:
 *   hash = sha256(prev_hash || canonical JSON of the entry). Append-only: a trigger refuses
 *   UPDATE always, and DELETE and TRUNCATE unless the projection's reset (a rebuild) asks for it
 *   with `SET LOCAL sjn.disclosure_log_reset = 'on'` in its own transaction. The trigger guards
 *   against a code path, not against the database owner: the chain and the DPO's verification
 *   (GET /disclosures/verification) are what detect a changed row.
 * - disclosure_deliveries: what became of each dispatch (delivered, failed), one row per
 *   delivery event, kept apart so that the chained rows are never updated.
 * Ids are text, exactly as the events carry them, so the chain hashes the values of the log.
 */
export class DisclosureLog1764491000000 implements MigrationInterface {
  name = 'DisclosureLog1764491000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE disclosure_list_versions (
        diagnosis_id text NOT NULL,
        version integer NOT NULL,
        built_at_position bigint NOT NULL,
        version_hash text NOT NULL,
        entry_count integer NOT NULL,
        newcomers text[] NOT NULL,
        position bigint NOT NULL,
        published_at timestamptz NOT NULL,
        PRIMARY KEY (diagnosis_id, version)
      )`);
    await queryRunner.query(`
      CREATE TABLE disclosure_list_entries (
        diagnosis_id text NOT NULL,
        version integer NOT NULL,
        ordinal integer NOT NULL,
        subject_id text NOT NULL,
        fields text[] NOT NULL,
        digest text NOT NULL,
        greenland boolean NOT NULL,
        PRIMARY KEY (diagnosis_id, version, ordinal)
      )`);
    await queryRunner.query(`CREATE INDEX disclosure_list_entries_subject ON disclosure_list_entries (subject_id)`);

    await queryRunner.query(`
      CREATE TABLE disclosure_log (
        seq bigint PRIMARY KEY,
        position bigint NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('contact-list', 'correction', 'deletion-notice')),
        discloses_data boolean NOT NULL,
        dispatch_id text NOT NULL,
        recipient_id text NOT NULL,
        diagnosis_id text,
        list_version integer,
        built_at_position bigint,
        greenland_only boolean,
        version_hash text,
        subject_id text,
        subject_fields text[],
        subject_digest text,
        subject_greenland boolean,
        notice_reason text,
        list_reference text NOT NULL,
        channel text NOT NULL,
        idempotency_key text,
        dispatched_at timestamptz NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX disclosure_log_recipient ON disclosure_log (recipient_id, seq)`);
    await queryRunner.query(`CREATE INDEX disclosure_log_subject ON disclosure_log (subject_id, seq) WHERE subject_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX disclosure_log_version ON disclosure_log (diagnosis_id, list_version, seq) WHERE kind = 'contact-list'`);
    await queryRunner.query(`CREATE INDEX disclosure_log_dispatched_at ON disclosure_log (dispatched_at, seq)`);
    await queryRunner.query(`CREATE INDEX disclosure_log_list_reference ON disclosure_log (list_reference)`);
    await queryRunner.query(`CREATE INDEX disclosure_log_dispatch ON disclosure_log (dispatch_id)`);
    await queryRunner.query(`CREATE INDEX disclosure_log_built_at ON disclosure_log (built_at_position, seq) WHERE discloses_data`);
    // A reset (rebuild) may DELETE (returning OLD lets the row go) or TRUNCATE; nothing else may change a row.
    await queryRunner.query(`
      CREATE FUNCTION disclosure_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('sjn.disclosure_log_reset', true) = 'on' THEN
          IF TG_OP = 'DELETE' THEN
            RETURN OLD;
          END IF;
          RETURN NULL;
        END IF;
        RAISE EXCEPTION 'disclosure_log is append-only';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER disclosure_log_no_change BEFORE UPDATE OR DELETE ON disclosure_log
      FOR EACH ROW EXECUTE FUNCTION disclosure_log_is_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER disclosure_log_no_truncate BEFORE TRUNCATE ON disclosure_log
      FOR EACH STATEMENT EXECUTE FUNCTION disclosure_log_is_append_only()`);

    await queryRunner.query(`
      CREATE TABLE disclosure_deliveries (
        position bigint PRIMARY KEY,
        dispatch_id text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed')),
        attempt integer NOT NULL,
        final boolean NOT NULL,
        resent boolean NOT NULL,
        provider_message_id text,
        at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX disclosure_deliveries_dispatch ON disclosure_deliveries (dispatch_id, position)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE disclosure_deliveries`);
    await queryRunner.query(`DROP TABLE disclosure_log`);
    await queryRunner.query(`DROP FUNCTION disclosure_log_is_append_only`);
    await queryRunner.query(`DROP TABLE disclosure_list_entries`);
    await queryRunner.query(`DROP TABLE disclosure_list_versions`);
  }
}
