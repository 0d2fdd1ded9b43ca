import { join } from 'node:path';
import { fileSink, Network } from './support/network';
import { SelfService } from './support/self-service';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

const PROBLEM = 'application/problem+json; charset=utf-8';

/** Joins members 1 and 3 of a fresh group, verified, and returns the helpers to sign them in. */
async function networkOf(service: TestApp): Promise<{ network: Network; me: SelfService }> {
  const messages = fileSink(() => join(service.dataDir, 'mail'));
  const network = new Network(service, messages);
  const me = new SelfService(service, network, messages);
  await network.openGroup();
  await network.join(1);
  await network.join(3);
  return { network, me };
}

describe('member sign-in: one-time links and sessions', () => {
  let service: TestApp;
  let network: Network;
  let me: SelfService;
  const [ANNA, CARL] = [1, 3];

  beforeAll(async () => {
    service = await startTestApp();
    ({ network, me } = await networkOf(service));
  });
  afterAll(() => service.close());

  const expectInvalidLink = (answer: { status: number; headers: Headers; body: unknown }) => {
    expect({ status: answer.status, type: answer.headers.get('content-type'), body: answer.body }).toEqual({
      status: 401,
      type: PROBLEM,
      body: { type: '/problems/invalid-sign-in-link', title: 'Unauthorized', status: 401, detail: expect.any(String) },
    });
  };
  const expectNoSession = (answer: { status: number; headers: Headers; body: { type?: string } }) => {
    expect({ status: answer.status, type: answer.headers.get('content-type'), problem: answer.body.type }).toEqual({ status: 401, type: PROBLEM, problem: '/problems/unauthorized' });
  };

  it('a link works once: used again it is refused with 401', async () => {
    const token = await me.linkToken(ANNA);
    expect((await me.exchange(token)).status).toBe(201);
    expectInvalidLink(await me.exchange(token));
  });

  it('refuses an expired link and an unknown one', async () => {
    const token = await me.linkToken(ANNA);
    await service.database.pool.query(`UPDATE member_sign_in_links SET expires_at = now() - interval '1 second' WHERE member_id = $1 AND used_at IS NULL`, [network.person(ANNA).memberId]);
    expectInvalidLink(await me.exchange(token));
    expectInvalidLink(await me.exchange('A'.repeat(43)));
    expect((await me.exchange('')).status).toBe(401);
  });

  it('refuses a forged, a missing and an expired session token on /me', async () => {
    expectNoSession(await me.request('GET', '/me', { bearer: 'A'.repeat(43) }));
    expectNoSession(await me.request('GET', '/me'));
    const session = await me.signIn(ANNA);
    expect((await me.request('GET', '/me', { bearer: session })).status).toBe(200);
    await service.database.pool.query(`UPDATE member_sessions SET expires_at = now() - interval '1 second' WHERE member_id = $1`, [network.person(ANNA).memberId]);
    expectNoSession(await me.request('GET', '/me', { bearer: session }));
    expectNoSession(await me.request('POST', '/me/withdraw-consent', { bearer: session }));
  });

  it('refuses staff keys on /me routes (403): the routes serve only the signed-in member', async () => {
    for (const key of [SECRETARIAT_KEY, DPO_KEY]) {
      for (const [method, path] of [['GET', '/me'], ['GET', '/me/disclosures'], ['GET', '/me/export'], ['POST', '/me/withdraw-consent']]) {
        const answer = await me.request(method, path, { bearer: key });
        expect({ path, status: answer.status, type: answer.headers.get('content-type') }).toEqual({ path, status: 403, type: PROBLEM });
      }
    }
  });

  it('serves each session its own member only: A’s token shows A, C’s shows C', async () => {
    const [anna, carl] = [network.person(ANNA), network.person(CARL)];
    const [annasSession, carlsSession] = [await me.signIn(ANNA), await me.signIn(CARL)];
    for (const [session, person] of [[annasSession, anna], [carlsSession, carl]] as const) {
      const own = await me.request('GET', '/me', { bearer: session });
      expect({ memberId: own.body.memberId, name: own.body.personal.name, email: own.body.personal.email }).toEqual({ memberId: person.memberId, name: person.name, email: person.email });
      expect((await me.request('GET', '/me/export', { bearer: session })).body.memberId).toBe(person.memberId);
      expect((await me.request('GET', '/me/disclosures', { bearer: session })).body.memberId).toBe(person.memberId);
    }
    // No /me route takes a member id: one given is refused, not used.
    expect((await me.request('GET', `/me?memberId=${carl.memberId}`, { bearer: annasSession })).status).toBe(400);
    expect((await me.request('POST', '/me/withdraw-opt-in', { bearer: annasSession, body: { memberId: carl.memberId, optIn: 'newsletter' } })).status).toBe(400);
  });
});

describe('member sign-in: rate limits', () => {
  let service: TestApp;
  let network: Network;
  let me: SelfService;

  beforeAll(async () => {
    service = await startTestApp({ SIGN_IN_LIMIT_PER_CLIENT: '4', SIGN_IN_LIMIT_PER_ADDRESS: '2', SIGN_IN_LIMIT_WINDOW_SECONDS: '3600' });
    ({ network, me } = await networkOf(service));
  });
  afterAll(() => service.close());

  const expectTooMany = (answer: { status: number; headers: Headers; body: unknown }) => {
    expect({ status: answer.status, type: answer.headers.get('content-type'), body: answer.body }).toEqual({
      status: 429,
      type: PROBLEM,
      body: { type: '/problems/too-many-requests', title: 'Too many requests', status: 429 },
    });
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(3500);
  };

  it('limits links per address, whatever its letter case, then per client; and sessions per client', async () => {
    const anna = network.person(1).email;
    expect((await me.requestLink(anna)).status).toBe(202);
    expect((await me.requestLink(anna.toUpperCase())).status).toBe(202);
    expectTooMany(await me.requestLink(anna));
    // Another address from the same client still gets through until the client's own limit (4).
    expect((await me.requestLink(network.person(3).email)).status).toBe(202);
    expectTooMany(await me.requestLink(`someone.else.${network.tag}@example.org`));

    for (let attempt = 1; attempt <= 4; attempt++) expect((await me.exchange(`guess-${attempt}`)).status).toBe(401);
    expectTooMany(await me.exchange('guess-5'));
  });

  it('throttles no other route', async () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const answer = await me.request('GET', '/diagnoses');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-ratelimit-limit-per-client')).toBeNull();
    }
  });
});
