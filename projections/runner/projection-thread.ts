import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AppConfig } from '../../src/config/app-config';
import type { ProjectionStatus } from './projection-runner';

/** What a projection thread is started with (structured-cloned into it). */
export interface ProjectionThreadData {
  /** Index into THREADED_READ_MODELS. */
  index: number;
  connectionString: string;
  config: Pick<AppConfig, 'EVENT_STORE' | 'EVENTSTORE_CONNECTION_STRING' | 'LOG_FORMAT'>;
}

/** Between the main thread and a projection thread: its runner's status one way, the order to stop the other. */
export type ThreadMessage = { kind: 'status'; status: ProjectionStatus } | { kind: 'stop' };

export interface ProjectionThreadOptions {
  /** The worker's script; by default the compiled projection-thread.worker.js beside this file. */
  script?: string;
  /** How long to wait before starting a thread again that ended on its own. */
  restartDelayMs?: number;
}

/**
 * Applies one read model in a worker thread of its own (projection-thread.worker.ts), so that a
 * heavy read model's work runs beside the main thread's instead of taking turns with it. Seen from
 * the main thread it is a ProjectionRunner: start, stop, status. A thread that ends on its own
 * (it should not) is started again: its runner takes up from its checkpoint like any other.
 */
export class ProjectionThread {
  private readonly logger: Logger;
  private latest: ProjectionStatus;
  private worker?: Worker;
  private ended?: Promise<void>;
  private running = false;
  private restartTimer?: NodeJS.Timeout;

  constructor(
    name: string,
    version: number,
    private readonly data: ProjectionThreadData,
    private readonly options: ProjectionThreadOptions = {},
  ) {
    this.logger = new Logger(`Projection ${name}`);
    this.latest = { name, version, state: 'starting', position: 0n };
  }

  status(): ProjectionStatus {
    return this.latest;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.spawn();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.restartTimer);
    this.worker?.postMessage({ kind: 'stop' } satisfies ThreadMessage);
    await this.ended;
    if (this.latest.state !== 'failed') this.latest = { ...this.latest, state: 'stopped' };
  }

  private spawn(): void {
    const worker = new Worker(this.options.script ?? join(__dirname, 'projection-thread.worker.js'), { workerData: this.data });
    this.worker = worker;
    this.logger.log('applied in a worker thread');
    worker.on('message', (message: ThreadMessage) => {
      if (message.kind === 'status') this.latest = message.status;
    });
    // Only the error's class and code: a message may quote a value.
    worker.on('error', (error: Error & { code?: unknown }) => this.logger.error(`thread failed: ${error.name}${error.code ? ` (${String(error.code)})` : ''}`));
    this.ended = new Promise((resolve) =>
      worker.once('exit', () => {
        this.worker = undefined;
        resolve();
        if (!this.running) return;
        this.logger.warn('thread ended; starting it again');
        this.latest = { ...this.latest, state: 'standby' };
        this.restartTimer = setTimeout(() => this.spawn(), this.options.restartDelayMs ?? 2000);
      }),
    );
  }
}
