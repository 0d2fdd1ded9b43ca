import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event log of the PostgreSQL event store.
 *
 * Ordering: every append takes one transaction-scoped advisory lock before it reads the head of
 * the log, so positions are handed out in commit order and a reader's snapshot always sees a
 * gap-free prefix of the log. (A plain sequence would not: its values commit out of order, and a
 * reader could pass a position whose transaction commits later.) Concurrent requests share one
 * call, one transaction and one commit (see PostgresEventStore), so the lock costs little.
 */
export class EventLog1764450000000 implements MigrationInterface {
  name = 'EventLog1764450000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE events (
        position bigint PRIMARY KEY,
        stream_id text COLLATE "C" NOT NULL,
        revision integer NOT NULL,
        event_id uuid NOT NULL,
        type text NOT NULL,
        schema_version smallint NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_stream_revision UNIQUE (stream_id, revision)
      )`);
    await queryRunner.query(`CREATE INDEX events_type_position ON events (type, position)`);
    // Appends several streams' events in one transaction. Per append i: stream p_stream_ids[i],
    // expectation p_expected[i] (-1 no stream, -2 any, -3 stream exists, >= 0 exact revision)
    // and the next p_counts[i] entries of the event arrays. An append whose expectation fails
    // writes nothing and reports the stream's actual revision; the others still commit.
    await queryRunner.query(`
      CREATE FUNCTION append_events(
        p_stream_ids text[], p_expected bigint[], p_counts integer[],
        p_event_ids uuid[], p_types text[], p_schema_versions smallint[], p_data jsonb[], p_metadata jsonb[])
      RETURNS TABLE (o_index integer, o_succeeded boolean, o_revision integer, o_position bigint)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_head bigint;
        v_current integer;
        v_offset integer := 0;
        v_count integer;
        v_expected bigint;
      BEGIN
        PERFORM pg_advisory_xact_lock(7215630412);
        SELECT coalesce(max(e.position), 0) INTO v_head FROM events e;
        FOR i IN 1 .. coalesce(array_length(p_stream_ids, 1), 0) LOOP
          v_count := p_counts[i];
          v_expected := p_expected[i];
          SELECT coalesce(max(e.revision), -1) INTO v_current FROM events e WHERE e.stream_id = p_stream_ids[i];
          IF v_expected = -2 OR (v_expected = -1 AND v_current = -1) OR (v_expected = -3 AND v_current >= 0)
             OR (v_expected >= 0 AND v_current = v_expected) THEN
            INSERT INTO events (position, stream_id, revision, event_id, type, schema_version, data, metadata)
            SELECT v_head + n.ord, p_stream_ids[i], v_current + n.ord::integer, n.event_id, n.type, n.schema_version, n.data, n.metadata
            FROM unnest(p_event_ids[v_offset + 1 : v_offset + v_count], p_types[v_offset + 1 : v_offset + v_count],
                        p_schema_versions[v_offset + 1 : v_offset + v_count], p_data[v_offset + 1 : v_offset + v_count],
                        p_metadata[v_offset + 1 : v_offset + v_count])
                 WITH ORDINALITY AS n(event_id, type, schema_version, data, metadata, ord);
            v_head := v_head + v_count;
            o_index := i; o_succeeded := true; o_revision := v_current + v_count; o_position := v_head;
          ELSE
            o_index := i; o_succeeded := false; o_revision := v_current; o_position := NULL;
          END IF;
          v_offset := v_offset + v_count;
          RETURN NEXT;
        END LOOP;
        PERFORM pg_notify('event_log_appended', '');
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION append_events`);
    await queryRunner.query(`DROP TABLE events`);
  }
}
