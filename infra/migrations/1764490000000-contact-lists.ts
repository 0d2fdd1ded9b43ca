import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contact lists: the planner's read model (projections/contact-list-planner), folded from the
 * log in the transaction of its checkpoint, and the sender's outbox (src/contact-lists), which
 * is not derived from the log and survives a rebuild of the planner. Personal data appears here
 * only sealed under the member's own key; everything else is ids, codes, digests and positions.
 *
 * Planner (emptied by a rebuild):
 * - contact_list_members: per member the listability fold's facts (src/contact-lists/listability.ts),
 *   their language and sealed personal data (NULL once erased), and the position of their latest details.
 * - contact_list_clusters, contact_list_diagnoses: cluster links and group names.
 * - contact_list_groups: each group's latest published list version.
 * - contact_list_newcomers: members admitted (or let back on the lists) since the group's latest
 *   version; a group with newcomers is due once the first of them is LIST_UPDATE_DEBOUNCE_SECONDS old.
 * - contact_list_version_entries: each published version's entries, once (ordinal in the whole
 *   list, and among the entries a recipient in Greenland sees).
 * - contact_list_list_dispatches: who got which version (recipients + entries, not recipients x entries).
 * - contact_list_corrections: a recipient holds a member's entry that was rectified later.
 * - contact_list_notices: a recipient must be told to delete a member's entry (once per reason and held list).
 *
 * Sender (kept by a rebuild):
 * - contact_list_sender_versions: each version the sender built, with its members' sealed data
 *   until every message of it is settled, so a version is rendered the same after a restart.
 * - contact_list_outbox: every message the sender planned (planned -> dispatched -> delivered |
 *   failed, or skipped when it may not or cannot go), keyed by its idempotency key.
 */
export class ContactLists1764490000000 implements MigrationInterface {
  name = 'ContactLists1764490000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE contact_list_members (
        member_id uuid PRIMARY KEY,
        diagnosis_id uuid NOT NULL,
        facts jsonb NOT NULL,
        listable boolean NOT NULL,
        language text NOT NULL,
        personal text,
        details_position bigint NOT NULL,
        position bigint NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX contact_list_members_listable ON contact_list_members (diagnosis_id) WHERE listable`);
    await queryRunner.query(`
      CREATE TABLE contact_list_clusters (
        cluster_id text NOT NULL,
        diagnosis_id uuid NOT NULL,
        PRIMARY KEY (cluster_id, diagnosis_id)
      )`);
    await queryRunner.query(`CREATE INDEX contact_list_clusters_diagnosis ON contact_list_clusters (diagnosis_id)`);
    await queryRunner.query(`
      CREATE TABLE contact_list_diagnoses (
        diagnosis_id uuid PRIMARY KEY,
        name text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE contact_list_groups (
        diagnosis_id uuid PRIMARY KEY,
        version integer NOT NULL,
        built_at_position bigint NOT NULL,
        position bigint NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE contact_list_newcomers (
        diagnosis_id uuid NOT NULL,
        member_id uuid NOT NULL,
        since_position bigint NOT NULL,
        since_at timestamptz NOT NULL,
        PRIMARY KEY (diagnosis_id, member_id)
      )`);
    await queryRunner.query(`CREATE INDEX contact_list_newcomers_member ON contact_list_newcomers (member_id)`);
    await queryRunner.query(`
      CREATE TABLE contact_list_version_entries (
        diagnosis_id uuid NOT NULL,
        version integer NOT NULL,
        subject_id uuid NOT NULL,
        ordinal integer NOT NULL,
        ordinal_gl integer,
        fields text[] NOT NULL,
        digest text NOT NULL,
        greenland boolean NOT NULL,
        PRIMARY KEY (diagnosis_id, version, subject_id)
      )`);
    await queryRunner.query(`CREATE INDEX contact_list_version_entries_subject ON contact_list_version_entries (subject_id)`);
    await queryRunner.query(`
      CREATE TABLE contact_list_list_dispatches (
        dispatch_id uuid PRIMARY KEY,
        recipient_id uuid NOT NULL,
        diagnosis_id uuid NOT NULL,
        list_version integer NOT NULL,
        list_reference text NOT NULL,
        greenland_only boolean NOT NULL,
        built_at_position bigint NOT NULL,
        dispatched_at timestamptz NOT NULL,
        position bigint NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX contact_list_list_dispatches_version ON contact_list_list_dispatches (diagnosis_id, list_version)`);
    await queryRunner.query(`CREATE INDEX contact_list_list_dispatches_recipient ON contact_list_list_dispatches (recipient_id)`);
    await queryRunner.query(`
      CREATE TABLE contact_list_corrections (
        recipient_id uuid NOT NULL,
        subject_id uuid NOT NULL,
        due_position bigint NOT NULL,
        done_position bigint NOT NULL,
        list_reference text NOT NULL,
        entry_number integer NOT NULL,
        listed_at timestamptz NOT NULL,
        PRIMARY KEY (recipient_id, subject_id)
      )`);
    await queryRunner.query(`CREATE INDEX contact_list_corrections_pending ON contact_list_corrections (due_position) WHERE due_position > done_position`);
    await queryRunner.query(`
      CREATE TABLE contact_list_notices (
        dispatch_id uuid PRIMARY KEY,
        idempotency_key text NOT NULL,
        recipient_id uuid NOT NULL,
        subject_id uuid NOT NULL,
        reason text NOT NULL CHECK (reason IN ('withdrawn', 'restricted', 'erased', 'left')),
        list_reference text NOT NULL,
        entry_number integer NOT NULL,
        listed_at timestamptz NOT NULL,
        planned_position bigint NOT NULL,
        dispatched_position bigint
      )`);
    await queryRunner.query(`CREATE INDEX contact_list_notices_pending ON contact_list_notices (planned_position) WHERE dispatched_position IS NULL`);
    await queryRunner.query(`CREATE INDEX contact_list_notices_pair ON contact_list_notices (recipient_id, subject_id)`);

    await queryRunner.query(`
      CREATE TABLE contact_list_sender_versions (
        diagnosis_id uuid NOT NULL,
        version integer NOT NULL,
        built_at_position bigint NOT NULL,
        event_id uuid NOT NULL,
        entries jsonb NOT NULL,
        newcomers jsonb NOT NULL,
        sealed jsonb,
        diagnosis_name text NOT NULL,
        state text NOT NULL CHECK (state IN ('planned', 'published')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (diagnosis_id, version)
      )`);
    await queryRunner.query(`
      CREATE TABLE contact_list_outbox (
        dispatch_id uuid PRIMARY KEY,
        idempotency_key text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('list', 'correction', 'deletion')),
        recipient_id uuid NOT NULL,
        subject_id uuid,
        source_position bigint,
        diagnosis_id uuid,
        list_version integer,
        state text NOT NULL CHECK (state IN ('planned', 'dispatched', 'delivered', 'failed', 'skipped')),
        event jsonb,
        language text NOT NULL,
        recipient_personal text,
        subject_personal text,
        render jsonb NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        provider_message_id text,
        failure text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX contact_list_outbox_open ON contact_list_outbox (created_at) WHERE state IN ('planned', 'dispatched')`);
    await queryRunner.query(`CREATE INDEX contact_list_outbox_version ON contact_list_outbox (diagnosis_id, list_version) WHERE kind = 'list'`);
    await queryRunner.query(
      `CREATE INDEX contact_list_outbox_correction ON contact_list_outbox (recipient_id, subject_id, source_position) WHERE kind = 'correction'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'contact_list_outbox',
      'contact_list_sender_versions',
      'contact_list_notices',
      'contact_list_corrections',
      'contact_list_list_dispatches',
      'contact_list_version_entries',
      'contact_list_newcomers',
      'contact_list_groups',
      'contact_list_diagnoses',
      'contact_list_clusters',
      'contact_list_members',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
