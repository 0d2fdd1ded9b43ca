/**
 * One plain INSERT that appends the events of a batch of appends (concurrent requests share
 * it: one round trip, one transaction, one commit).
 *
 * Ordering. The statement takes a transaction-scoped advisory lock before it draws positions
 * from a sequence; the lock is released only after the commit is visible. So positions are
 * handed out in commit order: every reader's snapshot sees a gap-free prefix of the log (holes
 * left by rolled-back appends stay holes), and no reader or subscriber can pass a position whose
 * transaction commits later, which a plain sequence without the lock would allow. The ORDER BY
 * makes PostgreSQL draw the (volatile) positions after sorting, in event order. The NOTIFY,
 * delivered at commit, wakes subscriptions in other processes (they poll as well).
 *
 * Concurrency check. Each row's stream revision is read with the statement's snapshot, taken
 * before the lock was granted; when another process appended to the same stream meanwhile, the
 * insert breaks the (stream_id, revision) unique constraint, nothing is written, and the caller
 * retries with a fresh snapshot. Rows of an append whose expectation fails are filtered out: that
 * append writes nothing, the others commit.
 *
 * Per event: $1 index of its append, $2 stream id, $3 the append's expectation (-1 no stream,
 * -2 any, -3 stream exists, >= 0 exact revision), $4..$8 id, type, schema version, data, metadata.
 */
export const APPEND_EVENTS_SQL = `
INSERT INTO events (position, stream_id, revision, event_id, type, schema_version, data, metadata)
SELECT nextval('events_position_seq'), v.stream_id, c.current + v.k, v.event_id, v.type, v.schema_version, v.data, v.metadata
FROM (SELECT pg_advisory_xact_lock(7215630412), pg_notify('event_log_appended', '')) AS append_lock,
     (SELECT e.*, row_number() OVER (PARTITION BY e.idx ORDER BY e.ord)::int AS k
      FROM unnest($1::int[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::smallint[], $7::jsonb[], $8::jsonb[])
           WITH ORDINALITY AS e(idx, stream_id, expected, event_id, type, schema_version, data, metadata, ord)) AS v,
     LATERAL (SELECT coalesce(max(x.revision), -1) AS current FROM events x WHERE x.stream_id = v.stream_id) AS c
WHERE v.expected = -2 OR (v.expected = -1 AND c.current = -1) OR (v.expected = -3 AND c.current >= 0) OR v.expected = c.current
ORDER BY v.ord
RETURNING position, event_id, revision`;

/**
 * The same for the commonest call, one append of one event (a command answered alone): plain
 * parameters instead of arrays, which PostgreSQL parses and unnests at a cost that shows when
 * appends come one at a time. Ordering and concurrency check as above; $1 stream id, $2 the
 * expectation, $3..$7 id, type, schema version, data, metadata. It returns the event's position
 * and revision (its id is the caller's).
 */
export const APPEND_ONE_EVENT_SQL = `
INSERT INTO events (position, stream_id, revision, event_id, type, schema_version, data, metadata)
SELECT nextval('events_position_seq'), $1, c.current + 1, $3, $4, $5, $6, $7
FROM (SELECT pg_advisory_xact_lock(7215630412), pg_notify('event_log_appended', '')) AS append_lock,
     (SELECT coalesce(max(x.revision), -1) AS current FROM events x WHERE x.stream_id = $1) AS c
WHERE $2 = -2 OR ($2 = -1 AND c.current = -1) OR ($2 = -3 AND c.current >= 0) OR $2 = c.current
RETURNING position, revision`;

/**
 * The first event of a new stream (expectation no_stream: a sign-up's MemberJoined and the
 * like). Its revision is 0, so the (stream_id, revision) unique key is the whole concurrency
 * check: when the stream exists, the insert breaks it and nothing is written (the position it
 * drew stays a hole, as a rolled-back append's does), and the caller reads the stream's revision
 * to report the conflict. No look-up of the revision beforehand, which was the largest cost of a
 * lone append beyond a plain insert. Ordering as above; $1 stream id, $2..$6 id, type, schema
 * version, data, metadata. It returns the event's position alone.
 */
export const APPEND_FIRST_EVENT_SQL = `
INSERT INTO events (position, stream_id, revision, event_id, type, schema_version, data, metadata)
SELECT nextval('events_position_seq'), $1, 0, $2, $3, $4, $5, $6
FROM (SELECT pg_advisory_xact_lock(7215630412), pg_notify('event_log_appended', '')) AS append_lock
RETURNING position`;

/** The last revision of each stream (for appends whose expectation failed, or that had no events). */
export const STREAM_REVISIONS_SQL = `
SELECT stream_id, max(revision) AS revision FROM events WHERE stream_id = ANY($1::text[]) GROUP BY stream_id`;
