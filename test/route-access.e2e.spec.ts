import { join } from 'node:path';
import { memberStream } from '../contracts/events/membership.events';
import { MemberSessions } from '../src/member-access/member-sessions';
import { fileSink, Network } from './support/network';
import { discoverRoutes, type Route, routeName as name } from './support/routes';
import { quiet } from './support/settle';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

/** The routes anyone may call. Every other route must refuse a caller without credentials. */
const PUBLIC_ROUTES = [
  'GET /health',
  'GET /health/live',
  'GET /diagnoses',
  'GET /consent-texts/current',
  'POST /commands/join-network',
  'POST /commands/verify-email',
  // The young person's link from the consent hand-over email: its token is the credential.
  'POST /commands/confirm-consent',
  'POST /me/login-link',
  'POST /me/session',
  // The links in newsletters and invitations: their token is the credential.
  'GET /unsubscribe',
  'POST /unsubscribe',
  'GET /meetup-reply',
  'POST /meetup-reply',
  // The web pages anyone may open: the sign-up, the verification link's page, signing in, the stylesheet.
  'GET /',
  'GET /join',
  'POST /join',
  'GET /verify',
  'POST /verify',
  'GET /consent-hand-over',
  'POST /consent-hand-over',
  'GET /me/sign-in',
  'POST /me/sign-in',
  'POST /me/sign-in/session',
  'GET /assets/site.css',
];

/** The one route for the Prometheus scraper, with its own token (METRICS_TOKEN): no staff key, no member. */
const METRICS_ROUTE = 'GET /metrics';

const concrete = (path: string): string => path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');

describe('access to every route', () => {
  let service: TestApp;
  let routes: Route[];
  beforeAll(async () => {
    service = await startTestApp();
    routes = discoverRoutes(service);
  });
  afterAll(() => service.close());

  async function call(route: Route, authorization?: string): Promise<{ status: number; type: string | null }> {
    const response = await fetch(`${service.url}${concrete(route.path)}`, {
      method: route.method,
      headers: { ...(authorization ? { authorization } : {}), ...(route.method === 'GET' ? {} : { 'content-type': 'application/json' }) },
      ...(route.method === 'GET' ? {} : { body: '{}' }),
    });
    await response.arrayBuffer();
    return { status: response.status, type: response.headers.get('content-type') };
  }

  it('finds the routes of every area, each with an access rule', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.map(name)).toEqual(expect.arrayContaining([...PUBLIC_ROUTES, 'GET /disclosures', 'POST /commands/erase-member', 'GET /me']));
    expect(routes.filter((route) => route.rule === undefined).map(name)).toEqual([]);
  });

  it('is public exactly on the listed routes', () => {
    const publicRoutes = routes.filter((route) => route.rule?.kind === 'public').map(name);
    expect(publicRoutes.sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('serves /me routes to signed-in members only (the API by session token, the web pages by session cookie), and nothing else to members', () => {
    expect(routes.filter((route) => route.rule?.kind === 'member-page').length).toBeGreaterThan(5);
    for (const route of routes) {
      const isMemberRoute = route.path === '/me' || route.path.startsWith('/me/');
      if (PUBLIC_ROUTES.includes(name(route)) || name(route) === METRICS_ROUTE) continue;
      const page = route.rule?.kind === 'member-page';
      expect({ route: name(route), kind: route.rule?.kind }).toEqual({ route: name(route), kind: isMemberRoute ? (page ? 'member-page' : 'member') : 'staff' });
    }
  });

  it('keeps the metrics route for the scraper alone', () => {
    expect(routes.filter((route) => route.rule?.kind === 'metrics').map(name)).toEqual([METRICS_ROUTE]);
  });

  it('lets no dpo key run a command: the dpo changes nothing', () => {
    const commands = routes.filter((route) => route.path.startsWith('/commands/') && route.rule?.kind === 'staff');
    expect(commands.length).toBeGreaterThan(5);
    for (const route of commands) expect({ route: name(route), dpo: route.rule?.kind === 'staff' && route.rule.roles.includes('dpo') }).toEqual({ route: name(route), dpo: false });
  });

  it('answers 401 problem+json on every non-public route without credentials or with a forged one', async () => {
    for (const route of routes.filter((candidate) => candidate.rule?.kind !== 'public' && candidate.rule?.kind !== 'member-page')) {
      for (const authorization of [undefined, 'Bearer forged-token-forged-token-0001']) {
        const { status, type } = await call(route, authorization);
        expect({ route: name(route), authorization, status, type }).toEqual({ route: name(route), authorization, status: 401, type: expect.stringContaining('application/problem+json') });
      }
    }
  });

  it('sends a browser without a live session cookie from every member page to the sign-in page, whatever Authorization it sends', async () => {
    for (const route of routes.filter((candidate) => candidate.rule?.kind === 'member-page')) {
      for (const authorization of [undefined, 'Bearer forged-token-forged-token-0001', `Bearer ${SECRETARIAT_KEY}`]) {
        const response = await fetch(`${service.url}${concrete(route.path)}`, {
          method: route.method,
          redirect: 'manual',
          headers: { cookie: 'sjn-session=forged-session-cookie', ...(authorization ? { authorization } : {}) },
        });
        await response.arrayBuffer();
        expect({ route: name(route), authorization, status: response.status, location: response.headers.get('location') }).toEqual({
          route: name(route),
          authorization,
          status: 303,
          location: expect.stringMatching(/^\/me\/sign-in(\?|$)/),
        });
      }
    }
  });

  it('answers 403 to a staff key of the wrong role, and to staff on member routes', async () => {
    for (const route of routes) {
      const rule = route.rule;
      let wrongKeys: string[] = [];
      if (rule?.kind === 'member') wrongKeys = [SECRETARIAT_KEY, DPO_KEY];
      if (rule?.kind === 'staff') wrongKeys = [rule.roles.includes('secretariat') ? undefined : SECRETARIAT_KEY, rule.roles.includes('dpo') ? undefined : DPO_KEY].filter((key) => key !== undefined);
      for (const key of wrongKeys) {
        const { status } = await call(route, `Bearer ${key}`);
        expect({ route: name(route), status }).toEqual({ route: name(route), status: 403 });
      }
    }
  });
});

/**
 * A member session reaches that member's data only: no /me route takes a member id, and smuggling
 * another member's id into a query or body neither shows nor changes anything of theirs.
 */
describe('a member session on every /me route', () => {
  let service: TestApp;
  /** Member 1 and 2 share a group (so member 1's list shows member 2); member 3 is in another group (numbers differ: phone numbers come from them). */
  let group: Network;
  let elsewhere: Network;
  const mails = fileSink(() => join(service.dataDir, 'mail'));
  /** Erasure ends the member's sessions: it is called last. */
  const LAST = 'POST /me/erasure';

  beforeAll(async () => {
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0' });
    group = new Network(service, mails);
    await group.openGroup();
    for (const n of [1, 2]) await group.join(n);
    elsewhere = new Network(service, mails);
    const registered = await elsewhere.staff('register-diagnosis', { name: `Marfan syndrom ${elsewhere.tag}`, orphaCode: 'ORPHA:558' });
    expect(registered.status).toBe(201);
    elsewhere.diagnosisId = registered.body.diagnosisId;
    await elsewhere.until('the second group to open', async () => (await elsewhere.call('/diagnoses')).body.some((d: { diagnosisId: string }) => d.diagnosisId === elsewhere.diagnosisId));
    await elsewhere.join(3);
    await group.listsSettle([1, 2]);
    // Every read model holds all three members before any route is tried (member 3's own view is compared at the end).
    await quiet(service, group.store);
  }, 90_000);
  afterAll(() => service?.close());

  async function sessionOf(memberId: string): Promise<string> {
    const sessions = service.app.get(MemberSessions);
    const session = await sessions.exchange((await sessions.issueLink(memberId)).token);
    if (!session) throw new Error('no session');
    return session.sessionToken;
  }

  async function call(route: Route, session: string, smuggled?: string): Promise<{ status: number; text: string }> {
    const query = smuggled ? `?memberId=${smuggled}` : '';
    const body = route.method === 'GET' ? undefined : JSON.stringify(smuggled ? { memberId: smuggled } : {});
    const response = await fetch(`${service.url}${route.path}${query}`, {
      method: route.method,
      headers: { authorization: `Bearer ${session}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
    });
    return { status: response.status, text: await response.text() };
  }

  it('never shows another member’s id or details, and acts on no one else, even when given their id', async () => {
    const me = group.person(1);
    const other = elsewhere.person(3);
    const theirs = [other.memberId, ...elsewhere.valuesOf(3)];
    const otherEvents = async () => (await group.store.readStream(memberStream(other.memberId))).length;
    const eventsBefore = await otherEvents();
    const memberRoutes = discoverRoutes(service)
      .filter((route) => route.rule?.kind === 'member')
      .sort((a, b) => Number(name(a) === LAST) - Number(name(b) === LAST) || Number(a.method !== 'GET') - Number(b.method !== 'GET'));
    expect(memberRoutes.map(name)).toEqual(expect.arrayContaining(['GET /me', 'GET /me/export', 'GET /me/disclosures', 'GET /me/contact-lists', 'PATCH /me/contact-details', LAST]));
    const session = await sessionOf(me.memberId);
    const shown: string[] = [];
    for (const route of memberRoutes) {
      const attempts = route.method === 'GET' ? [undefined, other.memberId] : [other.memberId];
      for (const smuggled of attempts) {
        const { status, text } = await call(route, session, smuggled);
        expect({ route: name(route), smuggled, status: status < 500 }).toEqual({ route: name(route), smuggled, status: true });
        expect({ route: name(route), smuggled, leaked: theirs.filter((value) => text.includes(value)) }).toEqual({ route: name(route), smuggled, leaked: [] });
        if (status < 300) shown.push(text);
      }
    }
    // Not vacuous: the member's own data and their group's list were shown.
    const all = shown.join('\n');
    for (const value of [me.memberId, ...group.valuesOf(1), group.person(2).name]) expect(all).toContain(value);
    expect(await otherEvents()).toBe(eventsBefore);
    // And the other member still sees their own data, untouched.
    const theirView = await call(memberRoutes.find((route) => name(route) === 'GET /me') as Route, await sessionOf(other.memberId));
    expect(theirView.status).toBe(200);
    for (const value of theirs) expect(theirView.text).toContain(value);
  });
});
