import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { parentPort, workerData } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { loggerFor } from '../../src/operations/json-logger';
import { createPool, openEventStore } from '../../src/infrastructure.module';
import { THREADED_READ_MODELS } from '../threaded-read-models';
import type { ProjectionThreadData, ThreadMessage } from './projection-thread';
import { ProjectionRunner } from './projection-runner';

/*
 * A worker thread that applies one read model (projection-thread.ts starts it): its own
 * connections to the database and the event store, its own ProjectionRunner, and the runner's
 * status posted to the main thread. It needs no keys: read models store personal data sealed.
 */

/** How often the runner's status goes to the main thread. */
const STATUS_INTERVAL_MS = 100;

async function run(data: ProjectionThreadData): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('projection-thread.worker must run in a worker thread');
  const format = loggerFor(data.config);
  if (format) Logger.overrideLogger(format);
  // A runner holds a transaction, a progress update and its rebuild watch at a time; the store a read and its listener.
  const pool = createPool(data.connectionString, { max: 4 });
  const store = await openEventStore(data.config, pool, data.connectionString);
  const dataSource = await new DataSource({ type: 'postgres', url: data.connectionString, poolSize: 4, synchronize: false, migrationsRun: false }).initialize();
  const runner = new ProjectionRunner(new THREADED_READ_MODELS[data.index](), store, dataSource, { connectionString: data.connectionString });
  const post = (message: ThreadMessage) => port.postMessage(message);
  const reporting = setInterval(() => post({ kind: 'status', status: runner.status() }), STATUS_INTERVAL_MS);
  port.on('message', (message: ThreadMessage) => {
    if (message.kind !== 'stop') return;
    void (async () => {
      await runner.stop();
      clearInterval(reporting);
      post({ kind: 'status', status: runner.status() });
      await store.close();
      await pool.end();
      await dataSource.destroy();
      port.close(); // nothing else keeps the thread alive: it ends
    })();
  });
  runner.start();
}

void run(workerData as ProjectionThreadData);
