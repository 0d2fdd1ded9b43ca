import { Pool } from 'pg';
import { WrongExpectedRevisionError } from '../src/event-store/event-store.port';
import { EVENT_STORE_POOL_SETTINGS, PostgresEventStore } from '../src/event-store/postgres/postgres-event-store';
import { eventStoreContract } from './event-store.contract';
import { testEvent, uniquePrefix } from './support/events';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('event store contract: postgres', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  eventStoreContract({
    open: async () => {
      database = await createTestDatabase();
      store = new PostgresEventStore(database.pool, { listenConnectionString: database.connectionString, pollIntervalMs: 200 });
      await store.start();
      return store;
    },
    close: async () => {
      await store.close();
      await database.drop();
    },
    beginHeldAppend: (s, streamId, events) => (s as PostgresEventStore).beginHeldAppend(streamId, events),
  });
});

// One store sends one append call at a time; appends race only between processes, as here.
describe('postgres event store: two processes appending to the same streams', () => {
  let database: TestDatabase;
  let otherPool: Pool;
  let stores: [PostgresEventStore, PostgresEventStore];

  beforeAll(async () => {
    database = await createTestDatabase();
    otherPool = new Pool({ ...EVENT_STORE_POOL_SETTINGS, connectionString: database.connectionString });
    stores = [new PostgresEventStore(database.pool), new PostgresEventStore(otherPool)];
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await otherPool.end();
    await database.drop();
  });

  it.each([
    ['no_stream', undefined],
    ['an exact revision', 0],
  ] as const)('of two appends expecting %s, exactly one writes and the other is a conflict', async (_, revision) => {
    const prefix = uniquePrefix();
    const streams = Array.from({ length: 40 }, (_, i) => `${prefix}${i}`);
    if (revision !== undefined) await Promise.all(streams.map((stream) => stores[0].append(stream, [testEvent()], 'no_stream')));
    for (const stream of streams) {
      // A pair at a time: each store's append goes alone, as a lone request's would.
      const pair = await Promise.allSettled(stores.map((store) => store.append(stream, [testEvent()], revision ?? 'no_stream')));
      expect(pair.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const [refused] = pair.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      expect(refused.reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(refused.reason).toEqual(expect.objectContaining({ actual: (revision ?? -1) + 1 }));
    }
    for (const stream of streams) expect(await stores[1].readStream(stream)).toHaveLength((revision ?? -1) + 2);
  });
});
