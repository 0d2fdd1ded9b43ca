import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Appends become one plain INSERT statement (see src/event-store/postgres/append-statement.ts):
 * positions come from a sequence drawn while holding the append lock, and the plpgsql function,
 * whose call cost more than the insert itself, goes.
 */
export class AppendStatement1764450000004 implements MigrationInterface {
  name = 'AppendStatement1764450000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SEQUENCE events_position_seq AS bigint OWNED BY events.position`);
    await queryRunner.query(`SELECT setval('events_position_seq', coalesce((SELECT max(position) FROM events), 0) + 1, false)`);
    await queryRunner.query(`DROP FUNCTION append_events`);
  }

  async down(): Promise<void> {
    throw new Error('AppendStatement1764450000004 cannot be undone: restore the previous version of append_events by hand');
  }
}
