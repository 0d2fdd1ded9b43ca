import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which master key wraps the data keys (src/crypto/key-vault.ts), so that after a rotation
 * (src/crypto/master-key-rotation.ts) an instance still holding the old key refuses to start and
 * to make data keys, instead of wrapping new ones under a key that is about to be destroyed.
 *
 * - fingerprint: an HMAC of a constant under a key derived from the master key (reveals nothing).
 * - digest_root: the key that keyed digests (email look-ups, list entries and references) are
 *   derived from, wrapped by the master key; NULL until the first rotation, while it is the
 *   master key itself. It survives rotations, so digests recorded earlier still match.
 */
export class MasterKey1764630000001 implements MigrationInterface {
  name = 'MasterKey1764630000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE master_key (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        fingerprint text NOT NULL,
        digest_root bytea,
        rotated_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE master_key`);
  }
}
