import type { NewEvent, RecordedEvent } from '../../contracts/events/event-envelope';

/**
 * What an append expects of the stream's current state (optimistic concurrency):
 * 'no_stream' (must not exist), 'stream_exists', 'any', or the exact revision of its last event.
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

export interface AppendResult {
  /** Revision of the last event written. */
  nextRevision: number;
  /** Global position of the last event written. */
  position: bigint;
}

/**
 * Selects events in readAll and subscriptions by event type or by stream-name prefix (one or the
 * other, as EventStoreDB's server-side filters do). No filter means every event.
 */
export type EventFilter = { eventTypes: readonly string[] } | { streamPrefixes: readonly string[] };

export interface ReadAllOptions {
  /** Read events strictly after this position; 0n (the default) reads from the start. */
  after?: bigint;
  filter?: EventFilter;
  /** Batch size; defaults to 1000. */
  maxCount?: number;
}

export interface SubscribeOptions {
  after: bigint;
  filter?: EventFilter;
  batchSize?: number;
  /**
   * Called with each batch in log order; the next batch is only read after it resolves.
   * A rejection stops the subscription (see Subscription.stopped).
   */
  onBatch(events: RecordedEvent[]): Promise<void>;
  /**
   * For a filtered subscription: called, in turn with onBatch, when the subscription has read
   * past events its filter leaves out. Every event at or before `position` has been handed over
   * or does not match, and later batches hold only events after it. Lets a subscriber that needs
   * few event types still record how far into the log it is. Like onBatch, a rejection stops
   * the subscription.
   */
  onProgress?(position: bigint): Promise<void>;
}

export interface Subscription {
  /** Resolves when stop() was called; rejects with the handler's or the store's error. */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The event-store port. Every adapter passes the shared contract suite in
 * test/event-store.contract.ts. Besides WrongExpectedRevisionError, the EventStoreDB adapter
 * reports each of its client's failures as EventStoreUnavailableError or EventStoreRefusedError.
 */
export interface EventStore {
  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** All events of a stream in revision order; an empty list for a stream that does not exist. */
  readStream(streamId: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]>;
  /** One batch of events after a global position, in log order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the newest event in the log (0n when the log is empty). */
  headPosition(): Promise<bigint>;
  /** A catch-up subscription that reads history and then follows new events. */
  subscribe(options: SubscribeOptions): Subscription;
  close(): Promise<void>;
}

/** Injection token for the configured adapter. */
export const EVENT_STORE = Symbol('EventStore');

/** The stream's state did not match the append's expectation. Maps to HTTP 409. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual last revision, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected ${String(expected)}, actual ${String(actual)}`);
  }
}

/**
 * The event store could not be reached or did not answer in time (a lost connection, a leader
 * election, a deadline). Trying again later may succeed. After a failed append the events may or
 * may not have been written: appending them again with the same event ids is safe. Maps to 503.
 */
export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';
  constructor(
    /** What the adapter saw, as a short word (e.g. 'unavailable', 'not-leader'): never data. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`The event store is unavailable (${reason})`, options);
  }
}

/** Why the event store refused a request for good; trying again will not help. */
export type EventStoreRefusal = 'access-denied' | 'stream-deleted' | 'not-found' | 'too-large' | 'invalid-request' | 'unsupported';

/** The event store refused the request (permissions, a deleted stream, a too large append, ...). Maps to 500. */
export class EventStoreRefusedError extends Error {
  override readonly name = 'EventStoreRefusedError';
  constructor(
    readonly refusal: EventStoreRefusal,
    options?: ErrorOptions,
  ) {
    super(`The event store refused the request (${refusal})`, options);
  }
}

/** Checks an expectation against the stream's actual last revision (-1 = no stream). */
export function meetsExpectation(expected: ExpectedRevision, actualRevision: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actualRevision === -1;
    case 'stream_exists':
      return actualRevision >= 0;
    default:
      return actualRevision === expected;
  }
}

export function matchesFilter(event: Pick<RecordedEvent, 'type' | 'streamId'>, filter?: EventFilter): boolean {
  if (!filter) return true;
  if ('eventTypes' in filter) return filter.eventTypes.includes(event.type);
  return filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix));
}
