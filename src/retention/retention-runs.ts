import { Inject, Injectable } from '@nestjs/common';
import { RETENTION_RUNS_STREAM, type RetentionRunCompleted } from '../../contracts/events/retention.events';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import type { RetentionRun } from './retention-engine';

/** The recorded runs, read straight from their stream: one small event a night needs no read model. */
@Injectable()
export class RetentionRuns {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Every run, newest first. */
  async list(): Promise<RetentionRun[]> {
    const events = await this.store.readStream(RETENTION_RUNS_STREAM);
    return events.map((event) => (event as unknown as RetentionRunCompleted).data).reverse();
  }
}
