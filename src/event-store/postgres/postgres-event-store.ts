import { Client, type Pool } from 'pg';
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
} from '../event-store.port';
import { AppendSignal, pollingSubscription } from '../polling-subscription';

export const APPEND_NOTIFY_CHANNEL = 'event_log_appended';

const EXPECTED_CODES: Record<'no_stream' | 'any' | 'stream_exists', number> = { no_stream: -1, any: -2, stream_exists: -3 };
/** Upper bound of events sent in one append_events call. */
const MAX_EVENTS_PER_CALL = 2000;

interface AppendRequest {
  streamId: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

interface AppendRow {
  o_index: number;
  o_succeeded: boolean;
  o_revision: number;
  o_position: string | null;
}

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
 * sent together in the next call to append_events (one round trip, one transaction, one commit),
 * so concurrent requests share commits. See infra/migrations/*-event-log.ts for the ordering
 * guarantee that lets readers trust positions.
 */
export class PostgresEventStore implements EventStore {
  private queue: AppendRequest[] = [];
  private flushing = false;
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
        // Let the callers just answered append again first, so the next call carries them all.
        await new Promise((resolve) => setImmediate(resolve));
        const batch = this.takeBatch();
        try {
          this.settle(batch, await this.callAppend(this.pool, batch));
        } catch (error) {
          // One bad append must not fail the requests it happened to share a call with.
          if (batch.length === 1) batch[0].reject(error);
          else await Promise.all(batch.map((request) => this.appendAlone(request)));
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private takeBatch(): AppendRequest[] {
    let events = 0;
    let count = 0;
    while (count < this.queue.length && (count === 0 || events + this.queue[count].events.length <= MAX_EVENTS_PER_CALL)) {
      events += this.queue[count].events.length;
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

  private settle(batch: AppendRequest[], rows: AppendRow[]): void {
    for (const row of rows) {
      const request = batch[row.o_index - 1];
      if (row.o_succeeded) {
        request.resolve({ nextRevision: row.o_revision, position: BigInt(row.o_position ?? 0) });
      } else {
        const actual = row.o_revision < 0 ? 'no_stream' : row.o_revision;
        request.reject(new WrongExpectedRevisionError(request.streamId, request.expected, actual));
      }
    }
    if (rows.some((row) => row.o_succeeded)) this.appended.notify();
  }

  /** One call to append_events for a batch of appends; exported to tests through beginHeldAppend. */
  private async callAppend(db: Pick<Pool, 'query'>, batch: readonly AppendRequest[]): Promise<AppendRow[]> {
    const streamIds: string[] = [];
    const expected: number[] = [];
    const counts: number[] = [];
    const ids: string[] = [];
    const types: string[] = [];
    const versions: number[] = [];
    const data: string[] = [];
    const metadata: string[] = [];
    for (const request of batch) {
      streamIds.push(request.streamId);
      expected.push(typeof request.expected === 'number' ? request.expected : EXPECTED_CODES[request.expected]);
      counts.push(request.events.length);
      for (const event of request.events) {
        ids.push(event.id);
        types.push(event.type);
        versions.push(event.schemaVersion);
        data.push(JSON.stringify(event.data));
        metadata.push(JSON.stringify(event.metadata));
      }
    }
    const result = await db.query<AppendRow>({
      name: 'append_events',
      text: 'SELECT * FROM append_events($1, $2, $3, $4, $5, $6, $7, $8)',
      values: [streamIds, expected, counts, ids, types, versions, data, metadata],
    });
    return result.rows;
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
    return pollingSubscription((o) => this.readAll(o), this.appended, options, this.options.pollIntervalMs ?? 500);
  }

  async close(): Promise<void> {
    this.closed = true;
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
