import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key vault: one data key per data subject, wrapped by the master key. Shredding sets the
 * key to NULL (erasing everything encrypted under it) and keeps the row as a tombstone, so no
 * new key can ever be made for an erased subject.
 */
export class DataKeys1764450000002 implements MigrationInterface {
  name = 'DataKeys1764450000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE data_keys (
        subject_id uuid PRIMARY KEY,
        wrapped_key bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        shredded_at timestamptz,
        CONSTRAINT data_keys_key_or_tombstone CHECK ((wrapped_key IS NULL) = (shredded_at IS NOT NULL))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE data_keys`);
  }
}
