import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per projection or reactor: where it is in the log and whether it is healthy. */
export class ProjectionCheckpoints1764450000001 implements MigrationInterface {
  name = 'ProjectionCheckpoints1764450000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE projection_checkpoints (
        name text PRIMARY KEY,
        version integer NOT NULL,
        position bigint NOT NULL DEFAULT 0,
        rebuild_requested boolean NOT NULL DEFAULT false,
        failed_at_position bigint,
        failure text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE projection_checkpoints`);
  }
}
