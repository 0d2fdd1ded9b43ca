import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { ReadAllOptions, SubscribeOptions, Subscription } from './event-store.port';

/**
 * A wake-up hint that new events may be in the log. It counts hints, so a reader that notes
 * the count before reading cannot miss a hint that arrives between its read and its wait.
 */
export class AppendSignal {
  private count = 0;
  private waiters: Array<() => void> = [];

  get current(): number {
    return this.count;
  }

  notify(): void {
    this.count++;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once a hint newer than `seen` arrived, or after timeoutMs at the latest. */
  wait(seen: number, timeoutMs: number): Promise<void> {
    if (this.count !== seen) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const waiters = this.waiters;
      function done(): void {
        clearTimeout(timer);
        const index = waiters.indexOf(done);
        if (index >= 0) waiters.splice(index, 1);
        resolve();
      }
      waiters.push(done);
    });
  }
}

/**
 * A catch-up subscription built from readAll: read batches until the log is exhausted, then wait
 * for a wake-up hint or the poll interval, and read again. Polling keeps it correct when a hint
 * is lost; the hint only makes it prompt.
 */
export function pollingSubscription(
  readAll: (options: ReadAllOptions) => Promise<RecordedEvent[]>,
  signal: AppendSignal,
  options: SubscribeOptions,
  pollIntervalMs: number,
): Subscription {
  let running = true;
  const stopHint = new AppendSignal();

  const loop = async (): Promise<void> => {
    let after = options.after;
    while (running) {
      const seen = signal.current;
      const batch = await readAll({ after, filter: options.filter, maxCount: options.batchSize ?? 1000 });
      if (!running) return;
      if (batch.length > 0) {
        await options.onBatch(batch);
        after = batch[batch.length - 1].position;
        continue;
      }
      await Promise.race([signal.wait(seen, pollIntervalMs), stopHint.wait(0, pollIntervalMs)]);
    }
  };
  const stopped = loop();
  stopped.catch(() => undefined); // the owner observes failures through `stopped`
  return {
    stopped,
    async stop() {
      running = false;
      stopHint.notify();
      await stopped.catch(() => undefined);
    },
  };
}
