import type { DataSource } from 'typeorm';
import type { EventStore } from '../../src/event-store/event-store.port';

/**
 * Waits until the projection `name` has applied the log up to its head as it is now, so that a
 * job deciding from its read model sees at least what had happened when the job began. Fails
 * when the projection stopped at a failing event, or has not caught up after `timeoutMs`.
 */
export async function waitForProjection(dataSource: DataSource, store: EventStore, name: string, timeoutMs: number): Promise<void> {
  const head = await store.headPosition();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row]: Array<{ position: string; failed_at_position: string | null }> = await dataSource.query(
      'SELECT position::text, failed_at_position::text FROM projection_checkpoints WHERE name = $1',
      [name],
    );
    if (row?.failed_at_position) throw new Error(`the ${name} projection stopped at event position ${row.failed_at_position}`);
    if (BigInt(row?.position ?? 0) >= head) return;
    if (Date.now() > deadline) throw new Error(`the ${name} projection did not catch up with the log`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
