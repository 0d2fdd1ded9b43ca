import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Members' rights: the register of rights requests (projections/rights-requests), the retention
 * engine's view of each member's stage (projections/retention-candidates), and the retention of
 * the staff access log (src/retention).
 */
export class RightsRequests1764520000000 implements MigrationInterface {
  name = 'RightsRequests1764520000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Dates are calendar dates in Denmark. No free text: every text column holds a code.
    await queryRunner.query(`
      CREATE TABLE rights_requests (
        request_id uuid PRIMARY KEY,
        member_id uuid,
        right_invoked text NOT NULL,
        channel text NOT NULL,
        received_at date NOT NULL,
        due_by date NOT NULL,
        extension_reason text,
        outcome text,
        completed_at timestamptz,
        position bigint NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX rights_requests_open ON rights_requests (due_by) WHERE completed_at IS NULL`);

    await queryRunner.query(`
      CREATE TABLE retention_candidates (
        member_id uuid PRIMARY KEY,
        stage text NOT NULL CHECK (stage IN ('unverified', 'referred', 'declined', 'withdrawn', 'active', 'erased')),
        since timestamptz NOT NULL,
        position bigint NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX retention_candidates_due ON retention_candidates (stage, since)`);

    // The access log stays append-only, with one exception: the retention engine deletes entries
    // older than the retention period. It names that cutoff in a transaction-local setting
    // (set_config('sjn.access_log_retention_cutoff', ..., true)), and the trigger lets a DELETE
    // through only for a row older than it; without the setting every DELETE is refused, as
    // before. UPDATE and TRUNCATE stay refused always: an entry is never changed, and only
    // whole rows past their period may go. This guards against mistakes in the service's code,
    // not against the table's owner, who could drop the trigger anyway.
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION staff_access_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        cutoff timestamptz := NULLIF(current_setting('sjn.access_log_retention_cutoff', true), '')::timestamptz;
      BEGIN
        IF TG_OP = 'DELETE' AND cutoff IS NOT NULL AND OLD.at < cutoff THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'staff_access_log is append-only';
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION staff_access_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'staff_access_log is append-only';
      END
      $$`);
    await queryRunner.query(`DROP TABLE retention_candidates`);
    await queryRunner.query(`DROP TABLE rights_requests`);
  }
}
