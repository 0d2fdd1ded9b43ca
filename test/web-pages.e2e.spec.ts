import { join } from 'node:path';
import { memberStream } from '../contracts/events/membership.events';
import { fileSink, type Message, Network, personOf } from './support/network';
import { SelfService } from './support/self-service';
import { SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';
import { WebClient } from './support/web-client';

/**
 * The web pages over plain HTTP: what a browser is told (headers, cookies, CSP), what a form
 * refuses (no CSRF token, too many tries), and that the member cookie and the API's session
 * token each open only their own side. test/browser/ drives the same pages in Chromium.
 */
describe('the web pages over HTTP', () => {
  let service: TestApp;
  let network: Network;
  let me: SelfService;
  let messages: () => Promise<Message[]>;
  const ANNA = 1;

  beforeAll(async () => {
    service = await startTestApp();
    messages = fileSink(() => join(service.dataDir, 'mail'));
    network = new Network(service, messages);
    me = new SelfService(service, network, messages);
    await network.openGroup();
    await network.join(ANNA);
  });
  afterAll(() => service.close());

  it('serves the sign-up page in Danish with strict security headers, a CSRF cookie, and nothing cached', async () => {
    const page = await new WebClient(service.url).get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.html).toMatch(/<html lang="da">/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toMatch(/script-src/);
    expect(page.headers.getSetCookie()).toEqual([expect.stringMatching(/^sjn-csrf=[0-9a-f]+\.[0-9a-f]+; Path=\/; HttpOnly; SameSite=Strict$/)]);
    expect(page.html).not.toMatch(/<(script|img|iframe)\b/);
    expect([...page.html.matchAll(/(?:href|src)="(https?:)?\/\/[^"]*"/g)].map((match) => match[0])).toEqual([]);
  });

  it('relaxes the CSP for Swagger UI only, and keeps it working', async () => {
    const ui = await fetch(`${service.url}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui-init.js');
    const csp = ui.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect((await fetch(`${service.url}/api/docs/swagger-ui-init.js`)).status).toBe(200);
  });

  it('refuses a form posted without the token of a page it served, and records nothing', async () => {
    const joins = async () => (await network.store.readAll({ after: 0n, filter: { eventTypes: ['MemberJoined'] }, maxCount: 1000 })).length;
    const before = await joins();
    const person = personOf(3, network.tag);
    const form = {
      diagnosis: `Bardet-Biedl syndrom ${network.tag}`, role: 'patient', birthYear: '1980', name: person.name, email: person.email, phone: person.phone,
      street: person.street, postalCode: '2300', city: 'København S', country: 'DK', consentGiven: 'yes', language: 'da',
    };
    const refused = await new WebClient(service.url).post('/join', { ...form, _csrf: '' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(refused.html).toContain('Formularen er udløbet');

    const withForeignToken = new WebClient(service.url);
    await withForeignToken.get('/join');
    const forged = await withForeignToken.post('/join', { ...form, _csrf: `${'f'.repeat(64)}.${'a'.repeat(64)}` });
    expect(forged.status).toBe(403);
    expect(await joins()).toBe(before);
  });

  it('switches the form’s language without losing what was typed, and sends nothing', async () => {
    const browser = new WebClient(service.url);
    await browser.get('/join');
    const switched = await browser.post('/join', { language: 'da', switchLanguage: 'sv', name: 'Åsa Ærø', street: 'Storgatan 1', postalCode: '113 51', country: 'SE', newsletter: 'yes' });
    expect(switched.status).toBe(200);
    expect(switched.html).toMatch(/<html lang="sv">/);
    expect(switched.html).toContain('Gå med i Sjældne-netværket');
    expect(switched.html).toContain('value="Åsa Ærø"');
    expect(switched.html).toContain('value="Storgatan 1"');
    expect(switched.html).toContain('<option value="SE" selected>');
    expect(switched.html).toMatch(/id="newsletter" name="newsletter" value="yes" checked/);
    expect(switched.html).toMatch(/id="meetups" name="meetups" value="yes">/);
  });

  it('does not verify an address when the emailed link is only opened (mail scanners open links)', async () => {
    const person = personOf(2, network.tag);
    const joined = await network.call('/commands/join-network', {
      role: 'patient', birthYear: 1980, name: person.name, email: person.email, phone: person.phone,
      address: { street: person.street, postalCode: '2300', city: 'København S', country: 'DK' },
      language: 'nb', diagnosis: { diagnosisId: network.diagnosisId }, consent: { textVersion: '1', given: true },
    });
    const mail = await network.until('the verification mail', async () => (await messages()).find((message) => message.to.includes(person.email)));
    const token = decodeURIComponent(/token=([^\s"&<]+)/.exec(mail.text)?.[1] ?? '');
    const landing = await new WebClient(service.url).get(`/verify?token=${encodeURIComponent(token)}`);
    expect(landing.status).toBe(200);
    expect(landing.html).toMatch(/<html lang="nb">/);
    expect(landing.html).toContain('Bekreft e-postadressen');
    const events = await network.store.readStream(memberStream(joined.body.memberId));
    expect(events.map((event) => event.type)).toEqual(['MemberJoined', 'EmailVerificationRequested']);
    // The member's id with a made-up secret: the page must not tell it from a made-up id by speaking their language.
    const forged = await new WebClient(service.url).get(`/verify?token=${joined.body.memberId}.${'A'.repeat(43)}`);
    expect(forged.html).toMatch(/<html lang="da">/);
  });

  it('takes the member session from the cookie on the pages only, and from the Bearer token on the API only', async () => {
    const session = await me.signIn(ANNA);
    const cookie = { cookie: `sjn-session=${session}` };
    const bearer = { authorization: `Bearer ${session}` };
    const page = (headers: Record<string, string>) => fetch(`${service.url}/me/overview`, { headers, redirect: 'manual' });
    const api = (headers: Record<string, string>) => fetch(`${service.url}/me`, { headers });

    const signedIn = await page(cookie);
    expect(signedIn.status).toBe(200);
    expect(await signedIn.text()).toContain(network.person(ANNA).name);
    expect((await page(bearer)).status).toBe(303);
    expect((await api(bearer)).status).toBe(200);
    expect((await api(cookie)).status).toBe(401);
  });

  it('answers an opt-in the consent page never offers with 400, and one the member never chose with 409', async () => {
    const browser = new WebClient(service.url);
    const token = await me.linkToken(ANNA);
    await browser.get(`/me/sign-in?token=${encodeURIComponent(token)}`);
    expect((await browser.post('/me/sign-in/session', { token })).status).toBe(303);
    await browser.get('/me/consent');
    expect((await browser.post('/me/consent/opt-out', { optIn: 'everything' })).status).toBe(400);
    expect((await browser.post('/me/consent/opt-out', { optIn: 'facebookInvite' })).status).toBe(409);
  });

  it('sets the session cookie HttpOnly and SameSite=Lax when the emailed link is used, and it works once', async () => {
    const token = await me.linkToken(ANNA);
    const browser = new WebClient(service.url);
    const confirm = await browser.get(`/me/sign-in?token=${encodeURIComponent(token)}`);
    expect(confirm.html).toContain('action="/me/sign-in/session"');
    const opened = await browser.post('/me/sign-in/session', { token });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/me/overview');
    expect(opened.headers.getSetCookie()).toContainEqual(expect.stringMatching(/^sjn-session=[A-Za-z0-9_-]{43}; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/));
    expect((await browser.get('/me/overview')).status).toBe(200);

    const again = await new WebClient(service.url).post('/me/sign-in/session', { token });
    expect(again.status).toBe(403); // no form token: another browser must load the page first
    const secondTry = new WebClient(service.url);
    await secondTry.get(`/me/sign-in?token=${encodeURIComponent(token)}`);
    const used = await secondTry.post('/me/sign-in/session', { token });
    expect(used.status).toBe(400);
    expect(used.html).toContain('Linket er allerede brugt eller udløbet');
    expect(used.headers.getSetCookie().some((line) => line.startsWith('sjn-session='))).toBe(false);

    const signedOut = await browser.post('/me/sign-out', {});
    expect(signedOut.status).toBe(200);
    expect(signedOut.html).toContain('Du er logget ud');
    expect((await browser.get('/me/overview')).status).toBe(303);
  });
});

describe('the web pages’ rate limits', () => {
  let service: TestApp;
  beforeAll(async () => {
    service = await startTestApp({ SIGN_IN_LIMIT_PER_CLIENT: '3', SIGN_IN_LIMIT_PER_ADDRESS: '2' });
  });
  afterAll(() => service.close());

  it('limit the sign-up form per client, with a page saying so in the form’s language', async () => {
    const browser = new WebClient(service.url);
    await browser.get('/join?lang=en');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) statuses.push((await browser.post('/join', { language: 'en', name: 'Bo' })).status);
    expect(statuses).toEqual([400, 400, 400, 429]);
    const limited = await browser.post('/join', { language: 'en' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.html).toContain('Too many attempts');
  });

  it('limit the API’s sign-up per client as the form is, but not the secretariat entering sign-ups', async () => {
    const join = (key?: string) =>
      fetch(`${service.url}/commands/join-network`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body: '{}' });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) statuses.push((await join()).status);
    expect(statuses).toEqual([400, 400, 400, 429]);
    for (let attempt = 0; attempt < 4; attempt += 1) expect((await join(SECRETARIAT_KEY)).status).toBe(400);
  });

  it('count the sign-in links asked for one address on the API and on the sign-in page together', async () => {
    const email = 'same.address@example.org';
    const api = await fetch(`${service.url}/me/login-link`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
    expect(api.status).toBe(202);
    const browser = new WebClient(service.url);
    await browser.get('/me/sign-in');
    expect((await browser.post('/me/sign-in', { email })).status).toBe(200);
    expect((await browser.post('/me/sign-in', { email })).status).toBe(429);
    expect((await browser.post('/me/sign-in', { email: 'another.address@example.org' })).status).toBe(200);
  });
});
