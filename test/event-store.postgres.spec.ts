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

// Appends go one statement at a time over one connection the store holds while they keep coming.
describe('postgres event store: the append connection', () => {
  let database: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;
  const APPLICATION = 'append-connection-spec';
  const checkedOut = () => pool.totalCount - pool.idleCount;
  const until = async (condition: () => boolean) => {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(condition()).toBe(true);
  };

  /** The server processes behind this test's pool. */
  const backends = async () =>
    (await database.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [APPLICATION])).rows.map((row) => row.pid);

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  beforeEach(() => {
    pool = new Pool({ ...EVENT_STORE_POOL_SETTINGS, connectionString: database.connectionString, application_name: APPLICATION });
    store = new PostgresEventStore(pool);
  });
  afterEach(async () => {
    await store.close();
    await pool.end();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('is held while appends come and goes back to the pool when they stop', async () => {
    const stream = `${uniquePrefix()}held`;
    for (let revision = 0; revision < 5; revision++) await store.append(stream, [testEvent()], revision === 0 ? 'no_stream' : revision - 1);
    expect(checkedOut()).toBe(1);
    expect(pool.totalCount).toBe(1);
    await until(() => checkedOut() === 0);
    await store.append(stream, [testEvent()], 4);
    expect(checkedOut()).toBe(1);
  });

  it('goes back to the pool when the store closes', async () => {
    await store.append(`${uniquePrefix()}closing`, [testEvent()], 'no_stream');
    expect(checkedOut()).toBe(1);
    await store.close();
    expect(checkedOut()).toBe(0);
  });

  it('is closed after a statement failed on it, as the pool closes such connections', async () => {
    const stream = `${uniquePrefix()}failed`;
    await store.append(stream, [testEvent()], 'no_stream');
    const [failedOn] = await backends();
    // PostgreSQL refuses a NUL character in jsonb: the statement fails.
    await expect(store.append(stream, [testEvent('TestHappened', { text: 'a\u0000b' })], 0)).rejects.toThrow();
    await store.append(stream, [testEvent()], 0);
    for (let i = 0; i < 200 && (await backends()).includes(failedOn); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await backends()).not.toContain(failedOn);
    expect((await store.readStream(stream)).map((event) => event.revision)).toEqual([0, 1]);
  });

  it('is dropped when it is lost, and the next append takes another', async () => {
    const stream = `${uniquePrefix()}lost`;
    await store.append(stream, [testEvent()], 'no_stream');
    expect(pool.totalCount).toBe(1);
    // Its only connection, the held one, ended by the server (an unhandled error would fail the run).
    const { rows } = await database.pool.query(`SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1`, [APPLICATION]);
    expect(rows).toEqual([{ ended: true }]);
    await until(() => pool.totalCount === 0);
    await store.append(stream, [testEvent()], 0);
    expect((await store.readStream(stream)).map((event) => event.revision)).toEqual([0, 1]);
  });
});
