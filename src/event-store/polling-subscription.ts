import type { EventStore, SubscribeOptions, Subscription } from './event-store.port';

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
 *
 * A filtered subscription with onProgress reads the head before each read: when the read then
 * finds fewer events than it asked for, it has seen every event up to that head (positions
 * become visible in order, see the adapters), so the subscriber is told it got that far, and the
 * next read starts there instead of scanning the left-out events again.
 */
export function pollingSubscription(
  log: Pick<EventStore, 'readAll' | 'headPosition'>,
  signal: AppendSignal,
  options: SubscribeOptions,
  pollIntervalMs: number,
): Subscription {
  let running = true;
  const stopHint = new AppendSignal();
  // Without a filter every event is handed over, which says how far the subscription got.
  const reportsProgress = options.filter !== undefined && options.onProgress !== undefined;
  const maxCount = options.batchSize ?? 1000;

  const loop = async (): Promise<void> => {
    let after = options.after;
    while (running) {
      const seen = signal.current;
      const head = reportsProgress ? await log.headPosition() : 0n;
      const batch = await log.readAll({ after, filter: options.filter, maxCount });
      if (!running) return;
      if (batch.length > 0) {
        await options.onBatch(batch);
        after = batch[batch.length - 1].position;
      }
      if (reportsProgress && batch.length < maxCount && head > after && running) {
        await options.onProgress?.(head);
        after = head;
      }
      if (batch.length > 0) continue;
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
