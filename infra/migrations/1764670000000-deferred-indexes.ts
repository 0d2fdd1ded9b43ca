import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The secondary indexes a read model's runner dropped when it started applying the log from
 * position 0, to build them again once it has caught up (projections/runner/deferred-indexes.ts).
 */
export class DeferredIndexes1764670000000 implements MigrationInterface {
  name = 'DeferredIndexes1764670000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE projection_deferred_indexes (
        projection text NOT NULL,
        index_name text NOT NULL,
        definition text NOT NULL,
        PRIMARY KEY (projection, index_name)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE projection_deferred_indexes`);
  }
}
