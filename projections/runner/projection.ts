import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../contracts/events/event-envelope';

/**
 * A read model or reactor fed from the log. The runner calls apply() inside the same
 * PostgreSQL transaction that advances the checkpoint, so each event takes effect exactly once.
 * Its checkpoint always says how far into the log it is, also past events it does not read
 * (see eventTypes), so its lag is simply head minus checkpoint.
 */
export interface Projection {
  /** Stable name: the checkpoint row and the CLI use it. */
  readonly name: string;
  /** Bump it when the read model's shape or meaning changes: the projection rebuilds from 0. */
  readonly version: number;
  /**
   * The event types apply() acts on, when it ignores every other one: the runner then reads only
   * these from the log (its checkpoint still follows the whole log). Absent: every event.
   */
  readonly eventTypes?: readonly string[];
  /**
   * The read model's tables, when their upkeep should wait while it is applied from position 0:
   * their secondary indexes are built once it has caught up rather than row by row, and autovacuum
   * leaves them alone until then (projections/runner/deferred-upkeep.ts). For read models that
   * write many rows per event; absent: indexes and autovacuum keep up throughout.
   */
  readonly tables?: readonly string[];
  /** Applies a batch of events in log order, through `tx` only. Must be idempotent. */
  apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void>;
  /** Empties the read model before a rebuild, through `tx` only. */
  reset(tx: EntityManager): Promise<void>;
}

/**
 * What a projection throws when the failure lies outside it and passes (a mail server that does
 * not answer): the runner rolls the batch back, pauses and applies it again, instead of stopping
 * at the event as it does for a failure of the projection's own.
 */
export class RetryLater extends Error {
  override readonly name: string = 'RetryLater';
}

/** Injection token for the list of every projection the runner drives. */
export const PROJECTIONS = Symbol('Projections');
