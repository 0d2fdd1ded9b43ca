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
  type CurrentRevision,
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
  type EventStoreRefusal,
  EventStoreRefusedError,
  EventStoreUnavailableError,
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
  /**
   * The client that subscriptions use; by default the one given. fromConnectionString() makes
   * it prefer a follower when the connection string names a cluster (see the class comment).
   */
  subscriptionClient?: EventStoreDbClient;
  /** First wait before a dropped subscription resubscribes or a failed call is tried again; doubles per failed attempt. */
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

/** How often a call to the leader is made at most (the first try and the retries). */
const CALL_ATTEMPTS = 3;

/**
 * What every client error means for the port. 'unavailable' ones are transient: subscriptions
 * resubscribe after them, and calls are retried where that is safe (see append). Keyed by every
 * ErrorType, so a client upgrade that adds one does not compile until it is placed here.
 */
const FAILURES: Record<ErrorType, 'unavailable' | 'conflict' | EventStoreRefusal> = {
  [ErrorType.UNAVAILABLE]: 'unavailable',
  [ErrorType.DEADLINE_EXCEEDED]: 'unavailable',
  [ErrorType.TIMEOUT]: 'unavailable',
  [ErrorType.CANCELLED]: 'unavailable', // cancelled by the server or a proxy; our own cancellations are not reported
  [ErrorType.NOT_LEADER]: 'unavailable', // the client reconnects to the leader the error names
  [ErrorType.UNKNOWN]: 'unavailable', // e.g. an HTTP/2 stream reset by a load balancer
  [ErrorType.WRONG_EXPECTED_VERSION]: 'conflict',
  [ErrorType.ACCESS_DENIED]: 'access-denied',
  [ErrorType.STREAM_DELETED]: 'stream-deleted',
  [ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED]: 'too-large',
  [ErrorType.UNSUPPORTED]: 'unsupported',
  [ErrorType.STREAM_NOT_FOUND]: 'not-found', // readStream answers [] instead
  [ErrorType.NO_STREAM]: 'not-found',
  [ErrorType.NOT_FOUND]: 'not-found',
  [ErrorType.SCAVENGE_NOT_FOUND]: 'not-found',
  [ErrorType.INVALID_ARGUMENT]: 'invalid-request',
  [ErrorType.INVALID_TRANSACTION]: 'invalid-request',
  [ErrorType.MISSING_REQUIRED_METADATA_PROPERTY]: 'invalid-request',
  // Persistent subscriptions and user management: this adapter uses neither.
  [ErrorType.PERSISTENT_SUBSCRIPTION_FAILED]: 'invalid-request',
  [ErrorType.PERSISTENT_SUBSCRIPTION_DOES_NOT_EXIST]: 'invalid-request',
  [ErrorType.PERSISTENT_SUBSCRIPTION_EXISTS]: 'invalid-request',
  [ErrorType.PERSISTENT_SUBSCRIPTION_DROPPED]: 'invalid-request',
  [ErrorType.MAXIMUM_SUBSCRIBERS_REACHED]: 'invalid-request',
  [ErrorType.USER_NOT_FOUND]: 'invalid-request',
  [ErrorType.USER_CONFLICT]: 'invalid-request',
};

/** Calls to the leader: a stale follower answers NOT_LEADER, and the client then reconnects to the leader. */
const ON_LEADER = { requiresLeader: true } as const;

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
 *
 * Clusters: appends and every read go to the leader (requiresLeader), so a command reads its own
 * writes and headPosition is never behind what was written. Only subscriptions may read from a
 * follower: every node holds the same transaction log, so positions and the order of $all are the
 * same everywhere, and a node serves only events a majority has acknowledged, so a follower's $all
 * is a prefix of the leader's that may lag but never differs. A subscriber that resubscribes on
 * another node continues after its cursor, so it neither repeats nor skips an event.
 *
 * Idempotent appends: our event id is the server's event id. The server recognises a retried
 * append by those ids at the expected revision and answers success without writing again; with
 * 'any' it only does so on a best-effort basis. So a failed append is tried again (a few times,
 * with backoff) when nothing can have been written (NOT_LEADER), or when the outcome is unknown
 * (a lost connection, a deadline) and the expectation is not 'any'.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly subscriptionClient: EventStoreDbClient;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly client: EventStoreDbClient,
    options: EventStoreDbEventStoreOptions = {},
  ) {
    this.subscriptionClient = options.subscriptionClient ?? client;
    this.retry = {
      initialRetryDelayMs: options.initialRetryDelayMs ?? 100,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 5000,
      logger: options.logger ?? new Logger(EventStoreDbEventStore.name),
    };
  }

  /**
   * E.g. `esdb://localhost:2113?tls=false`, or a cluster: `esdb://node1:2113,node2:2113,node3:2113`
   * (or `esdb+discover://cluster.example.org:2113`). For a cluster the store keeps two
   * connections: one that prefers the leader, and one for subscriptions that prefers the
   * connection string's nodePreference, by default a follower.
   */
  static fromConnectionString(connectionString: string, options: Omit<EventStoreDbEventStoreOptions, 'subscriptionClient'> = {}): EventStoreDbEventStore {
    const leader = EventStoreDBClient.connectionString(withNodePreference(connectionString, 'leader'));
    if (!namesCluster(connectionString)) return new EventStoreDbEventStore(leader, options);
    const subscriptionClient = EventStoreDBClient.connectionString(
      setsNodePreference(connectionString) ? connectionString : withNodePreference(connectionString, 'follower'),
    );
    return new EventStoreDbEventStore(leader, { ...options, subscriptionClient });
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
    const conflict = (actual: CurrentRevision): WrongExpectedRevisionError =>
      new WrongExpectedRevisionError(streamId, expected, actual === NO_STREAM || actual < 0n ? 'no_stream' : Number(actual));
    const result = await this.onLeader(
      () => this.client.appendToStream(streamId, eventData, { expectedRevision: toExpectedRevision(expected), ...ON_LEADER }),
      { retryUnknownOutcome: expected !== 'any', conflict },
    );
    // Only a client built with throwOnAppendFailure=false reports a conflict this way.
    if (!result.success) throw conflict(result.nextExpectedRevision);
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
    const [last] = await this.onLeader(() => collect<ResolvedEvent>(this.client.readStream(streamId, { fromRevision: lastRevision, maxCount: 1, ...ON_LEADER })));
    if (!last?.event) throw new Error('EventStoreDB returned no position for an append and its last event could not be read');
    return positionOf(last.event, last.commitPosition);
  }

  async readStream(streamId: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]> {
    const resolved = await this.onLeader(() =>
      collect<ResolvedEvent>(this.client.readStream(streamId, { fromRevision: BigInt(options?.fromRevision ?? 0), ...ON_LEADER })).catch((error: unknown) => {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }),
    );
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
      const from = toReadPosition(cursor);
      const page = await this.onLeader(() =>
        collect<AllStreamResolvedEvent>(this.client.readAll({ fromPosition: from, maxCount: pageSize, direction: FORWARDS, ...ON_LEADER })),
      );
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
      const start: ReadPosition = from;
      const page: AllStreamResolvedEvent[] = await this.onLeader(() =>
        collect<AllStreamResolvedEvent>(this.client.readAll({ fromPosition: start, maxCount: HEAD_READ_PAGE, direction: BACKWARDS, ...ON_LEADER })),
      );
      for (const { event } of page) {
        if (event && !isSystemEvent(event)) return event.position.commit;
      }
      const oldest: Position | undefined = page[page.length - 1]?.event?.position;
      if (page.length < HEAD_READ_PAGE || !oldest) return 0n;
      from = oldest;
    }
  }

  subscribe(options: SubscribeOptions): Subscription {
    const subscription = new CatchUpSubscription(this.subscriptionClient, options, this.retry);
    this.subscriptions.add(subscription);
    void subscription.stopped.catch(() => undefined).finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
    if (this.subscriptionClient !== this.client) await this.subscriptionClient.dispose();
  }

  /**
   * Runs a call against the leader and reports its failure as the port's error. It is tried again
   * after NOT_LEADER (nothing was done, and the client has reconnected to the leader), and after a
   * transient failure if the call is safe to repeat: reads always, appends per retryUnknownOutcome.
   */
  private async onLeader<T>(
    call: () => Promise<T>,
    { retryUnknownOutcome = true, conflict }: { retryUnknownOutcome?: boolean; conflict?: (actual: CurrentRevision) => WrongExpectedRevisionError } = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const repeatable = clientErrorType(error) === ErrorType.NOT_LEADER || (retryUnknownOutcome && isTransient(error));
        if (!repeatable || attempt >= CALL_ATTEMPTS) throw toPortError(error, conflict);
        const delay = backoff(this.retry, attempt - 1);
        this.retry.logger.warn(`EventStoreDB call failed (${describeError(error)}); trying again in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
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
        // A subscriber that wants progress reports gets them from every event the server sends,
        // so the filter is applied here. (The server's own checkpoints cannot be ordered against
        // the events this client has buffered but not yet handed over.)
        { fromPosition: toReadPosition(this.cursor), filter: toServerFilter(this.options.onProgress ? undefined : this.options.filter) },
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
            if (!isTransient(error)) throw toPortError(error);
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
      const delay = backoff(this.retry, failures);
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
    const handedOver = events.length > 0 ? events[events.length - 1].position : this.cursor;
    if (this.options.filter && seen > handedOver && !this.stopping) await this.options.onProgress?.(seen);
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

function clientErrorType(error: unknown): ErrorType | undefined {
  return error instanceof Error && isCommandError(error) ? error.type : undefined;
}

function isTransient(error: unknown): boolean {
  const type = clientErrorType(error);
  return type !== undefined && FAILURES[type] === 'unavailable';
}

/**
 * The port's error for a client error (see FAILURES); anything else (our own errors, a bug) passes
 * through. The client's error stays as the cause; its message may name a stream, never data.
 */
function toPortError(error: unknown, conflict?: (actual: CurrentRevision) => WrongExpectedRevisionError): unknown {
  const type = clientErrorType(error);
  if (type === undefined) return error;
  const failure = FAILURES[type];
  if (failure === 'conflict') {
    // Only appends can conflict; they always say how to report it.
    return conflict && error instanceof WrongExpectedVersionError ? conflict(error.actualVersion) : new EventStoreRefusedError('invalid-request', { cause: error });
  }
  if (failure === 'unavailable') return new EventStoreUnavailableError(type, { cause: error });
  return new EventStoreRefusedError(failure, { cause: error });
}

/** Exponential backoff: the wait before retry number `failures` (0-based), capped. */
function backoff(policy: RetryPolicy, failures: number): number {
  return Math.min(policy.initialRetryDelayMs * 2 ** failures, policy.maxRetryDelayMs);
}

/** A connection string's part before `?`, and its settings (`name=value`). */
function splitConnectionString(connectionString: string): { base: string; settings: string[] } {
  const separator = connectionString.indexOf('?');
  if (separator < 0) return { base: connectionString, settings: [] };
  return { base: connectionString.slice(0, separator), settings: connectionString.slice(separator + 1).split('&').filter((setting) => setting !== '') };
}

const isNodePreference = (setting: string): boolean => /^nodePreference=/i.test(setting);

function setsNodePreference(connectionString: string): boolean {
  return splitConnectionString(connectionString).settings.some(isNodePreference);
}

/** The connection string with its nodePreference set to `preference` (replacing one it names). */
export function withNodePreference(connectionString: string, preference: 'leader' | 'follower'): string {
  const { base, settings } = splitConnectionString(connectionString);
  return `${base}?${[...settings.filter((setting) => !isNodePreference(setting)), `nodePreference=${preference}`].join('&')}`;
}

/** A cluster: several gossip seeds, or discovery through DNS. */
function namesCluster(connectionString: string): boolean {
  const [scheme, rest = ''] = connectionString.split('://');
  const hosts = rest.split(/[/?]/)[0].split('@').pop() ?? '';
  return scheme.endsWith('+discover') || hosts.includes(',');
}

function describeError(error: unknown): string {
  if (error === undefined) return 'ended by the server';
  if (error instanceof Error && isCommandError(error)) return error.type;
  return error instanceof Error ? error.name : 'unknown error';
}
