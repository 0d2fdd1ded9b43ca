import { Logger, type LoggerService } from '@nestjs/common';
import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  isCommandError,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type Filter,
  type JSONType,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import type { EventMetadata, NewEvent, RecordedEvent } from '../../../contracts/events/event-envelope';
import {
  type AppendResult,
  type EventFilter,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type SubscribeOptions,
  type Subscription,
  WrongExpectedRevisionError,
  matchesFilter,
} from '../event-store.port';

/**
 * The client methods this adapter uses. Everything specific to @eventstore/db-client stays in
 * this folder, so moving to @kurrent/kurrentdb-client touches nothing else.
 */
export type EventStoreDbClient = Pick<EventStoreDBClient, 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

export interface EventStoreDbEventStoreOptions {
  /** First wait before a dropped subscription resubscribes; doubles per failed attempt. */
  initialRetryDelayMs?: number;
  /** Upper bound of that wait. */
  maxRetryDelayMs?: number;
  logger?: Pick<LoggerService, 'warn'>;
}

/** Smallest page readAll fetches, so a selective filter does not cost one round trip per few events. */
const MIN_READ_PAGE = 500;
const HEAD_READ_PAGE = 100;
const DEFAULT_BATCH_SIZE = 1000;
/** Positions at or above 2^63 are the server's "no position" sentinels, not real log positions. */
const NO_POSITION = 1n << 63n;

/** Client errors after which a subscription resubscribes instead of failing. */
const TRANSIENT_ERRORS: ReadonlySet<string> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.CANCELLED, // cancelled by the server or a proxy; our own cancellations are not reported
  ErrorType.NOT_LEADER,
  ErrorType.UNKNOWN, // e.g. an HTTP/2 stream reset by a load balancer
]);

type EsdbEvent = EsdbRecordedEvent;

/**
 * What this adapter uses of the client's read and subscription streams (Node readables in object
 * mode). Declared structurally because the client's overloaded event typings no longer line up
 * with those of current @types/node.
 */
interface EventStream<T> extends AsyncIterable<T> {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  read(): T | null;
}

/**
 * The EventStoreDB adapter.
 *
 * Positions: our port's position is EventStoreDB's *commit* position. Since v20 every append is an
 * implicit transaction in which each event's commit position equals its prepare position, so the
 * commit position alone is unique and increasing per event, and `{ commit: p, prepare: p }` is the
 * exact $all position of the event at p. Reads of $all from a position include the event there,
 * so this adapter drops it to make `after` exclusive. (Events of legacy explicit transactions
 * would share a commit position; nothing here writes those.)
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly logger: Pick<LoggerService, 'warn'>;

  constructor(
    private readonly client: EventStoreDbClient,
    private readonly options: EventStoreDbEventStoreOptions = {},
  ) {
    this.logger = options.logger ?? new Logger(EventStoreDbEventStore.name);
  }

  /** E.g. `esdb://localhost:2113?tls=false`. */
  static fromConnectionString(connectionString: string, options?: EventStoreDbEventStoreOptions): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const eventData = events.map((event) =>
      jsonEvent({
        // Our id becomes the server's event id, so the server recognises a retried append.
        id: event.id,
        type: event.type,
        // The client serialises any JSON value, not only the objects its type names.
        data: event.data as JSONType,
        metadata: { ...event.metadata, schemaVersion: event.schemaVersion },
      }),
    );
    let result;
    try {
      result = await this.client.appendToStream(streamId, eventData, { expectedRevision: toExpectedRevision(expected) });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion;
        throw new WrongExpectedRevisionError(streamId, expected, actual === NO_STREAM || actual < 0n ? 'no_stream' : Number(actual));
      }
      throw error;
    }
    // Only a client built with throwOnAppendFailure=false reports a conflict this way.
    if (!result.success) {
      const current = result.nextExpectedRevision;
      throw new WrongExpectedRevisionError(streamId, expected, current < 0n ? 'no_stream' : Number(current));
    }
    const commit = result.position?.commit;
    const position =
      commit !== undefined && commit >= 0n && commit < NO_POSITION
        ? commit
        : // The server sends no position for an append it found already done (a retry) or empty.
          await this.positionAfterAppend(streamId, events.length, result.nextExpectedRevision);
    return { nextRevision: Number(result.nextExpectedRevision), position };
  }

  private async positionAfterAppend(streamId: string, eventCount: number, lastRevision: bigint): Promise<bigint> {
    if (eventCount === 0 || lastRevision < 0n) return this.headPosition();
    const [last] = await collect<ResolvedEvent>(this.client.readStream(streamId, { fromRevision: lastRevision, maxCount: 1 }));
    if (!last?.event) throw new Error('EventStoreDB returned no position for an append and its last event could not be read');
    return positionOf(last.event, last.commitPosition);
  }

  async readStream(streamId: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]> {
    let resolved;
    try {
      resolved = await collect<ResolvedEvent>(this.client.readStream(streamId, { fromRevision: BigInt(options?.fromRevision ?? 0) }));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    const events: RecordedEvent[] = [];
    for (const { event, commitPosition } of resolved) {
      if (event && !isSystemEvent(event)) events.push(toRecordedEvent(event, positionOf(event, commitPosition)));
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? DEFAULT_BATCH_SIZE;
    // This client cannot filter reads of $all on the server (only subscriptions), so reads page
    // through $all and filter here. +1: each page starts with the event at the cursor.
    const pageSize = Math.max(maxCount + 1, MIN_READ_PAGE);
    const batch: RecordedEvent[] = [];
    let cursor = options.after ?? 0n;
    while (batch.length < maxCount) {
      const page = await collect<AllStreamResolvedEvent>(this.client.readAll({ fromPosition: toReadPosition(cursor), maxCount: pageSize, direction: FORWARDS }));
      for (const { event } of page) {
        if (!event) continue;
        const position = event.position.commit;
        if (position <= cursor) continue; // `after` is exclusive
        cursor = position;
        if (batch.length < maxCount && isWanted(event, options.filter)) batch.push(toRecordedEvent(event, position));
      }
      if (page.length < pageSize) break; // reached the end of the log
    }
    return batch;
  }

  async headPosition(): Promise<bigint> {
    // The newest event that is not a server-internal one: subscribers never see those, so a head
    // that counted them could never be reached.
    let from: ReadPosition = END;
    for (;;) {
      const page: AllStreamResolvedEvent[] = await collect<AllStreamResolvedEvent>(this.client.readAll({ fromPosition: from, maxCount: HEAD_READ_PAGE, direction: BACKWARDS }));
      for (const { event } of page) {
        if (event && !isSystemEvent(event)) return event.position.commit;
      }
      const oldest: Position | undefined = page[page.length - 1]?.event?.position;
      if (page.length < HEAD_READ_PAGE || !oldest) return 0n;
      from = oldest;
    }
  }

  subscribe(options: SubscribeOptions): Subscription {
    const subscription = new CatchUpSubscription(this.client, options, {
      initialRetryDelayMs: this.options.initialRetryDelayMs ?? 100,
      maxRetryDelayMs: this.options.maxRetryDelayMs ?? 5000,
      logger: this.logger,
    });
    this.subscriptions.add(subscription);
    void subscription.stopped.catch(() => undefined).finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }
}

interface RetryPolicy {
  initialRetryDelayMs: number;
  maxRetryDelayMs: number;
  logger: Pick<LoggerService, 'warn'>;
}

/**
 * A catch-up subscription to $all. Events are handed over in batches of what has arrived, and the
 * next batch is only taken once onBatch resolved. A dropped connection resubscribes after the
 * last event seen, with exponential backoff; a handler failure or a non-transient store error
 * ends it.
 */
class CatchUpSubscription implements Subscription {
  readonly stopped: Promise<void>;
  private stopping = false;
  private reader?: BatchReader<AllStreamResolvedEvent>;
  private wakeFromSleep?: () => void;
  /** Position of the last event seen (handed over or deliberately skipped). */
  private cursor: bigint;

  constructor(
    private readonly client: EventStoreDbClient,
    private readonly options: SubscribeOptions,
    private readonly retry: RetryPolicy,
  ) {
    this.cursor = options.after;
    this.stopped = this.run();
    this.stopped.catch(() => undefined); // the owner observes failures through `stopped`
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.reader?.interrupt();
    this.wakeFromSleep?.();
    await this.stopped.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    let failures = 0;
    while (!this.stopping) {
      const subscription = this.client.subscribeToAll(
        { fromPosition: toReadPosition(this.cursor), filter: toServerFilter(this.options.filter) },
        { highWaterMark: batchSize },
      );
      const reader = new BatchReader<AllStreamResolvedEvent>(subscription);
      this.reader = reader;
      let lost: unknown;
      try {
        for (;;) {
          let received: AllStreamResolvedEvent[] | null;
          try {
            received = await reader.next(batchSize);
          } catch (error) {
            if (this.stopping) return;
            if (!isTransient(error)) throw error;
            lost = error;
            break;
          }
          if (this.stopping) return;
          if (received === null) break; // the server ended the subscription: resubscribe
          failures = 0;
          await this.deliver(received);
        }
      } finally {
        this.reader = undefined;
        reader.release();
        // Not awaited: cancelling waits for the connection, which may be the thing that is down.
        subscription.unsubscribe().catch(() => undefined);
        subscription.destroy();
      }
      if (this.stopping) return;
      const delay = Math.min(this.retry.initialRetryDelayMs * 2 ** failures, this.retry.maxRetryDelayMs);
      failures++;
      // The error's kind only: messages can carry stream names.
      this.retry.logger.warn(`Subscription to $all dropped (${describeError(lost)}); resubscribing in ${delay} ms`);
      await this.sleep(delay);
    }
  }

  private async deliver(received: readonly AllStreamResolvedEvent[]): Promise<void> {
    const events: RecordedEvent[] = [];
    let seen = this.cursor;
    for (const { event } of received) {
      if (!event) continue;
      const position = event.position.commit;
      if (position <= seen) continue; // the event at `after`, or one seen before a resubscription
      seen = position;
      if (isWanted(event, this.options.filter)) events.push(toRecordedEvent(event, position));
    }
    if (events.length > 0) await this.options.onBatch(events);
    this.cursor = seen;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeFromSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeFromSleep = done;
    });
  }
}

/**
 * Takes whatever a subscription stream has buffered, up to a batch, waiting only when nothing is.
 * It reads the stream in paused mode, so the stream applies backpressure while a batch is handled.
 */
class BatchReader<T> {
  private error?: { value: unknown };
  private ended = false;
  private interrupted = false;
  private wake?: () => void;
  private readonly notify = (): void => {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify();
  };
  private readonly onError = (error: unknown): void => {
    this.error ??= { value: error };
    this.notify();
  };

  constructor(private readonly stream: EventStream<T>) {
    stream.on('readable', this.notify);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  /** The next events, or null when the stream ended or interrupt() was called. */
  async next(max: number): Promise<T[] | null> {
    for (;;) {
      if (this.error) throw this.error.value;
      if (this.interrupted) return null;
      const items: T[] = [];
      let item: T | null;
      while (items.length < max && (item = this.stream.read()) !== null) items.push(item);
      if (items.length > 0) return items;
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  interrupt(): void {
    this.interrupted = true;
    this.notify();
  }

  release(): void {
    this.stream.off('readable', this.notify);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    this.stream.off('error', this.onError);
    // The client may still emit an error after we are gone; unhandled, it would crash the process.
    this.stream.on('error', ignore);
  }
}

function ignore(): void {
  return;
}

/** Reads a whole (bounded) client read stream. */
async function collect<T>(stream: EventStream<T>): Promise<T[]> {
  // The client can re-emit an error after the iteration has already failed; keep that harmless.
  stream.on('error', ignore);
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return BigInt(expected);
  }
}

function toReadPosition(after: bigint): ReadPosition {
  // See the class comment: an event's commit and prepare positions are the same.
  return after === 0n ? START : { commit: after, prepare: after };
}

/** Server-side filter; the same filter is applied again to the events that arrive. */
function toServerFilter(filter?: EventFilter): Filter {
  if (!filter) return excludeSystemEvents();
  // Prefix filters on event types would also match longer type names, so types use an exact regex.
  if ('eventTypes' in filter) return eventTypeFilter({ regex: exactAlternatives(filter.eventTypes) });
  if (filter.streamPrefixes.length === 0) return streamNameFilter({ regex: MATCH_NOTHING });
  return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
}

const MATCH_NOTHING = '(?!)';

function exactAlternatives(values: readonly string[]): string {
  if (values.length === 0) return MATCH_NOTHING;
  return `^(?:${values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;
}

/** Server-internal events ($-types: links, stream metadata, statistics, projections). */
function isSystemEvent(event: Pick<EsdbEvent, 'type'>): boolean {
  return event.type.startsWith('$');
}

function isWanted(event: EsdbEvent, filter?: EventFilter): boolean {
  return !isSystemEvent(event) && matchesFilter(event, filter);
}

function positionOf(event: EsdbEvent, commitPosition?: bigint): bigint {
  const position = event.position?.commit ?? commitPosition;
  if (position === undefined || position < 0n || position >= NO_POSITION) {
    throw new Error('EventStoreDB returned no global position for a stream event; version 22.6 or later is required');
  }
  return position;
}

function toRecordedEvent(event: EsdbEvent, position: bigint): RecordedEvent {
  const envelope = event.metadata;
  if (!event.isJson || !isEnvelopeMetadata(envelope)) {
    // Id and type only: never the event's data.
    throw new Error(`EventStoreDB event ${event.id} of type ${event.type} is not in the envelope format (JSON with schemaVersion metadata)`);
  }
  const { schemaVersion, ...metadata } = envelope;
  return {
    id: event.id,
    type: event.type,
    schemaVersion,
    data: event.data,
    metadata: metadata as unknown as EventMetadata,
    streamId: event.streamId,
    revision: Number(event.revision),
    position,
    // The client already converts the server's ticks to a Date; the guard keeps other clients honest.
    recordedAt: event.created instanceof Date ? event.created : new Date(event.created),
  };
}

function isEnvelopeMetadata(value: unknown): value is Record<string, unknown> & { schemaVersion: number } {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && typeof (value as { schemaVersion?: unknown }).schemaVersion === 'number';
}

function isTransient(error: unknown): boolean {
  return error instanceof Error && isCommandError(error) && TRANSIENT_ERRORS.has(error.type);
}

function describeError(error: unknown): string {
  if (error === undefined) return 'ended by the server';
  if (error instanceof Error && isCommandError(error)) return error.type;
  return error instanceof Error ? error.name : 'unknown error';
}
