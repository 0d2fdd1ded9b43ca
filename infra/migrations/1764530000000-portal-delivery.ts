import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contact lists delivered in self-service (LIST_DELIVERY=portal, or a member's own choice):
 *
 * - contact_list_members.list_delivery: the member's ListDeliveryChosen (NULL: never chosen).
 * - contact_list_views: per recipient and member shown, the latest self-service view that showed
 *   the member (what a correction or a deletion notice refers to, as a list copy would be).
 * - disclosure_log: two more kinds, 'contact-list-view' (a view: the disclosure) and
 *   'list-notice' (an email that says the list changed: discloses nothing).
 * - disclosure_view_entries: the entries each view showed, in the order shown; the view's row in
 *   the chain binds them by their hash (version_hash).
 *
 * No personal data: ids, codes, digests and positions.
 */
export class PortalDelivery1764530000000 implements MigrationInterface {
  name = 'PortalDelivery1764530000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE contact_list_members ADD COLUMN list_delivery text CHECK (list_delivery IN ('email', 'portal'))`);
    await queryRunner.query(`
      CREATE TABLE contact_list_views (
        recipient_id uuid NOT NULL,
        subject_id uuid NOT NULL,
        list_reference text NOT NULL,
        entry_number integer NOT NULL,
        fields text[] NOT NULL,
        built_at_position bigint NOT NULL,
        viewed_at timestamptz NOT NULL,
        position bigint NOT NULL,
        PRIMARY KEY (recipient_id, subject_id)
      )`);
    await queryRunner.query(`CREATE INDEX contact_list_views_subject ON contact_list_views (subject_id)`);

    await queryRunner.query(`ALTER TABLE disclosure_log DROP CONSTRAINT disclosure_log_kind_check`);
    await queryRunner.query(
      `ALTER TABLE disclosure_log ADD CONSTRAINT disclosure_log_kind_check
       CHECK (kind IN ('contact-list', 'correction', 'deletion-notice', 'contact-list-view', 'list-notice'))`,
    );
    await queryRunner.query(`
      CREATE TABLE disclosure_view_entries (
        dispatch_id text NOT NULL,
        ordinal integer NOT NULL,
        subject_id text NOT NULL,
        fields text[] NOT NULL,
        digest text NOT NULL,
        greenland boolean NOT NULL,
        PRIMARY KEY (dispatch_id, ordinal)
      )`);
    await queryRunner.query(`CREATE INDEX disclosure_view_entries_subject ON disclosure_view_entries (subject_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE disclosure_view_entries`);
    await queryRunner.query(`ALTER TABLE disclosure_log DROP CONSTRAINT disclosure_log_kind_check`);
    await queryRunner.query(`ALTER TABLE disclosure_log ADD CONSTRAINT disclosure_log_kind_check CHECK (kind IN ('contact-list', 'correction', 'deletion-notice'))`);
    await queryRunner.query(`DROP TABLE contact_list_views`);
    await queryRunner.query(`ALTER TABLE contact_list_members DROP COLUMN list_delivery`);
  }
}
