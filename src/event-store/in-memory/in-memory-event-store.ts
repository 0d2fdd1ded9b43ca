import type { NewEvent, RecordedEvent } from '../../../contracts/events/event-envelope';
import {
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type SubscribeOptions,
  type Subscription,
  WrongExpectedRevisionError,
  matchesFilter,
  meetsExpectation,
} from '../event-store.port';
import { AppendSignal, pollingSubscription } from '../polling-subscription';

/** A started append that becomes visible only when committed, like a database transaction. */
export interface PendingAppend {
  readonly result: AppendResult;
  commit(): void;
}

/**
 * The in-memory adapter, for fast handler tests. Appends are serialised the way the PostgreSQL
 * adapter serialises them (one at a time, positions in commit order), so it passes the same
 * contract suite, including the test that holds an append open.
 */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly appended = new AppendSignal();
  /** Tail of the chain of appends: each waits for the previous one to commit. */
  private appendLock: Promise<void> = Promise.resolve();

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const pending = await this.beginAppend(streamId, events, expected);
    pending.commit();
    return pending.result;
  }

  /** Takes the append lock and checks the expectation; the events appear on commit(). */
  async beginAppend(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<PendingAppend> {
    const previous = this.appendLock;
    let release: () => void = () => undefined;
    this.appendLock = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      const stream = this.streams.get(streamId) ?? [];
      const currentRevision = stream.length - 1;
      if (!meetsExpectation(expected, currentRevision)) {
        throw new WrongExpectedRevisionError(streamId, expected, currentRevision < 0 ? 'no_stream' : currentRevision);
      }
      const head = this.log.length === 0 ? 0n : this.log[this.log.length - 1].position;
      const now = new Date();
      const recorded = events.map(
        (event, index): RecordedEvent => ({
          ...structuredClone(event),
          streamId,
          revision: currentRevision + 1 + index,
          position: head + BigInt(index + 1),
          recordedAt: now,
        }),
      );
      const last = recorded[recorded.length - 1];
      return {
        result: { nextRevision: last?.revision ?? currentRevision, position: last?.position ?? head },
        commit: () => {
          this.log.push(...recorded);
          this.streams.set(streamId, [...stream, ...recorded]);
          release();
          this.appended.notify();
        },
      };
    } catch (error) {
      release();
      throw error;
    }
  }

  async readStream(streamId: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]> {
    const from = options?.fromRevision ?? 0;
    return (this.streams.get(streamId) ?? []).filter((event) => event.revision >= from).map((e) => structuredClone(e));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0n;
    const maxCount = options.maxCount ?? 1000;
    const batch: RecordedEvent[] = [];
    // Positions here are dense (1, 2, 3, ...), so the event after `after` sits at index `after`.
    for (let index = Number(after); index < this.log.length && batch.length < maxCount; index++) {
      const event = this.log[index];
      if (matchesFilter(event, options.filter)) batch.push(structuredClone(event));
    }
    return batch;
  }

  async headPosition(): Promise<bigint> {
    return this.log.length === 0 ? 0n : this.log[this.log.length - 1].position;
  }

  subscribe(options: SubscribeOptions): Subscription {
    return pollingSubscription(this, this.appended, options, 1000);
  }

  async close(): Promise<void> {
    return;
  }
}
