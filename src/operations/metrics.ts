import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ProjectionsService } from '../../projections/projections.module';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';

/**
 * The service's Prometheus metrics (GET /metrics). Counts and positions only: no ids, no names,
 * no addresses, and HTTP requests by route pattern, never by URL.
 *
 * The projection and contact-list figures are read from PostgreSQL at each scrape, so every
 * instance reports the same, whichever instance runs the projection or the sender: aggregate
 * them with max(), not sum(). The HTTP histogram and the process metrics are per instance.
 */
@Injectable()
export class Metrics {
  private readonly registry = new Registry();
  private readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, and how long they took.',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly projectionLag = new Gauge({
    name: 'sjn_projection_lag_positions',
    help: "Log positions between the head of the event log and a projection's checkpoint (events with PostgreSQL, bytes of the log with EventStoreDB).",
    labelNames: ['projection'],
    registers: [this.registry],
  });
  private readonly dispatches = new Counter({
    name: 'sjn_contact_list_dispatches_total',
    help: 'Contact-list messages (lists, notices, corrections, deletion notices) recorded as dispatched, delivered or not.',
    registers: [this.registry],
  });
  private readonly failures = new Counter({
    name: 'sjn_contact_list_failures_total',
    help: 'Contact-list messages that could not be delivered after their last try.',
    registers: [this.registry],
  });
  private readonly mailQueue = new Gauge({
    name: 'sjn_mail_queue_depth',
    help: 'Contact-list messages not settled yet: planned, or dispatched and not yet delivered or failed.',
    registers: [this.registry],
  });

  constructor(
    private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionsService,
  ) {
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requestDuration.observe({ method, route, status: String(status) }, seconds);
  }

  /** The metrics in Prometheus's text format, with the figures read from the database now. */
  async render(): Promise<string> {
    const names = this.projections.statuses().map((status) => status.name);
    const [head, checkpoints, outbox] = await Promise.all([
      this.store.headPosition(),
      this.pool.query<{ name: string; position: string }>('SELECT name, position::text FROM projection_checkpoints WHERE name = ANY($1)', [names]),
      // Rows leave the outbox only as planned versions that were never dispatched, so the first two only grow.
      this.pool.query<{ dispatched: number; failed: number; unsettled: number }>(
        `SELECT count(*) FILTER (WHERE state IN ('dispatched', 'delivered', 'failed'))::int AS dispatched,
                count(*) FILTER (WHERE state = 'failed')::int AS failed,
                count(*) FILTER (WHERE state IN ('planned', 'dispatched'))::int AS unsettled
         FROM contact_list_outbox`,
      ),
    ]);
    const positions = new Map(checkpoints.rows.map((row) => [row.name, BigInt(row.position)]));
    for (const projection of names) this.projectionLag.set({ projection }, Number(head - (positions.get(projection) ?? 0n)));
    const { dispatched, failed, unsettled } = outbox.rows[0];
    this.dispatches.reset();
    this.dispatches.inc(dispatched);
    this.failures.reset();
    this.failures.inc(failed);
    this.mailQueue.set(unsettled);
    return this.registry.metrics();
  }
}
