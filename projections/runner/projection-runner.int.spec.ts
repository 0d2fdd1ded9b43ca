import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store';
import { testEvent } from '../../test/support/events';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { waitForProjection } from './catch-up';
import { deferUpkeep } from './deferred-upkeep';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';

/** Counts events per stream; fails on an event of type 'Poison'. Not idempotent on its own on purpose. */
class CountingProjection implements Projection {
  readonly name = 'counting';
  applied = 0;
  constructor(
    readonly version = 1,
    readonly eventTypes?: readonly string[],
  ) {}
  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      if (event.type === 'Poison') throw new Error('cannot handle this event');
      await tx.query(
        `INSERT INTO test_counts (stream_id, count) VALUES ($1, 1)
         ON CONFLICT (stream_id) DO UPDATE SET count = test_counts.count + 1`,
        [event.streamId],
      );
      this.applied++;
    }
  }
  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM test_counts');
  }
}

/** Keeps a row per event in a table with a secondary and a unique index; records which indexes it saw as it applied each batch. */
class IndexedProjection implements Projection {
  readonly name = 'indexed';
  readonly tables = ['test_rows'];
  /** The table's indexes, and whether autovacuum may work on it, as each batch found them. */
  readonly seen: string[][] = [];
  readonly autovacuum: boolean[] = [];
  constructor(readonly version = 1) {}
  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const indexes: Array<{ indexname: string }> = await tx.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'test_rows' ORDER BY indexname`);
    this.seen.push(indexes.map((index) => index.indexname));
    const [{ paused }]: Array<{ paused: boolean }> = await tx.query(
      `SELECT coalesce('autovacuum_enabled=false' = ANY(reloptions), false) AS paused FROM pg_class WHERE relname = 'test_rows'`,
    );
    this.autovacuum.push(!paused);
    for (const event of events) await tx.query('INSERT INTO test_rows (position, stream_id) VALUES ($1, $2)', [event.position.toString(), event.streamId]);
  }
  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM test_rows');
  }
}

describe('the projection runner', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  const runners: ProjectionRunner[] = [];

  const runner = (projection: Projection): ProjectionRunner => {
    const created = new ProjectionRunner(projection, store, dataSource, { connectionString: database.connectionString, standbyRetryMs: 100, batchSize: 3 });
    runners.push(created);
    return created;
  };
  const counts = async (): Promise<Record<string, number>> => {
    const rows: Array<{ stream_id: string; count: number }> = await dataSource.query('SELECT stream_id, count FROM test_counts ORDER BY stream_id');
    return Object.fromEntries(rows.map((row) => [row.stream_id, row.count]));
  };
  const until = async (condition: () => boolean | Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 200 && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await condition()).toBe(true);
  };

  beforeEach(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
    await dataSource.query('CREATE TABLE test_counts (stream_id text PRIMARY KEY, count integer NOT NULL)');
    await dataSource.query('CREATE TABLE test_rows (position bigint PRIMARY KEY, stream_id text NOT NULL)');
    await dataSource.query('CREATE INDEX test_rows_stream ON test_rows (stream_id)');
    await dataSource.query('CREATE UNIQUE INDEX test_rows_unique ON test_rows (stream_id, position)');
    store = new PostgresEventStore(database.pool, { pollIntervalMs: 50 });
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await store.close();
    await dataSource.destroy();
    await database.drop();
  });

  it('catches up, follows new events and keeps its checkpoint with its rows', async () => {
    await store.append('a', [testEvent(), testEvent()], 'no_stream');
    await store.append('b', [testEvent()], 'no_stream');
    const counting = runner(new CountingProjection());
    counting.start();
    await store.append('a', [testEvent(), testEvent()], 1);
    await until(async () => (await counts()).a === 4);
    expect(await counts()).toEqual({ a: 4, b: 1 });
    expect(counting.status()).toEqual({ name: 'counting', version: 1, state: 'active', position: 5n });
    const checkpoint = await dataSource.query(`SELECT position FROM projection_checkpoints WHERE name = 'counting'`);
    expect(checkpoint).toEqual([{ position: '5' }]);
  });

  it('with eventTypes, applies only those and still follows the whole log with its checkpoint', async () => {
    await store.append('a', [testEvent('Counted'), testEvent('Other'), testEvent('Counted')], 'no_stream');
    await store.append('b', [testEvent('Other'), testEvent('Other'), testEvent('Other'), testEvent('Other')], 'no_stream');
    const projection = new CountingProjection(1, ['Counted']);
    const counting = runner(projection);
    counting.start();
    await until(() => counting.status().position === 7n);
    expect(await counts()).toEqual({ a: 2 });
    await store.append('b', [testEvent('Other')], 3);
    await until(() => counting.status().position === 8n);
    await store.append('b', [testEvent('Counted')], 4);
    await until(async () => (await counts()).b === 1);
    expect(projection.applied).toBe(3);
    expect(await dataSource.query(`SELECT position FROM projection_checkpoints WHERE name = 'counting'`)).toEqual([{ position: '9' }]);
    // A job that waits for the projection to reach the head is not kept waiting by events it does not read.
    await store.append('b', [testEvent('Other')], 5);
    await waitForProjection(dataSource, store, 'counting', 5000);
  });

  it('with eventTypes, rebuilds from 0 when asked, also when the newest events are of other types', async () => {
    await store.append('a', [testEvent('Counted'), testEvent('Counted'), testEvent('Other')], 'no_stream');
    const projection = new CountingProjection(1, ['Counted']);
    const counting = runner(projection);
    counting.start();
    await until(() => counting.status().position === 3n);
    await dataSource.query(`UPDATE projection_checkpoints SET rebuild_requested = true WHERE name = 'counting'`);
    await store.append('a', [testEvent('Other')], 2);
    await until(() => projection.applied === 4);
    await until(() => counting.status().position === 4n);
    expect(await counts()).toEqual({ a: 2 });
    expect(await dataSource.query(`SELECT position, rebuild_requested FROM projection_checkpoints`)).toEqual([{ position: '4', rebuild_requested: false }]);
  });

  it('applies each event exactly once across a restart', async () => {
    await store.append('a', [testEvent(), testEvent(), testEvent(), testEvent()], 'no_stream');
    const first = runner(new CountingProjection());
    first.start();
    await until(async () => (await counts()).a === 4);
    await first.stop();
    await store.append('a', [testEvent()], 3);
    const second = new CountingProjection();
    runner(second).start();
    await until(async () => (await counts()).a === 5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await counts()).toEqual({ a: 5 });
    expect(second.applied).toBe(1);
  });

  it('stops at a failing event, reports it, and does not advance past it', async () => {
    await store.append('a', [testEvent(), testEvent()], 'no_stream');
    await store.append('p', [testEvent('Poison')], 'no_stream');
    await store.append('a', [testEvent()], 1);
    const counting = runner(new CountingProjection());
    counting.start();
    // Looks at every turn of the event loop: whoever sees the state 'failed' must find the failure recorded.
    const deadline = Date.now() + 5000;
    while (counting.status().state !== 'failed' && Date.now() < deadline) await new Promise(setImmediate);
    const checkpoint = await dataSource.query(`SELECT position, failed_at_position, failure FROM projection_checkpoints WHERE name = 'counting'`);
    expect(checkpoint).toEqual([{ position: '2', failed_at_position: '3', failure: 'cannot handle this event' }]);
    expect(counting.status()).toEqual({ name: 'counting', version: 1, state: 'failed', position: 2n, failedAtPosition: 3n });
    expect(await counts()).toEqual({ a: 2 });
  });

  it('rebuilds from position 0 when its version changes', async () => {
    await store.append('a', [testEvent(), testEvent()], 'no_stream');
    const v1 = runner(new CountingProjection(1));
    v1.start();
    await until(async () => (await counts()).a === 2);
    await v1.stop();
    await dataSource.query(`UPDATE test_counts SET count = 99`); // what an old version might have left
    const v2 = new CountingProjection(2);
    runner(v2).start();
    await until(() => v2.applied === 2);
    expect(await counts()).toEqual({ a: 2 });
  });

  it('rebuilds when asked through its checkpoint (the CLI), also while idle', async () => {
    await store.append('a', [testEvent(), testEvent()], 'no_stream');
    const projection = new CountingProjection();
    runner(projection).start();
    await until(async () => (await counts()).a === 2);
    await dataSource.query(`UPDATE projection_checkpoints SET rebuild_requested = true WHERE name = 'counting'`);
    await until(() => projection.applied === 4);
    expect(await counts()).toEqual({ a: 2 });
    expect(await dataSource.query(`SELECT rebuild_requested FROM projection_checkpoints`)).toEqual([{ rebuild_requested: false }]);
  });

  describe('a read model that names its tables', () => {
    const indexes = async () => dataSource.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'test_rows' ORDER BY indexname`);
    const deferred = async () => dataSource.query('SELECT projection, item FROM projection_deferred_upkeep ORDER BY item');
    const settings = async () => (await dataSource.query(`SELECT reloptions FROM pg_class WHERE relname = 'test_rows'`))[0].reloptions;
    const ALL = ['test_rows_pkey', 'test_rows_stream', 'test_rows_unique'];
    const UNIQUE = ['test_rows_pkey', 'test_rows_unique'];

    it('applies the log from position 0 without its secondary indexes or autovacuum and puts both back once caught up, at its first start and at a rebuild', async () => {
      const built = await indexes();
      for (const stream of ['a', 'b', 'c']) await store.append(stream, [testEvent(), testEvent(), testEvent()], 'no_stream');
      const first = new IndexedProjection(1);
      const v1 = runner(first);
      v1.start();
      await until(async () => v1.status().position === 9n && (await deferred()).length === 0);
      expect(first.seen).toEqual([UNIQUE, UNIQUE, UNIQUE]); // batches of three
      expect(first.autovacuum).toEqual([false, false, false]);
      expect(await indexes()).toEqual(built);
      expect(await settings()).toBeNull();
      // Once caught up, it keeps them up to date as any read model.
      await store.append('d', [testEvent()], 'no_stream');
      await until(() => v1.status().position === 10n);
      expect(first.seen.at(-1)).toEqual(ALL);
      expect(first.autovacuum.at(-1)).toBe(true);
      await v1.stop();

      const second = new IndexedProjection(2);
      const v2 = runner(second);
      v2.start();
      await until(async () => v2.status().position === 10n && (await deferred()).length === 0);
      expect(second.seen.slice(0, 4)).toEqual([UNIQUE, UNIQUE, UNIQUE, UNIQUE]);
      expect(second.autovacuum.slice(0, 4)).toEqual([false, false, false, false]);
      expect(await indexes()).toEqual(built);
      expect(await settings()).toBeNull();
      expect(await dataSource.query('SELECT count(*)::int AS n FROM test_rows')).toEqual([{ n: 10 }]);
    });

    it('puts them back after a restart that interrupted the rebuild', async () => {
      const built = await indexes();
      await store.append('a', [testEvent(), testEvent(), testEvent(), testEvent(), testEvent(), testEvent()], 'no_stream');
      const first = runner(new IndexedProjection(1));
      first.start();
      await until(async () => first.status().position === 6n && (await deferred()).length === 0);
      await first.stop();
      // As a runner stopped half-way through a rebuild leaves it: indexes dropped, autovacuum paused, the checkpoint part-way.
      await dataSource.transaction(async (tx) => {
        await deferUpkeep(tx, 'indexed', ['test_rows']);
        await tx.query(`DELETE FROM test_rows WHERE position > 3`);
        await tx.query(`UPDATE projection_checkpoints SET position = 3 WHERE name = 'indexed'`);
      });
      expect(await deferred()).toEqual([
        { projection: 'indexed', item: 'autovacuum of test_rows' },
        { projection: 'indexed', item: 'test_rows_stream' },
      ]);
      const resumed = new IndexedProjection(1);
      const second = runner(resumed);
      second.start();
      await until(async () => second.status().position === 6n && (await deferred()).length === 0);
      expect(resumed.seen).toEqual([UNIQUE]);
      expect(resumed.autovacuum).toEqual([false]);
      expect(await indexes()).toEqual(built);
      expect(await settings()).toBeNull();
    });
  });

  it('runs one active runner per projection; a standby takes over when it stops', async () => {
    await store.append('a', [testEvent()], 'no_stream');
    const [one, two] = [new CountingProjection(), new CountingProjection()];
    const first = runner(one);
    const second = runner(two);
    first.start();
    await until(() => first.status().state === 'active');
    second.start();
    await until(() => second.status().state === 'standby');
    await until(async () => (await counts()).a === 1);
    await first.stop();
    await store.append('a', [testEvent()], 0);
    await until(async () => (await counts()).a === 2);
    expect(second.status().state).toBe('active');
    expect([one.applied, two.applied]).toEqual([1, 1]);
  });
});
