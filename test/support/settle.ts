import type { EventStore } from '../../src/event-store/event-store.port';
import type { TestApp } from './test-app';

/**
 * Waits until every projection has applied the whole log and the log has stopped growing: the
 * reactors and the contact-list sender, which append in answer to what they read, are idle.
 */
export async function quiet(service: TestApp, store: EventStore, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let head = -1n; ; ) {
    const now = await store.headPosition();
    if (now === head) return;
    head = now;
    for (;;) {
      const { rows } = await service.database.pool.query<{ position: string }>('SELECT position::text FROM projection_checkpoints');
      if (rows.every((row) => BigInt(row.position) >= head)) break;
      if (Date.now() > deadline) throw new Error(`the projections did not catch up with position ${head}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
