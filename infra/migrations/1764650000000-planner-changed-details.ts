import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contact-list planner looks for entries of a dispatched list version whose member's details
 * changed after the version was built (a correction is due). Few members change after any recent
 * version, so it starts from them: listable members by the position of their details.
 */
export class PlannerChangedDetails1764650000000 implements MigrationInterface {
  name = 'PlannerChangedDetails1764650000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX contact_list_members_details ON contact_list_members (details_position) WHERE listable`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX contact_list_members_details`);
  }
}
