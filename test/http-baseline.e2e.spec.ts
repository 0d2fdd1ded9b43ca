import { DPO_KEY, startTestApp, type TestApp } from './support/test-app';

describe('HTTP baseline', () => {
  let service: TestApp;
  beforeAll(async () => {
    service = await startTestApp();
  });
  afterAll(() => service.close());

  it('reports readiness with the database and the projections; their positions only to staff', async () => {
    type Health = { info: { projections: { head?: string } } };
    const response = await fetch(`${service.url}/health`);
    const body = (await response.json()) as Health;
    expect(response.status).toBe(200);
    expect(body).toEqual(
      expect.objectContaining({
        status: 'ok',
        info: expect.objectContaining({ database: expect.objectContaining({ status: 'up' }), projections: expect.objectContaining({ status: 'up' }),
          contactListSender: { status: 'up', state: expect.stringMatching(/^(starting|standby|active)$/) },
        }),
      }),
    );
    // Whether the log grew after a public request would tell whether that request recorded anything.
    expect(body.info.projections.head).toBeUndefined();
    expect(JSON.stringify(body)).not.toMatch(/"(position|lag|head)"/);
    const staff = (await (await fetch(`${service.url}/health`, { headers: { authorization: `Bearer ${DPO_KEY}` } })).json()) as Health;
    // The one event at start is the undiagnosed group's registration (src/diagnoses/undiagnosed-group.ts).
    expect(staff.info.projections).toEqual(expect.objectContaining({ head: '1', projections: expect.arrayContaining([expect.objectContaining({ position: expect.any(String) })]) }));
  });

  it('answers liveness', async () => {
    const response = await fetch(`${service.url}/health/live`);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('serves the OpenAPI document and the Swagger UI', async () => {
    const document = (await (await fetch(`${service.url}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/health/live']));
    const ui = await fetch(`${service.url}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('answers an unknown route with problem+json 404', async () => {
    const response = await fetch(`${service.url}/no-such-route`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toEqual(expect.objectContaining({ type: '/problems/not-found', title: 'Not found', status: 404 }));
  });

  it('answers a malformed JSON body with problem+json 400, never a 500', async () => {
    const response = await fetch(`${service.url}/health`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": "Ærø' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = await response.json();
    expect(body).toEqual(expect.objectContaining({ status: 400, detail: 'The body is not valid JSON.' }));
    expect(JSON.stringify(body)).not.toContain('Ærø');
  });

  it('answers an oversized body with problem+json 413', async () => {
    const response = await fetch(`${service.url}/health`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'x'.repeat(200_000) }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
