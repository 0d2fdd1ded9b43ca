import { startAnotherInstance, startTestApp, type TestApp } from './support/test-app';

/** Two instances of the service on one PostgreSQL, as behind the reverse proxy of infra/compose.*.yml. */
describe('several instances on one database', () => {
  let first: TestApp;
  let second: TestApp;
  // The proxy connects from loopback; the client is the one X-Forwarded-For names.
  const env = { SIGN_IN_LIMIT_PER_CLIENT: '3', SIGN_IN_LIMIT_WINDOW_SECONDS: '3600', TRUST_PROXY: 'loopback' };

  beforeAll(async () => {
    first = await startTestApp(env);
    second = await startAnotherInstance(first, env);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const exchange = (instance: TestApp, token: string, client = '198.51.100.1') =>
    fetch(`${instance.url}/me/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      body: JSON.stringify({ token }),
    });

  it('share the sign-in rate limit: the client gets three tries in all, not three per instance', async () => {
    const statuses = [];
    for (const [attempt, instance] of [first, second, first, second, first].entries()) {
      const answer = await exchange(instance, `guess-${attempt}`);
      statuses.push(answer.status);
      if (answer.status === 429) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(3500);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // Another client behind the same proxy has tries of its own.
    expect((await exchange(second, 'guess-other', '198.51.100.2')).status).toBe(401);
  });

  it('run each projection and the contact-list sender on exactly one of them', async () => {
    type Health = { details: { projections: { projections: Array<{ name: string; state: string }> }; contactListSender: { state: string } } };
    const health = async (instance: TestApp): Promise<Health> => (await fetch(`${instance.url}/health`)).json() as Promise<Health>;
    let states: Array<Record<string, string>> = [];
    for (let attempt = 0; attempt < 100; attempt++) {
      states = (await Promise.all([first, second].map(health))).map(({ details }) => ({
        ...Object.fromEntries(details.projections.projections.map((projection) => [projection.name, projection.state])),
        contactListSender: details.contactListSender.state,
      }));
      if (Object.keys(states[0]).every((name) => [states[0][name], states[1][name]].sort().join() === 'active,standby')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const name of Object.keys(states[0])) expect({ name, states: [states[0][name], states[1][name]].sort() }).toEqual({ name, states: ['active', 'standby'] });
  });
});
