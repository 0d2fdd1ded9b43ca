import { Metadata, status } from '@grpc/grpc-js';
import { PassThrough, Readable } from 'node:stream';
import {
  AccessDeniedError,
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  InvalidArgumentError,
  NO_STREAM,
  START,
  StreamNotFoundError,
  UnavailableError,
  UnsupportedError,
  WrongExpectedVersionError,
  convertToCommandError,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type AppendResult as EsdbAppendResult,
  type ReadPosition,
} from '@eventstore/db-client';
import type { NewEvent, RecordedEvent } from '../../../contracts/events/event-envelope';
import { EventStoreRefusedError, EventStoreUnavailableError, WrongExpectedRevisionError, type ExpectedRevision } from '../event-store.port';
import { EventStoreDbEventStore, type EventStoreDbClient, withNodePreference } from './eventstoredb-event-store';

const CREATED = new Date('2026-11-29T12:00:01.000Z');

/** An event as the client hands it over from $all. */
function stored(
  position: number,
  streamId: string,
  revision: number,
  type = 'TestHappened',
  overrides: Partial<Pick<AllStreamRecordedEvent, 'data' | 'metadata' | 'isJson'>> = {},
): AllStreamResolvedEvent {
  const event = {
    streamId,
    id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    isJson: true,
    revision: BigInt(revision),
    type,
    created: CREATED,
    data: { position },
    metadata: { correlationId: `corr-${position}`, actorRole: 'system', occurredAt: '2026-11-29T12:00:00.000Z', schemaVersion: 2 },
    position: { commit: BigInt(position), prepare: BigInt(position) },
    ...overrides,
  } as AllStreamRecordedEvent;
  return { event, commitPosition: BigInt(position) };
}

/** What the adapter should make of stored(position, streamId, revision, type). */
function recorded(position: number, streamId: string, revision: number, type = 'TestHappened'): RecordedEvent {
  return {
    id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    type,
    schemaVersion: 2,
    data: { position },
    metadata: { correlationId: `corr-${position}`, actorRole: 'system', occurredAt: '2026-11-29T12:00:00.000Z' },
    streamId,
    revision,
    position: BigInt(position),
    recordedAt: CREATED,
  };
}

function newEvent(id = '6f1c2a8e-5b7d-4c1e-9a3f-2d4b6c8e0a11'): NewEvent {
  return {
    id,
    type: 'MemberJoined',
    schemaVersion: 3,
    data: { memberId: 'm-1', sealed: 'v1.abc' },
    metadata: { correlationId: 'c-1', causationId: 'x-1', actorRole: 'member', occurredAt: '2026-11-29T12:00:00.000Z' },
  };
}

function readStreamOf<T>(items: readonly T[]): Readable {
  return Object.assign(Readable.from(items), { cancel: async () => undefined });
}

function failingStream(error: Error): Readable {
  const stream = new Readable({
    objectMode: true,
    read() {
      this.destroy(error);
    },
  });
  return Object.assign(stream, { cancel: async () => undefined });
}

type FakeSubscription = PassThrough & { unsubscribe: jest.Mock<Promise<void>, []> };

function fakeSubscription(): FakeSubscription {
  return Object.assign(new PassThrough({ objectMode: true }), { unsubscribe: jest.fn(async () => undefined) });
}

/** A client over an in-memory $all, implementing just the methods the adapter uses. */
class FakeClient {
  log: AllStreamResolvedEvent[] = [];
  subscriptions: FakeSubscription[] = [];
  /** What the next subscribeToAll calls return; a fresh idle subscription when empty. */
  nextSubscriptions: FakeSubscription[] = [];

  appendToStream = jest.fn(async (..._args: unknown[]): Promise<EsdbAppendResult> => ({
    success: true,
    nextExpectedRevision: 0n,
    position: { commit: 1n, prepare: 1n },
  }));

  readStream = jest.fn((streamId: string, options: { fromRevision?: bigint; maxCount?: number } = {}) => {
    const events = this.log.filter((e) => e.event?.streamId === streamId && e.event.revision >= (options.fromRevision ?? 0n));
    if (events.length === 0 && !this.log.some((e) => e.event?.streamId === streamId)) {
      return failingStream(new StreamNotFoundError(undefined, streamId));
    }
    // Stream reads report no commitPosition of their own, only the event's position.
    return readStreamOf(events.slice(0, options.maxCount ?? Infinity).map(({ event }) => ({ event })));
  });

  readAll = jest.fn((options: { fromPosition?: ReadPosition; maxCount?: number; direction?: string } = {}) => {
    const { fromPosition = START, maxCount = Number.MAX_SAFE_INTEGER, direction = FORWARDS } = options;
    const commit = (e: AllStreamResolvedEvent): bigint => e.event!.position.commit;
    let events: AllStreamResolvedEvent[];
    if (direction === FORWARDS) {
      // Like the server: a forward read includes the event at its start position.
      events = fromPosition === START ? this.log : this.log.filter((e) => fromPosition !== END && commit(e) >= fromPosition.commit);
    } else {
      events = [...(fromPosition === END ? this.log : this.log.filter((e) => fromPosition !== START && commit(e) < fromPosition.commit))].reverse();
    }
    return readStreamOf(events.slice(0, maxCount));
  });

  subscribeToAll = jest.fn((..._args: unknown[]) => {
    const subscription = this.nextSubscriptions.shift() ?? fakeSubscription();
    this.subscriptions.push(subscription);
    return subscription;
  });

  dispose = jest.fn(async () => undefined);
}

function storeOver(client: FakeClient, warn = jest.fn()): EventStoreDbEventStore {
  return new EventStoreDbEventStore(client as unknown as EventStoreDbClient, { initialRetryDelayMs: 1, maxRetryDelayMs: 4, logger: { warn } });
}

async function waitFor(condition: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Errors the client makes from a gRPC status alone; every other type comes from the server's `exception` metadata. */
const BY_STATUS: Partial<Record<ErrorType, status>> = {
  [ErrorType.TIMEOUT]: status.ABORTED,
  [ErrorType.DEADLINE_EXCEEDED]: status.DEADLINE_EXCEEDED,
  [ErrorType.UNAVAILABLE]: status.UNAVAILABLE,
  [ErrorType.NOT_FOUND]: status.NOT_FOUND,
  [ErrorType.CANCELLED]: status.CANCELLED,
  [ErrorType.UNKNOWN]: status.INTERNAL,
};

/** A client error of the given type, made the way the client makes it from a server's answer. */
function clientError(type: ErrorType): Error {
  if (type === ErrorType.UNSUPPORTED) return new UnsupportedError('a feature', '24.10');
  if (type === ErrorType.INVALID_ARGUMENT) return new InvalidArgumentError('bad argument');
  const metadata = new Metadata();
  if (BY_STATUS[type] === undefined) {
    metadata.set('exception', type);
    const details = {
      'stream-name': 'member-1',
      'expected-version': '2',
      'actual-version': '5',
      'leader-endpoint-host': 'node2',
      'leader-endpoint-port': '2113',
      'scavenge-id': 'scavenge-1',
      'maximum-append-size': '1048576',
      'required-metadata-properties': 'a',
      'group-name': 'group',
      reason: 'reason',
      'login-name': 'user',
    };
    for (const [key, value] of Object.entries(details)) metadata.set(key, value);
  }
  return convertToCommandError(Object.assign(new Error('server answer'), { code: BY_STATUS[type] ?? status.UNKNOWN, details: 'server answer', metadata }));
}

/** The port error each client error becomes (docs/ARCHITECTURE.md, "eventstoredb"). */
const PORT_ERRORS: Record<ErrorType, { error: string; reason?: string; refusal?: string }> = {
  [ErrorType.UNAVAILABLE]: { error: 'EventStoreUnavailableError', reason: 'unavailable' },
  [ErrorType.DEADLINE_EXCEEDED]: { error: 'EventStoreUnavailableError', reason: 'deadline-exceeded' },
  [ErrorType.TIMEOUT]: { error: 'EventStoreUnavailableError', reason: 'timeout' },
  [ErrorType.CANCELLED]: { error: 'EventStoreUnavailableError', reason: 'cancelled' },
  [ErrorType.NOT_LEADER]: { error: 'EventStoreUnavailableError', reason: 'not-leader' },
  [ErrorType.UNKNOWN]: { error: 'EventStoreUnavailableError', reason: 'unknown' },
  [ErrorType.WRONG_EXPECTED_VERSION]: { error: 'WrongExpectedRevisionError' },
  [ErrorType.ACCESS_DENIED]: { error: 'EventStoreRefusedError', refusal: 'access-denied' },
  [ErrorType.STREAM_DELETED]: { error: 'EventStoreRefusedError', refusal: 'stream-deleted' },
  [ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED]: { error: 'EventStoreRefusedError', refusal: 'too-large' },
  [ErrorType.UNSUPPORTED]: { error: 'EventStoreRefusedError', refusal: 'unsupported' },
  [ErrorType.STREAM_NOT_FOUND]: { error: 'EventStoreRefusedError', refusal: 'not-found' },
  [ErrorType.NO_STREAM]: { error: 'EventStoreRefusedError', refusal: 'not-found' },
  [ErrorType.NOT_FOUND]: { error: 'EventStoreRefusedError', refusal: 'not-found' },
  [ErrorType.SCAVENGE_NOT_FOUND]: { error: 'EventStoreRefusedError', refusal: 'not-found' },
  [ErrorType.INVALID_ARGUMENT]: { error: 'EventStoreRefusedError', refusal: 'invalid-request' },
  [ErrorType.INVALID_TRANSACTION]: { error: 'EventStoreRefusedError', refusal: 'invalid-request' },
  [ErrorType.MISSING_REQUIRED_METADATA_PROPERTY]: { error: 'EventStoreRefusedError', refusal: 'invalid-request' },
  [ErrorType.PERSISTENT_SUBSCRIPTION_FAILED]: { error: 'EventStoreRefusedError', refusal: 'invalid-request' },
  [ErrorType.PERSISTENT_SUBSCRIPTION_DOES_NOT_EXIST]: { error: 'EventStoreRefusedError', refusal: 'invalid-request' },
  [ErrorType.PERSISTENT_SUBSCRIPTION_EXISTS]: { error: 'EventStoreRefusedError', refusal: 'invalid-request' },
  [ErrorType.PERSISTENT_SUBSCRIPTION_DROPPED]: { error: 'EventStoreRefusedError', refusal: 'invalid-request' },
  [ErrorType.MAXIMUM_SUBSCRIBERS_REACHED]: { error: 'EventStoreRefusedError', refusal: 'invalid-request' },
  [ErrorType.USER_NOT_FOUND]: { error: 'EventStoreRefusedError', refusal: 'invalid-request' },
  [ErrorType.USER_CONFLICT]: { error: 'EventStoreRefusedError', refusal: 'invalid-request' },
};

function describePortError(error: unknown): { error: string; reason?: string; refusal?: string } {
  if (error instanceof EventStoreUnavailableError) return { error: error.name, reason: error.reason };
  if (error instanceof EventStoreRefusedError) return { error: error.name, refusal: error.refusal };
  return { error: (error as Error).name };
}

describe('EventStoreDbEventStore (unit, fake client)', () => {
  let client: FakeClient;
  let store: EventStoreDbEventStore;

  beforeEach(() => {
    client = new FakeClient();
    store = storeOver(client);
  });

  describe('append', () => {
    it.each<[ExpectedRevision, unknown]>([
      ['no_stream', 'no_stream'],
      ['stream_exists', 'stream_exists'],
      ['any', 'any'],
      [7, 7n],
    ])('maps expected revision %p to %p and sends the envelope as a JSON event', async (expected, mapped) => {
      client.appendToStream.mockResolvedValueOnce({ success: true, nextExpectedRevision: 8n, position: { commit: 4242n, prepare: 4242n } });
      const event = newEvent();

      const result = await store.append('member-1', [event], expected);

      expect(result).toEqual({ nextRevision: 8, position: 4242n });
      expect(client.appendToStream.mock.calls).toEqual([
        [
          'member-1',
          [
            {
              id: event.id,
              contentType: 'application/json',
              type: 'MemberJoined',
              data: { memberId: 'm-1', sealed: 'v1.abc' },
              metadata: { correlationId: 'c-1', causationId: 'x-1', actorRole: 'member', occurredAt: '2026-11-29T12:00:00.000Z', schemaVersion: 3 },
            },
          ],
          { expectedRevision: mapped, requiresLeader: true },
        ],
      ]);
    });

    it.each<[ExpectedRevision, bigint | typeof NO_STREAM, number | 'no_stream']>([
      ['stream_exists', NO_STREAM, 'no_stream'],
      ['no_stream', 4n, 4],
      [2, 5n, 5],
    ])('turns WrongExpectedVersionError (expected %p, current %p) into WrongExpectedRevisionError', async (expected, current, actual) => {
      client.appendToStream.mockRejectedValueOnce(new WrongExpectedVersionError(undefined, { streamName: 'member-1', expected: 'any', current }));

      const error = await store.append('member-1', [newEvent()], expected).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      const { name, message, streamId, expected: reportedExpected, actual: reportedActual } = error as WrongExpectedRevisionError;
      expect({ name, message, streamId, expected: reportedExpected, actual: reportedActual }).toEqual({
        name: 'WrongExpectedRevisionError',
        message: `Stream member-1: expected ${String(expected)}, actual ${String(actual)}`,
        streamId: 'member-1',
        expected,
        actual,
      });
    });

    it('reports a conflict of a client that does not throw on append failure the same way', async () => {
      client.appendToStream.mockResolvedValueOnce({ success: false, nextExpectedRevision: -1n, position: undefined });
      const error = await store.append('member-1', [newEvent()], 'stream_exists').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect({ ...(error as WrongExpectedRevisionError) }).toEqual({ name: 'WrongExpectedRevisionError', streamId: 'member-1', expected: 'stream_exists', actual: 'no_stream' });
    });


    it('finds the position of a retried append, for which the server sends none, from the stream', async () => {
      client.log = [stored(100, 'member-1', 0), stored(200, 'member-1', 1), stored(300, 'other-1', 0)];
      client.appendToStream.mockResolvedValueOnce({ success: true, nextExpectedRevision: 1n, position: undefined });

      expect(await store.append('member-1', [newEvent()], 0)).toEqual({ nextRevision: 1, position: 200n });
      expect(client.readStream.mock.calls).toEqual([['member-1', { fromRevision: 1n, maxCount: 1, requiresLeader: true }]]);
    });
  });

  describe('client errors and retries', () => {
    const retriedUnavailable = (Object.keys(PORT_ERRORS) as ErrorType[]).filter((type) => PORT_ERRORS[type].error === 'EventStoreUnavailableError');

    it.each(Object.values(ErrorType))('reports the client error %s as the port error for it', async (type) => {
      const failure = clientError(type);
      expect((failure as { type?: unknown }).type).toBe(type);
      client.appendToStream.mockRejectedValue(failure);

      const error = await store.append('member-1', [newEvent()], 2).catch((e: unknown) => e);

      expect(describePortError(error)).toEqual(PORT_ERRORS[type]);
      if (!(error instanceof WrongExpectedRevisionError)) expect((error as Error).cause).toBe(failure);
      // An outcome that may be unknown is tried again (same event ids, so never written twice); a refusal is final.
      expect(client.appendToStream).toHaveBeenCalledTimes(retriedUnavailable.includes(type) ? 3 : 1);
    });

    it('retries an append whose outcome is unknown with the same event ids, and answers with the server\'s result', async () => {
      const warn = jest.fn();
      store = storeOver(client, warn);
      client.appendToStream
        .mockRejectedValueOnce(clientError(ErrorType.DEADLINE_EXCEEDED))
        .mockResolvedValueOnce({ success: true, nextExpectedRevision: 3n, position: { commit: 900n, prepare: 900n } });

      expect(await store.append('member-1', [newEvent()], 2)).toEqual({ nextRevision: 3, position: 900n });

      const [first, second] = client.appendToStream.mock.calls;
      expect(second).toEqual(first);
      expect((first[1] as Array<{ id: string }>).map((event) => event.id)).toEqual([newEvent().id]);
      expect(warn.mock.calls).toEqual([['EventStoreDB call failed (deadline-exceeded); trying again in 1 ms']]);
    });

    it('does not retry an append with expectation any whose outcome is unknown (the server does not promise to recognise it)', async () => {
      client.appendToStream.mockRejectedValue(clientError(ErrorType.UNAVAILABLE));
      const error = await store.append('retention-runs', [newEvent()], 'any').catch((e: unknown) => e);
      expect(describePortError(error)).toEqual({ error: 'EventStoreUnavailableError', reason: 'unavailable' });
      expect(client.appendToStream).toHaveBeenCalledTimes(1);
    });

    it('retries an append with expectation any refused by a follower (NOT_LEADER: nothing was written)', async () => {
      client.appendToStream.mockRejectedValueOnce(clientError(ErrorType.NOT_LEADER));
      expect(await store.append('retention-runs', [newEvent()], 'any')).toEqual({ nextRevision: 0, position: 1n });
      expect(client.appendToStream).toHaveBeenCalledTimes(2);
    });

    it('retries reads after a transient failure', async () => {
      client.log = [stored(100, 'member-1', 0)];
      client.readStream.mockImplementationOnce(() => failingStream(clientError(ErrorType.UNAVAILABLE)));
      client.readAll.mockImplementationOnce(() => failingStream(clientError(ErrorType.NOT_LEADER)));

      expect(await store.readStream('member-1')).toEqual([recorded(100, 'member-1', 0)]);
      expect(await store.readAll()).toEqual([recorded(100, 'member-1', 0)]);
      expect(client.readStream).toHaveBeenCalledTimes(2);
      expect(client.readAll).toHaveBeenCalledTimes(2);
    });

    it('reports a read that keeps failing as unavailable, and a refused read as refused', async () => {
      client.readAll.mockImplementation(() => failingStream(clientError(ErrorType.UNAVAILABLE)));
      expect(describePortError(await store.headPosition().catch((e: unknown) => e))).toEqual({ error: 'EventStoreUnavailableError', reason: 'unavailable' });
      expect(client.readAll).toHaveBeenCalledTimes(3);

      client.readStream.mockReturnValueOnce(failingStream(new AccessDeniedError()));
      expect(describePortError(await store.readStream('member-1').catch((e: unknown) => e))).toEqual({ error: 'EventStoreRefusedError', refusal: 'access-denied' });
    });

    it('passes errors that are not the client\'s through unchanged', async () => {
      const bug = new TypeError('not a client error');
      client.appendToStream.mockRejectedValueOnce(bug);
      await expect(store.append('member-1', [newEvent()], 2)).rejects.toBe(bug);
      expect(client.appendToStream).toHaveBeenCalledTimes(1);
    });
  });

  describe('readStream', () => {
    it('maps the client events to recorded events', async () => {
      client.log = [stored(100, 'member-1', 0, 'MemberJoined'), stored(150, 'other-1', 0), stored(200, 'member-1', 1, 'EmailVerified')];

      expect(await store.readStream('member-1')).toEqual([recorded(100, 'member-1', 0, 'MemberJoined'), recorded(200, 'member-1', 1, 'EmailVerified')]);
      expect(client.readStream.mock.calls).toEqual([['member-1', { fromRevision: 0n, requiresLeader: true }]]);
    });

    it('reads from a revision', async () => {
      client.log = [stored(100, 'member-1', 0), stored(200, 'member-1', 1), stored(300, 'member-1', 2)];

      expect(await store.readStream('member-1', { fromRevision: 1 })).toEqual([recorded(200, 'member-1', 1), recorded(300, 'member-1', 2)]);
      expect(client.readStream.mock.calls).toEqual([['member-1', { fromRevision: 1n, requiresLeader: true }]]);
    });

    it('reads a stream that does not exist (StreamNotFoundError) as empty', async () => {
      expect(await store.readStream('missing-1')).toEqual([]);
    });


    it('refuses an event that is not in the envelope format, naming neither data nor metadata', async () => {
      client.log = [stored(100, 'member-1', 0, 'Foreign', { metadata: { note: 'secret-metadata' }, data: { name: 'Jens Hansen' } })];

      const error = (await store.readStream('member-1').catch((e: unknown) => e)) as Error;

      expect(error.message).toBe(
        'EventStoreDB event 00000000-0000-4000-8000-000000000100 of type Foreign is not in the envelope format (JSON with schemaVersion metadata)',
      );
    });
  });

  describe('readAll', () => {
    beforeEach(() => {
      client.log = [
        stored(100, 'member-1', 0, 'MemberJoined'),
        stored(150, '$stats-127.0.0.1:2113', 0, '$statsCollected'),
        stored(200, 'group-1', 0, 'GroupFormed'),
        stored(300, 'member-1', 1, 'MemberJoinedLate'),
        stored(400, '$$member-1', 0, '$metadata'),
        stored(500, 'member-2', 0, 'MemberJoined'),
      ];
    });

    it('reads from the start, skipping system events', async () => {
      expect(await store.readAll()).toEqual([
        recorded(100, 'member-1', 0, 'MemberJoined'),
        recorded(200, 'group-1', 0, 'GroupFormed'),
        recorded(300, 'member-1', 1, 'MemberJoinedLate'),
        recorded(500, 'member-2', 0, 'MemberJoined'),
      ]);
      expect(client.readAll.mock.calls).toEqual([[{ fromPosition: START, maxCount: 1001, direction: FORWARDS, requiresLeader: true }]]);
    });

    it('treats `after` as exclusive: the read starts at that event, which is dropped', async () => {
      expect(await store.readAll({ after: 200n })).toEqual([recorded(300, 'member-1', 1, 'MemberJoinedLate'), recorded(500, 'member-2', 0, 'MemberJoined')]);
      expect(client.readAll.mock.calls[0][0]).toEqual({ fromPosition: { commit: 200n, prepare: 200n }, maxCount: 1001, direction: FORWARDS, requiresLeader: true });
    });

    it('returns at most maxCount events', async () => {
      expect(await store.readAll({ after: 100n, maxCount: 2 })).toEqual([recorded(200, 'group-1', 0, 'GroupFormed'), recorded(300, 'member-1', 1, 'MemberJoinedLate')]);
    });

    it('filters on exact event types, not prefixes of them', async () => {
      expect(await store.readAll({ filter: { eventTypes: ['MemberJoined', 'GroupFormed'] } })).toEqual([
        recorded(100, 'member-1', 0, 'MemberJoined'),
        recorded(200, 'group-1', 0, 'GroupFormed'),
        recorded(500, 'member-2', 0, 'MemberJoined'),
      ]);
    });

    it('filters on stream prefixes', async () => {
      expect(await store.readAll({ filter: { streamPrefixes: ['member-'] } })).toEqual([
        recorded(100, 'member-1', 0, 'MemberJoined'),
        recorded(300, 'member-1', 1, 'MemberJoinedLate'),
        recorded(500, 'member-2', 0, 'MemberJoined'),
      ]);
    });

    it('pages on through $all until a selective filter has filled the batch or the log ends', async () => {
      client.log = Array.from({ length: 1200 }, (_, i) => stored(10 * (i + 1), i % 400 === 399 ? `rare-${i}` : `common-${i}`, 0));

      const read = await store.readAll({ filter: { streamPrefixes: ['rare-'] }, maxCount: 2 });

      expect(read).toEqual([recorded(4000, 'rare-399', 0), recorded(8000, 'rare-799', 0)]);
      // Pages of 500 starting at the start, then at the last event of each page.
      expect(client.readAll.mock.calls.map(([options]) => options)).toEqual([
        { fromPosition: START, maxCount: 500, direction: FORWARDS, requiresLeader: true },
        { fromPosition: { commit: 5000n, prepare: 5000n }, maxCount: 500, direction: FORWARDS, requiresLeader: true },
      ]);
      expect(await store.readAll({ after: 8000n, filter: { streamPrefixes: ['rare-'] }, maxCount: 2 })).toEqual([recorded(12000, 'rare-1199', 0)]);
    });
  });

  describe('headPosition', () => {
    it('is the position of the newest event that is not a system event', async () => {
      client.log = [stored(100, 'member-1', 0), stored(200, 'member-2', 0), stored(300, '$stats-1', 0, '$statsCollected')];
      expect(await store.headPosition()).toBe(200n);
      expect(client.readAll.mock.calls).toEqual([[{ fromPosition: END, maxCount: 100, direction: BACKWARDS, requiresLeader: true }]]);
    });

    it('looks further back past a run of system events', async () => {
      client.log = [stored(5, 'member-1', 0), ...Array.from({ length: 150 }, (_, i) => stored(10 + i, '$stats-1', i, '$statsCollected'))];
      expect(await store.headPosition()).toBe(5n);
      expect(client.readAll.mock.calls.map(([options]) => options)).toEqual([
        { fromPosition: END, maxCount: 100, direction: BACKWARDS, requiresLeader: true },
        { fromPosition: { commit: 60n, prepare: 60n }, maxCount: 100, direction: BACKWARDS, requiresLeader: true },
      ]);
    });

    it('is 0n for a log with no events of ours', async () => {
      expect(await store.headPosition()).toBe(0n);
      client.log = [stored(100, '$stats-1', 0, '$statsCollected')];
      expect(await store.headPosition()).toBe(0n);
    });
  });

  describe('subscribe', () => {
    it('subscribes after the position with a server-side filter and hands over batches of new events only', async () => {
      const batches: RecordedEvent[][] = [];
      const subscription = store.subscribe({
        after: 200n,
        filter: { eventTypes: ['MemberJoined', 'Group.Formed'] },
        batchSize: 10,
        onBatch: async (events) => void batches.push(events),
      });
      const feed = client.subscriptions[0];
      // The event at `after`, a system event, and a type the server filter would not send.
      for (const e of [
        stored(200, 'member-1', 0, 'MemberJoined'),
        stored(250, '$$member-1', 0, '$metadata'),
        stored(300, 'member-2', 0, 'MemberJoined'),
        stored(350, 'member-2', 1, 'MemberJoinedLate'),
        stored(400, 'group-1', 0, 'Group.Formed'),
      ])
        feed.write(e);

      await waitFor(() => batches.length > 0, 'a batch');
      await subscription.stop();

      await expect(subscription.stopped).resolves.toBeUndefined();
      expect(batches).toEqual([[recorded(300, 'member-2', 0, 'MemberJoined'), recorded(400, 'group-1', 0, 'Group.Formed')]]);
      expect(client.subscribeToAll.mock.calls).toEqual([
        [
          {
            fromPosition: { commit: 200n, prepare: 200n },
            filter: { filterOn: 'eventType', checkpointInterval: 1, regex: '^(?:MemberJoined|Group\\.Formed)$' },
          },
          { highWaterMark: 10 },
        ],
      ]);
      expect(feed.unsubscribe).toHaveBeenCalled();
    });

    it('subscribes from the start with stream prefixes, or without system events when unfiltered', async () => {
      const onBatch = async (): Promise<void> => undefined;
      await store.subscribe({ after: 0n, filter: { streamPrefixes: ['member-', 'group-'] }, onBatch }).stop();
      await store.subscribe({ after: 0n, onBatch }).stop();

      expect(client.subscribeToAll.mock.calls).toEqual([
        [{ fromPosition: START, filter: { filterOn: 'streamName', checkpointInterval: 1, prefixes: ['member-', 'group-'] } }, { highWaterMark: 1000 }],
        [{ fromPosition: START, filter: { filterOn: 'eventType', checkpointInterval: 1, regex: '^[^$].*' } }, { highWaterMark: 1000 }],
      ]);
    });

    it('with onProgress, filters here and reports how far it read past left-out events, after the batch before them', async () => {
      const calls: Array<string | bigint> = [];
      const subscription = store.subscribe({
        after: 0n,
        filter: { eventTypes: ['MemberJoined'] },
        batchSize: 10,
        onBatch: async (events) => void calls.push(...events.map((event) => event.type)),
        onProgress: async (position) => void calls.push(position),
      });
      const feed = client.subscriptions[0];
      for (const e of [stored(100, 'member-1', 0, 'MemberJoined'), stored(200, 'member-1', 1, 'EmailVerified'), stored(300, '$$member-1', 0, '$metadata'), stored(400, 'member-2', 0, 'EmailVerified')])
        feed.write(e);
      await waitFor(() => calls.includes(400n), 'progress to 400');
      feed.write(stored(500, 'member-3', 0, 'MemberJoined'));
      await waitFor(() => calls.length === 3, 'the next batch');
      await subscription.stop();

      // Every event but the server's own is sent; a batch that ends with a wanted event reports no progress.
      expect(client.subscribeToAll.mock.calls[0][0]).toEqual({ fromPosition: START, filter: { filterOn: 'eventType', checkpointInterval: 1, regex: '^[^$].*' } });
      expect(calls).toEqual(['MemberJoined', 400n, 'MemberJoined']);
    });

    it('reads the next batch only after onBatch resolved', async () => {
      const batches: RecordedEvent[][] = [];
      let release: () => void = () => undefined;
      const subscription = store.subscribe({
        after: 0n,
        batchSize: 2,
        onBatch: (events) => {
          batches.push(events);
          return new Promise<void>((resolve) => (release = resolve));
        },
      });
      const feed = client.subscriptions[0];
      feed.write(stored(100, 'a-1', 0));
      feed.write(stored(200, 'a-1', 1));
      feed.write(stored(300, 'a-1', 2));

      await waitFor(() => batches.length === 1, 'the first batch');
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(batches).toEqual([[recorded(100, 'a-1', 0), recorded(200, 'a-1', 1)]]);

      release();
      await waitFor(() => batches.length === 2, 'the second batch');
      expect(batches[1]).toEqual([recorded(300, 'a-1', 2)]);
      release();
      await subscription.stop();
    });

    it('resubscribes after a transient error from the last event handed over, without duplicates', async () => {
      const warn = jest.fn();
      store = storeOver(client, warn);
      const batches: RecordedEvent[][] = [];
      const subscription = store.subscribe({ after: 0n, onBatch: async (events) => void batches.push(events) });
      const first = client.subscriptions[0];
      first.write(stored(100, 'member-1', 0));
      first.write(stored(200, 'member-1', 1));
      await waitFor(() => batches.length === 1, 'the first batch');

      first.destroy(new UnavailableError());
      await waitFor(() => client.subscriptions.length === 2, 'a resubscription');
      const second = client.subscriptions[1];
      // A server may send the event at the start position again.
      second.write(stored(200, 'member-1', 1));
      second.write(stored(300, 'member-2', 0));
      await waitFor(() => batches.length === 2, 'the second batch');
      await subscription.stop();

      expect(batches).toEqual([[recorded(100, 'member-1', 0), recorded(200, 'member-1', 1)], [recorded(300, 'member-2', 0)]]);
      expect(client.subscribeToAll.mock.calls.map(([options]) => (options as { fromPosition: unknown }).fromPosition)).toEqual([
        START,
        { commit: 200n, prepare: 200n },
      ]);
      expect(first.unsubscribe).toHaveBeenCalled();
      // The kind of error only: no stream ids, no event data.
      expect(warn.mock.calls).toEqual([['Subscription to $all dropped (unavailable); resubscribing in 1 ms']]);
      await expect(subscription.stopped).resolves.toBeUndefined();
    });

    it('resubscribes after skipped events from the last event seen, and when the server ends the subscription', async () => {
      const batches: RecordedEvent[][] = [];
      const subscription = store.subscribe({ after: 0n, filter: { streamPrefixes: ['member-'] }, onBatch: async (events) => void batches.push(events) });
      const first = client.subscriptions[0];
      first.write(stored(100, 'member-1', 0));
      await waitFor(() => batches.length === 1, 'the first batch');
      first.write(stored(200, '$$member-1', 0, '$metadata'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      first.end();

      await waitFor(() => client.subscriptions.length === 2, 'a resubscription');
      await subscription.stop();
      expect((client.subscribeToAll.mock.calls[1][0] as { fromPosition: unknown }).fromPosition).toEqual({ commit: 200n, prepare: 200n });
      expect(batches).toEqual([[recorded(100, 'member-1', 0)]]);
    });

    it('backs off exponentially up to the cap while the server stays unreachable', async () => {
      const warn = jest.fn();
      store = storeOver(client, warn);
      client.subscribeToAll.mockImplementation(() => {
        const subscription = fakeSubscription();
        client.subscriptions.push(subscription);
        setImmediate(() => subscription.destroy(new UnavailableError()));
        return subscription;
      });
      const subscription = store.subscribe({ after: 0n, onBatch: async () => undefined });

      await waitFor(() => warn.mock.calls.length >= 5, 'five retries');
      await subscription.stop();

      expect(warn.mock.calls.slice(0, 5).map(([message]) => /in (\d+) ms/.exec(message as string)?.[1])).toEqual(['1', '2', '4', '4', '4']);
      await expect(subscription.stopped).resolves.toBeUndefined();
    });

    it('stops with a non-transient store error as the port reports it, without resubscribing', async () => {
      const subscription = store.subscribe({ after: 0n, onBatch: async () => undefined });
      const failure = new AccessDeniedError();
      client.subscriptions[0].destroy(failure);

      const error = await subscription.stopped.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventStoreRefusedError);
      expect(error).toMatchObject({ refusal: 'access-denied', cause: failure });
      expect(client.subscribeToAll).toHaveBeenCalledTimes(1);
    });

    it('stops with the error of a failing onBatch and reads no further', async () => {
      const failure = new Error('handler failed');
      const onBatch = jest.fn(async () => {
        throw failure;
      });
      const subscription = store.subscribe({ after: 0n, onBatch });
      const feed = client.subscriptions[0];
      feed.write(stored(100, 'member-1', 0));

      await expect(subscription.stopped).rejects.toBe(failure);
      feed.write(stored(200, 'member-1', 1));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(onBatch.mock.calls).toEqual([[[recorded(100, 'member-1', 0)]]]);
      expect(feed.unsubscribe).toHaveBeenCalled();
      expect(client.subscribeToAll).toHaveBeenCalledTimes(1);
      await expect(subscription.stop()).resolves.toBeUndefined();
    });

    it('stops with an event that is not in the envelope format', async () => {
      const subscription = store.subscribe({ after: 0n, onBatch: async () => undefined });
      client.subscriptions[0].write(stored(100, 'member-1', 0, 'Foreign', { metadata: undefined }));
      await expect(subscription.stopped).rejects.toThrow('EventStoreDB event 00000000-0000-4000-8000-000000000100 of type Foreign is not in the envelope format');
    });
  });

  describe('close', () => {
    it('stops open subscriptions and disposes of the client', async () => {
      const subscription = store.subscribe({ after: 0n, onBatch: async () => undefined });
      await store.close();
      await expect(subscription.stopped).resolves.toBeUndefined();
      expect(client.subscriptions[0].unsubscribe).toHaveBeenCalled();
      expect(client.dispose).toHaveBeenCalledTimes(1);
    });

    it('builds a store from a connection string without connecting', async () => {
      const fromString = EventStoreDbEventStore.fromConnectionString('esdb://localhost:2113?tls=false');
      expect(fromString).toBeInstanceOf(EventStoreDbEventStore);
      await fromString.close();
    });
  });

  describe('clusters', () => {
    afterEach(() => jest.restoreAllMocks());

    it('writes and reads through the leader, and subscribes through the subscription client', async () => {
      const follower = new FakeClient();
      store = new EventStoreDbEventStore(client as unknown as EventStoreDbClient, { subscriptionClient: follower as unknown as EventStoreDbClient, initialRetryDelayMs: 1 });
      await store.append('member-1', [newEvent()], 'no_stream');
      await store.readStream('member-1');
      await store.headPosition();
      const subscription = store.subscribe({ after: 0n, onBatch: async () => undefined });

      expect(client.subscribeToAll).not.toHaveBeenCalled();
      expect(follower.subscribeToAll).toHaveBeenCalledTimes(1);
      expect([follower.appendToStream, follower.readStream, follower.readAll].map((call) => call.mock.calls.length)).toEqual([0, 0, 0]);

      await subscription.stop();
      await store.close();
      expect([client.dispose.mock.calls.length, follower.dispose.mock.calls.length]).toEqual([1, 1]);
    });

    it('connects a cluster twice: preferring the leader, and for subscriptions a follower unless the string says otherwise', async () => {
      const connect = jest.spyOn(EventStoreDBClient, 'connectionString');
      const stores = [
        EventStoreDbEventStore.fromConnectionString('esdb://node1:2113,node2:2113,node3:2113?tls=false'),
        EventStoreDbEventStore.fromConnectionString('esdb+discover://cluster.example.org:2113?nodePreference=random&tls=false'),
        EventStoreDbEventStore.fromConnectionString('esdb://localhost:2113?tls=false'),
      ];
      await Promise.all(stores.map((each) => each.close()));

      expect(connect.mock.calls.map(([connectionString]) => connectionString)).toEqual([
        'esdb://node1:2113,node2:2113,node3:2113?tls=false&nodePreference=leader',
        'esdb://node1:2113,node2:2113,node3:2113?tls=false&nodePreference=follower',
        'esdb+discover://cluster.example.org:2113?tls=false&nodePreference=leader',
        'esdb+discover://cluster.example.org:2113?nodePreference=random&tls=false',
        'esdb://localhost:2113?tls=false&nodePreference=leader',
      ]);
    });

    it('sets the node preference of any connection string, replacing the one it names', () => {
      expect(withNodePreference('esdb://a:2113', 'leader')).toBe('esdb://a:2113?nodePreference=leader');
      expect(withNodePreference('esdb://user:p%40ss@a:2113,b:2113/?NodePreference=follower&tls=true', 'leader')).toBe(
        'esdb://user:p%40ss@a:2113,b:2113/?tls=true&nodePreference=leader',
      );
    });
  });
});
