import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a read model's runner sets aside while it applies the log from position 0 is now more than
 * indexes: autovacuum is paused for its tables too (projections/runner/deferred-upkeep.ts). The
 * table keeps, per projection, the statements that put each item back once it has caught up.
 */
export class DeferredUpkeep1764680000000 implements MigrationInterface {
  name = 'DeferredUpkeep1764680000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE projection_deferred_indexes RENAME TO projection_deferred_upkeep`);
    await queryRunner.query(`ALTER TABLE projection_deferred_upkeep RENAME COLUMN index_name TO item`);
    await queryRunner.query(`ALTER TABLE projection_deferred_upkeep RENAME COLUMN definition TO restore_statement`);
    await queryRunner.query(`ALTER INDEX projection_deferred_indexes_pkey RENAME TO projection_deferred_upkeep_pkey`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Pausing autovacuum is undone by hand (ALTER TABLE … RESET (autovacuum_enabled)); only the index rows fit the old table.
    await queryRunner.query(`DELETE FROM projection_deferred_upkeep WHERE restore_statement NOT LIKE 'CREATE %'`);
    await queryRunner.query(`ALTER INDEX projection_deferred_upkeep_pkey RENAME TO projection_deferred_indexes_pkey`);
    await queryRunner.query(`ALTER TABLE projection_deferred_upkeep RENAME COLUMN restore_statement TO definition`);
    await queryRunner.query(`ALTER TABLE projection_deferred_upkeep RENAME COLUMN item TO index_name`);
    await queryRunner.query(`ALTER TABLE projection_deferred_upkeep RENAME TO projection_deferred_indexes`);
  }
}
