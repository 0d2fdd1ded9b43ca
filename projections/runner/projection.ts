import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../contracts/events/event-envelope';

/**
 * A read model or reactor fed from the log. The runner calls apply() inside the same
 * PostgreSQL transaction that advances the checkpoint, so each event takes effect exactly once.
 * It sees every event (and ignores those it does not need), so its checkpoint always says how
 * far into the log it is, and its lag is simply head minus checkpoint.
 */
export interface Projection {
  /** Stable name: the checkpoint row and the CLI use it. */
  readonly name: string;
  /** Bump it when the read model's shape or meaning changes: the projection rebuilds from 0. */
  readonly version: number;
  /** Applies a batch of events in log order, through `tx` only. Must be idempotent. */
  apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void>;
  /** Empties the read model before a rebuild, through `tx` only. */
  reset(tx: EntityManager): Promise<void>;
}

/** Injection token for the list of every projection the runner drives. */
export const PROJECTIONS = Symbol('Projections');
