import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consent hand-over at coming of age (src/consent-hand-over): each member whose consent a
 * relative gave, and where their hand-over stands (projections/consent-hand-overs; ids and dates
 * only). The member-mail reactor sends two mails for one hand-over (to the relative and to the
 * young person), so its record of mails is kept per event and kind.
 */
export class ConsentHandOver1764610000001 implements MigrationInterface {
  name = 'ConsentHandOver1764610000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE consent_hand_overs (
        member_id uuid PRIMARY KEY,
        stage text NOT NULL CHECK (stage IN ('awaiting-age', 'requested', 'confirmed', 'lapsed', 'ended')),
        requested_at timestamptz,
        lapses_at timestamptz,
        position bigint NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX consent_hand_overs_open ON consent_hand_overs (stage, lapses_at) WHERE stage IN ('awaiting-age', 'requested')`);
    await queryRunner.query('ALTER TABLE member_mail_dispatches DROP CONSTRAINT member_mail_dispatches_pkey, ADD PRIMARY KEY (event_id, kind)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM member_mail_dispatches WHERE kind LIKE 'consent-hand-over%'`);
    await queryRunner.query('ALTER TABLE member_mail_dispatches DROP CONSTRAINT member_mail_dispatches_pkey, ADD PRIMARY KEY (event_id)');
    await queryRunner.query('DROP TABLE consent_hand_overs');
  }
}
