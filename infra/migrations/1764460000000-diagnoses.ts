import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The diagnosis catalogue (projections/diagnosis-catalogue) and the admissions reactor's own
 * tables (projections/admissions). Each is written only by its projection, in the transaction
 * of its checkpoint. Ids are text: they come from the log as they were written there.
 */
export class Diagnoses1764460000000 implements MigrationInterface {
  name = 'Diagnoses1764460000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE diagnosis_catalogue (
        diagnosis_id text PRIMARY KEY,
        name text NOT NULL,
        name_key text NOT NULL,
        orpha_code text,
        orpha_number text,
        icd10 text,
        description text,
        status text NOT NULL CHECK (status IN ('pending', 'open', 'not-rare', 'has-association')),
        association jsonb,
        cluster_ids text[] NOT NULL DEFAULT '{}',
        member_count integer NOT NULL DEFAULT 0,
        created_position bigint NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX diagnosis_catalogue_name_key ON diagnosis_catalogue (name_key)`);
    await queryRunner.query(`CREATE INDEX diagnosis_catalogue_orpha_number ON diagnosis_catalogue (orpha_number) WHERE orpha_number IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX diagnosis_catalogue_status ON diagnosis_catalogue (status)`);
    // Each member's place in the catalogue: which diagnosis, and how far along (admitted members
    // are the group's size; awaiting-assessment ones are the applicants a proposal waits with).
    await queryRunner.query(`
      CREATE TABLE diagnosis_catalogue_members (
        member_id text PRIMARY KEY,
        diagnosis_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('awaiting-assessment', 'admitted', 'referred', 'declined', 'withdrawn')),
        position bigint NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX diagnosis_catalogue_members_diagnosis ON diagnosis_catalogue_members (diagnosis_id, status)`);

    await queryRunner.query(`
      CREATE TABLE admissions_waiting (
        member_id text PRIMARY KEY,
        diagnosis_id text NOT NULL,
        position bigint NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX admissions_waiting_diagnosis ON admissions_waiting (diagnosis_id)`);
    await queryRunner.query(`
      CREATE TABLE admissions_decisions (
        diagnosis_id text PRIMARY KEY,
        decision text NOT NULL CHECK (decision IN ('rare', 'not-rare', 'has-association')),
        position bigint NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE admissions_decisions`);
    await queryRunner.query(`DROP TABLE admissions_waiting`);
    await queryRunner.query(`DROP TABLE diagnosis_catalogue_members`);
    await queryRunner.query(`DROP TABLE diagnosis_catalogue`);
  }
}
