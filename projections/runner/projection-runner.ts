import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { EventStore, Subscription } from '../../src/event-store/event-store.port';
import { deferUpkeep, hasDeferredUpkeep, restoreUpkeep } from './deferred-upkeep';
import { type Projection, RetryLater } from './projection';

export type ProjectionState = 'starting' | 'standby' | 'active' | 'failed' | 'stopped';

export interface ProjectionStatus {
  name: string;
  version: number;
  state: ProjectionState;
  /** Last position applied (as last read from this instance's point of view). */
  position: bigint;
  failedAtPosition?: bigint;
}

export interface ProjectionRunnerOptions {
  connectionString: string;
  batchSize?: number;
  /** How often a standby instance tries to take over. */
  standbyRetryMs?: number;
}

interface CheckpointRow {
  version: number;
  position: string;
  rebuild_requested: boolean;
}

/**
 * Events read and applied per transaction at most. Large, because catching up with a long log (a
 * rebuild) pays per transaction: 5000 made the rebuild about a fifth faster than 500 or 2000
 * (docs/PERFORMANCE.md). Following the log, a batch holds only what has arrived.
 */
const BATCH_SIZE = 5000;

/** The projection's checkpoint asked for a rebuild while it was running. */
class RebuildRequested extends Error {}

/** The projection's own code failed on an event: the projection stops there. */
class ProjectionHandlerError extends Error {
  override readonly name = 'ProjectionHandlerError';
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Drives one projection: at most one active runner per projection across all instances
 * (a session-level advisory lock on a dedicated connection), catching up from its checkpoint
 * and then following the log. A failing event stops the projection at that event.
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private state: ProjectionState = 'starting';
  private position = 0n;
  private failedAtPosition?: bigint;
  private lockClient?: Client;
  private subscription?: Subscription;
  private running = false;
  private loop?: Promise<void>;
  private wakeStandby?: () => void;
  /** The log's head when the runner started, while the read model's deferred upkeep waits for it to get there. */
  private catchUpHead?: bigint;

  constructor(
    private readonly projection: Projection,
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly options: ProjectionRunnerOptions,
  ) {
    this.logger = new Logger(`Projection ${projection.name}`);
  }

  status(): ProjectionStatus {
    return {
      name: this.projection.name,
      version: this.projection.version,
      state: this.state,
      position: this.position,
      ...(this.failedAtPosition !== undefined ? { failedAtPosition: this.failedAtPosition } : {}),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeStandby?.();
    await this.subscription?.stop();
    await this.loop;
    await this.releaseLock();
    if (this.state !== 'failed') this.state = 'stopped';
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!(await this.takeLock())) {
          this.state = 'standby';
          await this.sleep(this.options.standbyRetryMs ?? 2000);
          continue;
        }
        await this.prepareCheckpoint();
        this.catchUpHead = (await hasDeferredUpkeep(this.dataSource, this.projection.name)) ? await this.store.headPosition() : undefined;
        await this.restoreUpkeepOnceCaughtUp();
        if (!this.running) break; // stop() came while starting up
        this.state = 'active';
        const { eventTypes } = this.projection;
        const subscription = this.store.subscribe({
          after: this.position,
          batchSize: this.options.batchSize ?? BATCH_SIZE,
          ...(eventTypes ? { filter: { eventTypes } } : {}),
          onBatch: (events) => this.applyBatch(events),
          onProgress: (position) => this.advanceTo(position),
        });
        this.subscription = subscription;
        // A rebuild asked for by the CLI must also start while no new events arrive.
        const watch = setInterval(() => {
          this.rebuildRequested().then(
            (requested) => (requested ? subscription.stop() : undefined),
            () => undefined,
          );
        }, this.options.standbyRetryMs ?? 2000);
        try {
          await subscription.stopped;
        } finally {
          clearInterval(watch);
        }
      } catch (error) {
        if (error instanceof RebuildRequested) continue;
        if (error instanceof ProjectionHandlerError && !(error.cause instanceof RetryLater)) {
          await this.fail(error.cause);
          return;
        }
        // The database or the event store is unreachable, or the projection said to retry later: let go of the lock and try again.
        const kind = error instanceof ProjectionHandlerError ? error.cause : error;
        this.logger.warn(`paused: ${kind instanceof Error ? kind.name : typeof kind}; retrying`);
        await this.releaseLock();
        this.state = 'standby';
        await this.sleep(this.options.standbyRetryMs ?? 2000);
      }
    }
  }

  private async rebuildRequested(): Promise<boolean> {
    const rows: Array<{ rebuild_requested: boolean }> = await this.dataSource.query(
      'SELECT rebuild_requested FROM projection_checkpoints WHERE name = $1',
      [this.projection.name],
    );
    return rows[0]?.rebuild_requested ?? false;
  }

  /** Applies a batch; if it fails, applies its events one by one to stop at the failing one. */
  private async applyBatch(events: RecordedEvent[]): Promise<void> {
    try {
      await this.applyInTransaction(events);
    } catch (error) {
      if (events.length === 1 || !(error instanceof ProjectionHandlerError) || error.cause instanceof RetryLater) throw error;
      for (const event of events) await this.applyInTransaction([event]);
    }
  }

  private async applyInTransaction(events: readonly RecordedEvent[]): Promise<void> {
    let last = this.position;
    try {
      await this.dataSource.transaction(async (tx) => {
        const checkpoint = await this.lockCheckpoint(tx);
        if (checkpoint.rebuild_requested) throw new RebuildRequested();
        const applied = BigInt(checkpoint.position);
        const fresh = events.filter((event) => event.position > applied);
        if (fresh.length === 0) return;
        await this.projection.apply(fresh, tx).catch((error: unknown) => {
          throw new ProjectionHandlerError(error);
        });
        last = fresh[fresh.length - 1].position;
        await tx.query('UPDATE projection_checkpoints SET position = $2, updated_at = now() WHERE name = $1', [this.projection.name, last.toString()]);
      });
    } catch (error) {
      if (error instanceof ProjectionHandlerError && !(error.cause instanceof RetryLater) && events.length === 1) this.failedAtPosition = events[0].position;
      throw error;
    }
    this.position = last;
    await this.restoreUpkeepOnceCaughtUp();
  }

  /** Moves the checkpoint past events the projection does not read (a rebuild asked for meanwhile resets it anyway). */
  private async advanceTo(position: bigint): Promise<void> {
    await this.dataSource.query(
      'UPDATE projection_checkpoints SET position = $2, updated_at = now() WHERE name = $1 AND position < $2',
      [this.projection.name, position.toString()],
    );
    if (position > this.position) this.position = position;
    await this.restoreUpkeepOnceCaughtUp();
  }

  /** Puts the read model's deferred upkeep back (indexes, autovacuum) once it has applied the log as far as it went when the runner started. */
  private async restoreUpkeepOnceCaughtUp(): Promise<void> {
    if (this.catchUpHead === undefined || this.position < this.catchUpHead) return;
    this.catchUpHead = undefined;
    await this.dataSource.transaction((tx) => restoreUpkeep(tx, this.projection.name));
  }

  /** Creates the checkpoint row, or resets the read model when its version changed or a rebuild was asked for. */
  private async prepareCheckpoint(): Promise<void> {
    const { name, version } = this.projection;
    await this.dataSource.transaction(async (tx) => {
      await tx.query('INSERT INTO projection_checkpoints (name, version) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, version]);
      const checkpoint = await this.lockCheckpoint(tx);
      if (checkpoint.version !== version || checkpoint.rebuild_requested) {
        const reason = checkpoint.rebuild_requested ? 'rebuild requested' : `version ${checkpoint.version} -> ${version}`;
        this.logger.log(`rebuilding from position 0 (${reason})`);
        await this.projection.reset(tx);
        await tx.query(
          `UPDATE projection_checkpoints SET version = $2, position = 0, rebuild_requested = false,
             failed_at_position = NULL, failure = NULL, updated_at = now() WHERE name = $1`,
          [name, version],
        );
        this.position = 0n;
      } else {
        this.position = BigInt(checkpoint.position);
      }
      // From position 0 the read model writes every row it will hold: its tables' upkeep waits until it has caught up.
      if (this.position === 0n && this.projection.tables) await deferUpkeep(tx, name, this.projection.tables);
    });
    this.failedAtPosition = undefined;
  }

  private async lockCheckpoint(tx: EntityManager): Promise<CheckpointRow> {
    const rows: CheckpointRow[] = await tx.query('SELECT version, position, rebuild_requested FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [
      this.projection.name,
    ]);
    return rows[0];
  }

  /**
   * Records the failure and stops. Only the error's class and code are logged: a database
   * error's message may quote a value. The full message stays in the checkpoint row.
   */
  private async fail(error: unknown): Promise<void> {
    const at = this.failedAtPosition ?? this.position + 1n;
    const kind = error instanceof Error ? error.name : typeof error;
    const code = (error as { code?: unknown })?.code;
    this.logger.error(`stopped at event position ${at}: ${kind}${code ? ` (${String(code)})` : ''}`);
    await this.dataSource
      .query('UPDATE projection_checkpoints SET failed_at_position = $2, failure = $3, updated_at = now() WHERE name = $1', [
        this.projection.name,
        at.toString(),
        error instanceof Error ? error.message : String(error),
      ])
      .catch(() => undefined);
    // Reported as failed only once the failure is recorded, so whoever sees the state can read why.
    this.failedAtPosition = at;
    this.state = 'failed';
    await this.releaseLock();
  }

  private async takeLock(): Promise<boolean> {
    if (this.lockClient) return true;
    const client = new Client({ connectionString: this.options.connectionString });
    client.on('error', () => undefined); // a broken lock connection surfaces on the next query
    await client.connect();
    const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`projection:${this.projection.name}`]);
    if (result.rows[0].locked) {
      this.lockClient = client;
      return true;
    }
    await client.end();
    return false;
  }

  private async releaseLock(): Promise<void> {
    const client = this.lockClient;
    this.lockClient = undefined;
    await client?.end().catch(() => undefined); // closing the session releases the lock
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeStandby = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
