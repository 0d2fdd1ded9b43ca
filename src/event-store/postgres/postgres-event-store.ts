import { Client, type Pool, type PoolClient, type PoolConfig, type QueryConfig } from 'pg';
import type { NewEvent, RecordedEvent } from '../../../contracts/events/event-envelope';
import {
  type AppendResult,
  type EventFilter,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type SubscribeOptions,
  type Subscription,
  WrongExpectedRevisionError,
  meetsExpectation,
} from '../event-store.port';
import { AppendSignal, pollingSubscription } from '../polling-subscription';
import { APPEND_EVENTS_SQL, APPEND_FIRST_EVENT_SQL, APPEND_ONE_EVENT_SQL, STREAM_REVISIONS_SQL } from './append-statement';

export const APPEND_NOTIFY_CHANNEL = 'event_log_appended';

/**
 * Settings for the pool the store runs on. The append statement takes arrays, for which
 * PostgreSQL's default plan-cache choice re-plans on every call (planning then costs more than
 * the insert); a generic plan is right for it and for the store's other statements.
 */
export const EVENT_STORE_POOL_SETTINGS: PoolConfig = { max: 10, options: '-c plan_cache_mode=force_generic_plan' };

const EXPECTED_CODES: Record<'no_stream' | 'any' | 'stream_exists', number> = { no_stream: -1, any: -2, stream_exists: -3 };
/** Upper bound of events sent in one append statement. */
const MAX_EVENTS_PER_CALL = 2000;
/** Tries of a batch that lost a race with another process (see append-statement.ts). */
const MAX_ATTEMPTS = 3;
/** How often the held append connection is checked for a statement since the last check (see appendClient). */
const APPEND_CONNECTION_IDLE_MS = 100;

function isStaleRevision(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'events_stream_revision';
}

/** Name of the statement whose unique-key violation means "the stream exists" (see APPEND_FIRST_EVENT_SQL). */
const APPEND_FIRST_EVENT = 'append_first_event';

/** The statement that writes a batch: one append of one event has lighter ones of its own. */
function appendStatement(batch: readonly AppendRequest[]): QueryConfig {
  const code = (expected: ExpectedRevision) => (typeof expected === 'number' ? expected : EXPECTED_CODES[expected]);
  if (batch.length === 1 && batch[0].events.length === 1) {
    const [{ streamId, expected, events }] = batch;
    const [event] = events;
    const payload = [event.id, event.type, event.schemaVersion, JSON.stringify(event.data), JSON.stringify(event.metadata)];
    if (expected === 'no_stream') return { name: APPEND_FIRST_EVENT, text: APPEND_FIRST_EVENT_SQL, values: [streamId, ...payload] };
    return {
      name: 'append_one_event',
      text: APPEND_ONE_EVENT_SQL,
      values: [streamId, code(expected), ...payload],
    };
  }
  const columns: [number[], string[], number[], string[], string[], number[], string[], string[]] = [[], [], [], [], [], [], [], []];
  batch.forEach((request, index) => {
    for (const event of request.events) {
      const row = [index + 1, request.streamId, code(request.expected), event.id, event.type, event.schemaVersion, JSON.stringify(event.data), JSON.stringify(event.metadata)] as const;
      row.forEach((value, column) => (columns[column] as Array<typeof value>).push(value));
    }
  });
  return { name: 'append_events', text: APPEND_EVENTS_SQL, values: columns };
}

interface AppendRequest {
  streamId: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * A row an append statement returns for each event it wrote. The lone-event statements return
 * only what their caller does not know: not the event's id, and not the revision of a new
 * stream's first event, which is 0 (returning them cost a lone append about 3 %).
 */
interface WrittenRow {
  position: string;
  event_id?: string;
  revision?: number;
}

/** How one append of a batch went: written (revision and position of its last event), or refused with the stream's actual revision. */
type AppendOutcome = { succeeded: true; revision: number; position: bigint } | { succeeded: false; revision: number };

interface EventRow {
  position: string;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  recorded_at: Date;
}

export interface PostgresEventStoreOptions {
  /** Connection string for the LISTEN connection that wakes subscriptions; none = poll only. */
  listenConnectionString?: string;
  pollIntervalMs?: number;
}

/**
 * The PostgreSQL adapter. Appends that arrive while another call is in flight are queued and
 * sent together in the next append statement (one round trip, one transaction, one commit),
 * so concurrent requests share commits. See infra/migrations/*-event-log.ts for the ordering
 * guarantee that lets readers trust positions.
 */
export class PostgresEventStore implements EventStore {
  private queue: AppendRequest[] = [];
  private flushing = false;
  private appendConnection?: { client: PoolClient; used: boolean; idleCheck: NodeJS.Timeout; onError: () => void };
  private readonly appended = new AppendSignal();
  private listener?: Client;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly options: PostgresEventStoreOptions = {},
  ) {}

  /** Starts the LISTEN connection (when configured) that hints subscriptions of appends elsewhere. */
  async start(): Promise<void> {
    if (!this.options.listenConnectionString) return;
    const listener = new Client({ connectionString: this.options.listenConnectionString });
    listener.on('notification', () => this.appended.notify());
    // A lost LISTEN connection only makes subscriptions fall back to polling.
    listener.on('error', () => (this.listener = undefined));
    await listener.connect();
    await listener.query(`LISTEN ${APPEND_NOTIFY_CHANNEL}`);
    this.listener = listener;
  }

  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('The event store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ streamId, events, expected, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Sends queued appends until the queue is empty; only one call is in flight at a time. */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        // Let callers that append again as soon as they are answered join this call: their
        // continuations are already queued as microtasks, so one microtask turn gathers them (a
        // whole event-loop turn, setImmediate, cost a lone append about 5 % of its rate).
        // Appends that come later go in the next call.
        await Promise.resolve();
        const batch = this.takeBatch();
        try {
          this.settle(batch, await this.callAppend(await this.appendClient(), batch));
        } catch (error) {
          // A connection a statement failed on is not trusted again.
          this.releaseAppendClient(true);
          // One bad append must not fail the requests it happened to share a call with.
          if (batch.length === 1) batch[0].reject(error);
          else await Promise.all(batch.map((request) => this.appendAlone(request)));
        }
      }
    } finally {
      this.flushing = false;
      if (this.closed) this.releaseAppendClient();
    }
  }

  /**
   * The connection for append statements. They go one at a time (see flush), so one connection
   * serves them, held while appends keep coming: checking one out of the pool per statement cost
   * a lone append about 4 % of its rate. It goes back to the pool once a whole
   * APPEND_CONNECTION_IDLE_MS went by without a statement, and when the store closes; one that
   * failed is closed.
   */
  private async appendClient(): Promise<PoolClient> {
    if (this.appendConnection) {
      this.appendConnection.used = true;
      return this.appendConnection.client;
    }
    const client = await this.pool.connect();
    const onError = () => this.releaseAppendClient(true);
    client.on('error', onError);
    const idleCheck = setInterval(() => {
      const held = this.appendConnection;
      if (!held || this.flushing) return;
      if (held.used) held.used = false;
      else this.releaseAppendClient();
    }, APPEND_CONNECTION_IDLE_MS);
    idleCheck.unref();
    this.appendConnection = { client, used: true, idleCheck, onError };
    return client;
  }

  /** Returns the append connection to the pool, or has the pool close it. */
  private releaseAppendClient(close = false): void {
    const held = this.appendConnection;
    if (!held) return;
    this.appendConnection = undefined;
    clearInterval(held.idleCheck);
    held.client.off('error', held.onError);
    held.client.release(close);
  }

  /**
   * The next appends that can share one statement: in queue order, up to MAX_EVENTS_PER_CALL
   * events, and at most one per stream (the statement numbers each append's events from the
   * stream's revision before the statement, so a second append to the same stream waits for the
   * next call, where it sees the first).
   */
  private takeBatch(): AppendRequest[] {
    const streams = new Set<string>();
    let events = 0;
    let count = 0;
    while (count < this.queue.length) {
      const next = this.queue[count];
      if (count > 0 && (events + next.events.length > MAX_EVENTS_PER_CALL || streams.has(next.streamId))) break;
      streams.add(next.streamId);
      events += next.events.length;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async appendAlone(request: AppendRequest): Promise<void> {
    try {
      this.settle([request], await this.callAppend(this.pool, [request]));
    } catch (error) {
      request.reject(error);
    }
  }

  private settle(batch: AppendRequest[], outcomes: AppendOutcome[]): void {
    outcomes.forEach((outcome, index) => {
      const request = batch[index];
      if (outcome.succeeded) request.resolve({ nextRevision: outcome.revision, position: outcome.position });
      else request.reject(new WrongExpectedRevisionError(request.streamId, request.expected, outcome.revision < 0 ? 'no_stream' : outcome.revision));
    });
    if (outcomes.some((outcome) => outcome.succeeded)) this.appended.notify();
  }

  /**
   * One statement for a batch of appends (see append-statement.ts), answered per append. A
   * batch that lost a race with another process's append to one of its streams is retried.
   */
  private async callAppend(db: Pick<Pool, 'query'>, batch: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    const appendOf = new Map<string, number>();
    batch.forEach((request, index) => request.events.forEach((event) => appendOf.set(event.id, index)));
    const inserted = appendOf.size === 0 ? [] : await this.insert(db, appendStatement(batch));
    const written = new Map<number, { revision: number; position: bigint }>();
    for (const row of inserted) {
      // A lone event's row does not name it: the batch's one append wrote it.
      const index = row.event_id === undefined ? 0 : (appendOf.get(row.event_id) ?? -1);
      const last = written.get(index);
      const position = BigInt(row.position);
      if (!last || position > last.position) written.set(index, { revision: row.revision ?? 0, position });
    }
    const unanswered = batch.filter((_, index) => !written.has(index));
    const current = unanswered.length === 0 ? new Map<string, number>() : await this.streamRevisions(db, unanswered.map((request) => request.streamId));
    return batch.map((request, index): AppendOutcome => {
      const done = written.get(index);
      if (done) return { succeeded: true, ...done };
      const revision = current.get(request.streamId) ?? -1;
      // An append without events succeeds when its expectation holds, and writes nothing.
      if (request.events.length === 0 && meetsExpectation(request.expected, revision)) return { succeeded: true, revision, position: 0n };
      return { succeeded: false, revision };
    });
  }

  private async insert(db: Pick<Pool, 'query'>, statement: QueryConfig): Promise<WrittenRow[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await db.query<WrittenRow>(statement)).rows;
      } catch (error) {
        if (!isStaleRevision(error)) throw error;
        // The new stream exists: nothing was written, and the caller reports the conflict.
        if (statement.name === APPEND_FIRST_EVENT) return [];
        if (attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async streamRevisions(db: Pick<Pool, 'query'>, streamIds: string[]): Promise<Map<string, number>> {
    const result = await db.query<{ stream_id: string; revision: number }>({ name: 'stream_revisions', text: STREAM_REVISIONS_SQL, values: [streamIds] });
    return new Map(result.rows.map((row) => [row.stream_id, row.revision]));
  }

  /**
   * Test support for the contract suite: runs one append inside a transaction on its own
   * connection and leaves it open until commit() is called, to show readers skip nothing.
   */
  async beginHeldAppend(streamId: string, events: readonly NewEvent[]): Promise<{ commit(): Promise<void> }> {
    const client = await this.pool.connect();
    await client.query('BEGIN');
    const request: AppendRequest = { streamId, events, expected: 'any', resolve: () => undefined, reject: () => undefined };
    await this.callAppend(client, [request]);
    return {
      commit: async () => {
        try {
          await client.query('COMMIT');
          this.appended.notify();
        } finally {
          client.release();
        }
      },
    };
  }

  async readStream(streamId: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]> {
    const result = await this.pool.query<EventRow>({
      name: 'read_stream',
      text: `SELECT position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at
             FROM events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision`,
      values: [streamId, options?.fromRevision ?? 0],
    });
    return result.rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = (options.after ?? 0n).toString();
    const limit = options.maxCount ?? 1000;
    const { name, condition, value } = filterCondition(options.filter);
    const result = await this.pool.query<EventRow>({
      name,
      text: `SELECT position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at
             FROM events WHERE position > $1 ${condition} ORDER BY position LIMIT $2`,
      values: value === undefined ? [after, limit] : [after, limit, value],
    });
    return result.rows.map(toRecordedEvent);
  }

  async headPosition(): Promise<bigint> {
    const result = await this.pool.query<{ head: string }>('SELECT coalesce(max(position), 0) AS head FROM events');
    return BigInt(result.rows[0].head);
  }

  subscribe(options: SubscribeOptions): Subscription {
    return pollingSubscription(this, this.appended, options, this.options.pollIntervalMs ?? 500);
  }

  async close(): Promise<void> {
    this.closed = true;
    // A flush under way returns it when it ends.
    if (!this.flushing) this.releaseAppendClient();
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }
}

function filterCondition(filter?: EventFilter): { name: string; condition: string; value?: string[] } {
  if (!filter) return { name: 'read_all', condition: '' };
  if ('eventTypes' in filter) return { name: 'read_all_types', condition: 'AND type = ANY($3)', value: [...filter.eventTypes] };
  return {
    name: 'read_all_prefixes',
    condition: 'AND stream_id LIKE ANY($3)',
    value: filter.streamPrefixes.map((prefix) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
  };
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    revision: row.revision,
    position: BigInt(row.position),
    recordedAt: row.recorded_at,
  };
}
