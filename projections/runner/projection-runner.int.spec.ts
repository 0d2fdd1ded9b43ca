import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store';
import { testEvent } from '../../test/support/events';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { waitForProjection } from './catch-up';
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
    await until(() => counting.status().state === 'failed');
    expect(counting.status()).toEqual({ name: 'counting', version: 1, state: 'failed', position: 2n, failedAtPosition: 3n });
    expect(await counts()).toEqual({ a: 2 });
    const checkpoint = await dataSource.query(`SELECT position, failed_at_position, failure FROM projection_checkpoints WHERE name = 'counting'`);
    expect(checkpoint).toEqual([{ position: '2', failed_at_position: '3', failure: 'cannot handle this event' }]);
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
