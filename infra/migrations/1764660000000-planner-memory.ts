import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contact-list planner decides in memory and writes the rows that changed once per batch
 * (projections/contact-list-planner/planner-memory.ts).
 * - contact_list_planner_saves: the id of its last write, so that a planner whose memory holds
 *   another (its write was rolled back, another instance wrote since) loads the tables again.
 * - The indexes only its former statements looked rows up by are dropped: the sender reads none
 *   of them, and every write kept them up to date.
 */
export class PlannerMemory1764660000000 implements MigrationInterface {
  name = 'PlannerMemory1764660000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE contact_list_planner_saves (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        save_id uuid NOT NULL
      )`);
    for (const index of DROPPED_INDEXES) await queryRunner.query(`DROP INDEX ${index.name}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of DROPPED_INDEXES) await queryRunner.query(`CREATE INDEX ${index.name} ON ${index.on}`);
    await queryRunner.query(`DROP TABLE contact_list_planner_saves`);
  }
}

const DROPPED_INDEXES = [
  { name: 'contact_list_members_details', on: 'contact_list_members (details_position) WHERE listable' },
  { name: 'contact_list_newcomers_member', on: 'contact_list_newcomers (member_id)' },
  { name: 'contact_list_version_entries_subject', on: 'contact_list_version_entries (subject_id)' },
  { name: 'contact_list_list_dispatches_version', on: 'contact_list_list_dispatches (diagnosis_id, list_version)' },
  { name: 'contact_list_list_dispatches_recipient', on: 'contact_list_list_dispatches (recipient_id)' },
  { name: 'contact_list_notices_pair', on: 'contact_list_notices (recipient_id, subject_id)' },
  { name: 'contact_list_views_subject', on: 'contact_list_views (subject_id)' },
];
