import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { memberStream } from '../../contracts/events/membership.events';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store';
import { admittedTo, joinedWith } from '../../test/support/membership-facts';
import { appendAt, ReferenceSender } from '../../test/support/reference-sender';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { DisclosureLogProjector } from '../disclosure-log/disclosure-log.projector';
import { THREADED_READ_MODELS } from '../threaded-read-models';
import { ProjectionThread, type ProjectionThreadData } from './projection-thread';

/** The worker as the service runs it: compiled by `nest build` (npm test builds first). */
const WORKER = join(__dirname, '..', '..', 'dist', 'projections', 'runner', 'projection-thread.worker.js');

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a read model in a worker thread', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let pool: Pool;
  let store: PostgresEventStore;
  let dispatches: number;
  const threadData = (): ProjectionThreadData => ({
    index: THREADED_READ_MODELS.indexOf(DisclosureLogProjector),
    connectionString: database.connectionString,
    config: { EVENT_STORE: 'postgres', EVENTSTORE_CONNECTION_STRING: undefined, LOG_FORMAT: 'pretty' },
  });
  const disclosureTables = async (): Promise<unknown[]> => [
    await dataSource.query('SELECT * FROM disclosure_log ORDER BY seq'),
    await dataSource.query('SELECT * FROM disclosure_list_versions ORDER BY diagnosis_id, version'),
    await dataSource.query('SELECT * FROM disclosure_list_entries ORDER BY diagnosis_id, version, ordinal'),
    await dataSource.query('SELECT * FROM disclosure_deliveries ORDER BY position'),
  ];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
    pool = new Pool({ connectionString: database.connectionString });
    store = new PostgresEventStore(pool);
    const group = randomUUID();
    for (const member of [randomUUID(), randomUUID(), randomUUID()]) await appendAt(store, memberStream(member), [joinedWith(member, group), admittedTo(member, group)]);
    dispatches = (await new ReferenceSender(store).run(group)).dispatches.length;
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await dataSource.destroy();
    await database.drop();
  });

  it('applies the log there as the main thread would, reports its status, and stops when told', async () => {
    const head = await store.headPosition();
    const thread = new ProjectionThread('disclosure-log', 1, threadData(), { script: WORKER });
    expect(thread.status()).toEqual({ name: 'disclosure-log', version: 1, state: 'starting', position: 0n });
    thread.start();
    await until(() => thread.status().state === 'active' && thread.status().position >= head, 'the thread to catch up');
    await thread.stop();
    expect(thread.status()).toEqual(expect.objectContaining({ name: 'disclosure-log', state: 'stopped', position: head }));
    const [checkpoint]: Array<{ position: string }> = await dataSource.query(`SELECT position FROM projection_checkpoints WHERE name = 'disclosure-log'`);
    expect(BigInt(checkpoint.position)).toBe(head);

    const fromThread = await disclosureTables();
    expect(fromThread[0]).toHaveLength(dispatches); // a list to each of the three members
    expect(dispatches).toBe(3);
    const projector = new DisclosureLogProjector();
    await dataSource.transaction((tx) => projector.reset(tx));
    await dataSource.transaction(async (tx) => projector.apply(await store.readAll({ maxCount: 10_000 }), tx));
    expect(await disclosureTables()).toEqual(fromThread);
  });

  it('starts a thread again that ended on its own, until stopped', async () => {
    const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      // A worker that reports itself active and ends at once stands in for a thread that died.
      const script = join(__dirname, '..', '..', 'test', 'fixtures', 'thread-that-ends.mjs');
      const thread = new ProjectionThread('disclosure-log', 1, threadData(), { script, restartDelayMs: 200 });
      thread.start();
      await until(() => warnings.mock.calls.length >= 2, 'the thread to end twice');
      expect(warnings).toHaveBeenCalledWith('thread ended; starting it again');
      expect(thread.status().state).toBe('standby');
      // Stopped while a restart is due: none comes (a thread started now would report itself active).
      await thread.stop();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(thread.status().state).toBe('stopped');
      expect(warnings).toHaveBeenCalledTimes(2);
    } finally {
      warnings.mockRestore();
    }
  });
});
