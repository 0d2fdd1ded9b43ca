import { randomUUID } from 'node:crypto';
import { SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

const METRICS_TOKEN = 'metrics-token-for-tests-0001';

describe('GET /metrics', () => {
  let service: TestApp;

  beforeAll(async () => {
    service = await startTestApp({ METRICS_TOKEN });
  });
  afterAll(() => service.close());

  const scrape = async (authorization?: string): Promise<{ status: number; type: string | null; text: string }> => {
    const response = await fetch(`${service.url}/metrics`, { headers: authorization ? { authorization } : {} });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  /** The value of one sample, e.g. value(text, 'sjn_mail_queue_depth'). */
  const value = (text: string, sample: string): number | undefined => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
    return line === undefined ? undefined : Number(line.slice(sample.length + 1));
  };

  it('answers only the metrics token, not a staff key', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape(`Bearer ${SECRETARIAT_KEY}`)).status).toBe(401);
    const { status, type } = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect({ status, type }).toEqual({ status: 200, type: expect.stringContaining('text/plain') });
  });

  it('shows the lag of every projection', async () => {
    const health = (await (await fetch(`${service.url}/health`)).json()) as { details: { projections: { projections: Array<{ name: string }> } } };
    const names = health.details.projections.projections.map((projection) => projection.name);
    const { text } = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect({ name, lag: value(text, `sjn_projection_lag_positions{projection="${name}"}`) }).toEqual({ name, lag: expect.any(Number) });
  });

  it('counts contact-list dispatches, failures and the messages not settled yet, from the outbox', async () => {
    for (const state of ['planned', 'dispatched', 'dispatched', 'delivered', 'failed', 'skipped']) {
      await service.database.pool.query(
        `INSERT INTO contact_list_outbox (dispatch_id, idempotency_key, kind, recipient_id, state, language, render)
         VALUES ($1::uuid, $1::text, 'deletion', $2, $3, 'da', '{}')`,
        [randomUUID(), randomUUID(), state],
      );
    }
    const { text } = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect({
      dispatches: value(text, 'sjn_contact_list_dispatches_total'),
      failures: value(text, 'sjn_contact_list_failures_total'),
      queue: value(text, 'sjn_mail_queue_depth'),
    }).toEqual({ dispatches: 4, failures: 1, queue: 3 });
  });

  it('records HTTP latency by route pattern and status, never by URL', async () => {
    await fetch(`${service.url}/diagnoses`);
    await fetch(`${service.url}/groups/${randomUUID()}/roster`, { headers: { authorization: `Bearer ${SECRETARIAT_KEY}` } });
    const { text } = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(value(text, 'http_request_duration_seconds_count{method="GET",route="/diagnoses",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/groups\/:diagnosisId\/roster",status="\d{3}"\} 1$/m);
    expect(text).not.toMatch(/\/groups\/[0-9a-f]{8}-/);
  });
});
