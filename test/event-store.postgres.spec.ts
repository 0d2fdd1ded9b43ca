import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store';
import { eventStoreContract } from './event-store.contract';
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
