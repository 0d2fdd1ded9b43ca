import { DataSource } from 'typeorm';
import { PROJECTIONS, type Projection } from '../../projections/runner/projection';
import { ProjectionsService } from '../../projections/projections.module';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port';
import { snapshotTables, tableDifferences } from './database-state';
import { quiet } from './settle';
import type { TestApp } from './test-app';

/**
 * Proves that the projections' eventTypes leave out nothing they act on: once the service is
 * quiet its runners are stopped, and every projection that declares eventTypes replays the whole
 * log, handed every event. The database must then be exactly what the runners (which read only
 * those types) had built. Ends the service's projections: call it last. Returns, per projection
 * replayed, how many events of the log its filter leaves out.
 */
export async function replayWithoutEventTypeFilters(service: TestApp): Promise<Map<string, number>> {
  const store = service.app.get<EventStore>(EVENT_STORE);
  await quiet(service, store);
  await service.app.get(ProjectionsService).onModuleDestroy();
  const built = await snapshotTables(service.database.pool);

  const filtered = service.app.get<Projection[]>(PROJECTIONS).filter((projection) => projection.eventTypes !== undefined);
  const leftOut = new Map<string, number>();
  // One transaction each, as the runner has it: a reactor's effects outside its transaction must not wait for another's.
  for (const projection of filtered) {
    const types = new Set(projection.eventTypes);
    let count = 0;
    await service.app.get(DataSource).transaction(async (tx) => {
      await projection.reset(tx);
      for (let after = 0n; ; ) {
        const batch = await store.readAll({ after, maxCount: 500 });
        if (batch.length === 0) break;
        await projection.apply(batch, tx);
        count += batch.filter((event) => !types.has(event.type)).length;
        after = batch[batch.length - 1].position;
      }
    });
    leftOut.set(projection.name, count);
  }

  expect(tableDifferences(built, await snapshotTables(service.database.pool))).toEqual({});
  return leftOut;
}
