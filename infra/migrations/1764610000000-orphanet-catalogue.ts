import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Orphanet catalogue as imported from Orphadata's product files (src/orphanet): reference
 * data about diseases, no personal data. Not a read model of the log: `npm run import-orphanet`
 * replaces a product's table as a whole, in one transaction.
 */
export class OrphanetCatalogue1764610000000 implements MigrationInterface {
  name = 'OrphanetCatalogue1764610000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The nomenclature (en_product1.xml). icd10: [{code, mapping}].
    await queryRunner.query(`
      CREATE TABLE orphanet_disorders (
        orpha_code integer PRIMARY KEY,
        name text NOT NULL,
        disorder_type text,
        disorder_group text,
        synonyms text[] NOT NULL,
        icd10 jsonb NOT NULL
      )`);
    // The epidemiology (en_product9_prev.xml): each disorder's prevalence records in the file's order.
    await queryRunner.query(`
      CREATE TABLE orphanet_prevalences (
        orpha_code integer NOT NULL,
        ordinal integer NOT NULL,
        name text NOT NULL,
        prevalence_type text,
        qualification text,
        prevalence_class text,
        geographic text,
        validation_status text,
        PRIMARY KEY (orpha_code, ordinal)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE orphanet_prevalences');
    await queryRunner.query('DROP TABLE orphanet_disorders');
  }
}
