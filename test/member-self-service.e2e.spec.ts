import { join } from 'node:path';
import { memberStream } from '../contracts/events/membership.events';
import { fileSink, Network, personOf, signUpOf } from './support/network';
import { SelfService } from './support/self-service';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

/**
 * A member's self-service over HTTP: signing in with an emailed link, seeing their own data and who
 * received it, exporting it, correcting it, and withdrawing an opt-in and their consent.
 */
describe('member self-service over HTTP', () => {
  let service: TestApp;
  let network: Network;
  let me: SelfService;
  let session: string;
  const ANNA = 1;
  const BO = 2;

  const get = (path: string, bearer = session) => me.request('GET', path, { bearer });
  const memberId = () => network.person(ANNA).memberId;
  const eventsOf = async (id: string) => network.store.readStream(memberStream(id));
  const ownData = async () => (await get('/me')).body;

  beforeAll(async () => {
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0' });
    const messages = fileSink(() => join(service.dataDir, 'mail'));
    network = new Network(service, messages);
    me = new SelfService(service, network, messages);
    await network.openGroup();
    await network.join(ANNA, { wantsNewsletter: true, wantsMeetupInvites: true });
  });
  afterAll(() => service.close());

  it('mails a verified member a one-time sign-in link in their language, saying how long it works', async () => {
    const anna = network.person(ANNA);
    await me.directoryCaughtUp();
    const answer = await me.requestLink(anna.email);
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ accepted: true });
    const mail = await me.nextSignInMail(anna.email);
    expect(mail.subject).toBe('Dit link til at logge ind i Sjældne-netværket');
    expect(mail.text).toContain(`Kære ${anna.name}`);
    expect(mail.text).toContain(`http://localhost:3000/me/sign-in?token=${encodeURIComponent(mail.token)}\n`);
    expect(mail.text).toContain('Linket virker én gang og i 15 minutter');
    expect(mail.text).toContain(`(gruppen for Bardet-Biedl syndrom ${network.tag})`);
    expect(mail.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const opened = await me.exchange(mail.token);
    expect(opened.status).toBe(201);
    expect(opened.body).toEqual({ sessionToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresAt: expect.any(String) });
    const minutesLeft = (Date.parse(opened.body.expiresAt) - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(58);
    expect(minutesLeft).toBeLessThanOrEqual(60);
    session = opened.body.sessionToken;
  });

  it('answers an unknown or unverified address exactly as a known one, and mails nothing to it', async () => {
    const anna = network.person(ANNA);
    const unknown = `nobody.${network.tag}@example.org`;
    const unverified = personOf(9, network.tag);
    expect((await network.call('/commands/join-network', signUpOf(unverified, network.diagnosisId))).status).toBe(202);
    await me.directoryCaughtUp();

    const answers = await Promise.all([me.requestLink(unknown), me.requestLink(unverified.email), me.requestLink(anna.email.toUpperCase())]);
    for (const answer of answers) {
      expect({ status: answer.status, type: answer.headers.get('content-type'), body: answer.body }).toEqual({
        status: 202,
        type: 'application/json; charset=utf-8',
        body: { accepted: true },
      });
    }
    // The known address (in other letter case) gets its link; by then the others' would be there too.
    await me.nextSignInMail(anna.email);
    expect(await me.signInMails(unknown)).toEqual([]);
    expect(await me.signInMails(unverified.email)).toEqual([]);
  });

  it('shows the member their own data: status, contact details, group, consent, opt-ins and list delivery', async () => {
    const anna = network.person(ANNA);
    const answer = await get('/me');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      memberId: memberId(),
      status: 'admitted',
      restricted: false,
      role: 'patient',
      relation: null,
      country: 'DK',
      language: 'da',
      personal: {
        name: anna.name,
        email: anna.email,
        phone: anna.phone,
        address: { street: anna.street, postalCode: '2300', city: 'København S', country: 'DK' },
        birthYear: 1981,
      },
      emailVerified: true,
      emailChangePending: false,
      joinedAt: expect.any(String),
      groups: [{ diagnosisId: network.diagnosisId, name: `Bardet-Biedl syndrom ${network.tag}`, status: 'admitted' }],
      consent: {
        textVersion: '1',
        language: 'da',
        givenAt: expect.any(String),
        givenBy: 'self',
        attestedByStaff: false,
        channel: 'web',
        scope: 'group',
        sharedFields: ['address', 'phone', 'email'],
        allowTransferToGreenland: true,
      },
      optIns: { newsletter: true, meetups: true, facebookInvite: false },
      listDelivery: { delivery: 'email', choice: null, memberMayChoose: false },
    });
    // Only the member's own look-ups: nothing of this goes into the staff access log.
    expect((await me.request('GET', `/access-log?memberId=${memberId()}`, { bearer: DPO_KEY })).body.entries).toEqual([]);
  });

  it('names each real recipient of the member’s data, the fields and the list reference, once the lists went out', async () => {
    await network.join(BO);
    const bo = network.person(BO);
    const welcome = await network.until('Bo’s first list', async () =>
      (await network.sent()).find((message) => message.dispatch.type === 'ContactListDispatched' && message.dispatch.recipientId === bo.memberId),
    );
    expect(welcome.text).toContain(network.person(ANNA).name);

    const disclosure = await network.until('the disclosure to appear, delivered', async () =>
      (await get('/me/disclosures')).body.disclosures.find(
        (entry: { recipient: { memberId: string }; delivery: { status: string } }) => entry.recipient.memberId === bo.memberId && entry.delivery.status === 'delivered',
      ),
    );
    expect(disclosure).toEqual({
      kind: 'contact-list',
      disclosesData: true,
      recipient: { memberId: bo.memberId, name: bo.name },
      fields: ['address', 'phone', 'email'],
      dispatchedAt: expect.any(String),
      channel: 'email',
      listReference: welcome.dispatch.listReference,
      diagnosisId: network.diagnosisId,
      noticeReason: null,
      delivery: { status: 'delivered', deliveredAt: expect.any(String) },
    });
    expect(welcome.text).toContain(disclosure.listReference);
    // Bo's own view is about Bo: Anna received Bo's email only (Bo shares nothing else).
    const bosView = (await get('/me/disclosures', await me.signIn(BO))).body;
    expect(bosView.memberId).toBe(bo.memberId);
    expect(bosView.disclosures.map((entry: { recipient: { memberId: string }; fields: string[] }) => [entry.recipient.memberId, entry.fields])).toContainEqual([memberId(), ['email']]);
  }, 60_000);

  it('lists the staff look-ups of the member’s data with date and purpose, but not who looked', async () => {
    expect((await get('/me/disclosures')).body.staffLookUps).toEqual([]);
    const lookUp = await me.request('GET', `/members/${memberId()}?purpose=${encodeURIComponent('answering a letter from the member')}`, { bearer: SECRETARIAT_KEY });
    expect(lookUp.status).toBe(200);
    const { staffLookUps } = (await get('/me/disclosures')).body;
    expect(staffLookUps).toEqual([{ at: expect.any(String), kind: 'member', purpose: 'answering a letter from the member' }]);
    expect(Math.abs(Date.parse(staffLookUps[0].at) - Date.now())).toBeLessThan(60_000);
  });

  it('exports everything the member gave as a JSON attachment of a stable, versioned format', async () => {
    const anna = network.person(ANNA);
    const answer = await get('/me/export');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="sjaeldne-netvaerket-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(answer.body).toEqual({
      format: 'sjaeldne-netvaerket/member-data',
      version: 1,
      exportedAt: expect.any(String),
      memberId: memberId(),
      personal: {
        name: anna.name,
        email: anna.email,
        phone: anna.phone,
        address: { street: anna.street, postalCode: '2300', city: 'København S', country: 'DK' },
        birthYear: 1981,
      },
      role: 'patient',
      relation: null,
      language: 'da',
      diagnoses: [{ diagnosisId: network.diagnosisId, name: `Bardet-Biedl syndrom ${network.tag}` }],
      consent: {
        textVersion: '1',
        language: 'da',
        givenAt: expect.any(String),
        givenBy: 'self',
        attestedByStaff: false,
        channel: 'web',
        scope: 'group',
        sharedFields: ['address', 'phone', 'email'],
        allowTransferToGreenland: true,
      },
      optIns: { newsletter: true, meetups: true, facebookInvite: false },
      listDelivery: null,
    });
  });

  it('lets the member correct their own contact details, recorded as done by the member', async () => {
    const refused = await me.request('PATCH', '/me/contact-details', { bearer: session, body: { memberId: network.person(BO).memberId, phone: '+45 31 23 45 67' } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'memberId', message: expect.any(String) }]);

    const answer = await me.request('PATCH', '/me/contact-details', { bearer: session, body: { phone: '+45 31 23 45 67' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ memberId: memberId(), updatedFields: ['phone'], emailVerificationRequested: false });
    const updated = (await eventsOf(memberId())).find((event) => event.type === 'ContactDetailsUpdated');
    expect(updated?.metadata.actorRole).toBe('member');
    await network.until('GET /me to show the new phone number', async () => (await ownData()).personal.phone === '+4531234567');
    // Bo's copy of the list is corrected; Anna's disclosures show the correction too.
    await network.until('the correction to Bo', async () =>
      (await get('/me/disclosures')).body.disclosures.some((entry: { kind: string; recipient: { memberId: string } }) => entry.kind === 'correction' && entry.recipient.memberId === network.person(BO).memberId),
    );
  }, 40_000);

  it('withdraws one opt-in for the member (409 the second time); the secretariat can record one too', async () => {
    const answer = await me.request('POST', '/me/withdraw-opt-in', { bearer: session, body: { optIn: 'newsletter' } });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ memberId: memberId(), optIns: { newsletter: false, meetups: true, facebookInvite: false } });
    const again = await me.request('POST', '/me/withdraw-opt-in', { bearer: session, body: { optIn: 'newsletter' } });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/opt-in-already-withdrawn');
    expect((await me.request('POST', '/me/withdraw-opt-in', { bearer: session, body: { optIn: 'everything' } })).status).toBe(400);

    const byStaff = await me.request('POST', '/commands/withdraw-opt-in', { bearer: SECRETARIAT_KEY, body: { memberId: memberId(), optIn: 'meetups' } });
    expect(byStaff.status).toBe(201);
    const withdrawals = (await eventsOf(memberId())).filter((event) => event.type === 'OptInWithdrawn');
    expect(withdrawals.map((event) => [event.data, event.metadata.actorRole])).toEqual([
      [{ memberId: memberId(), optIn: 'newsletter', withdrawnBy: 'member', withdrawnAt: expect.any(String) }, 'member'],
      [{ memberId: memberId(), optIn: 'meetups', withdrawnBy: 'secretariat', withdrawnAt: expect.any(String) }, 'secretariat'],
    ]);
    await network.until('GET /me to show both opt-ins off', async () => {
      const { optIns } = await ownData();
      return !optIns.newsletter && !optIns.meetups;
    });
    expect((await ownData()).optIns).toEqual({ newsletter: false, meetups: false, facebookInvite: false });
  });

  it('documents every self-service route in the OpenAPI document, the export with its whole shape', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const document: any = await (await fetch(`${service.url}/api/openapi.json`)).json();
    const routes = ['get /me', 'get /me/disclosures', 'get /me/export', 'post /me/login-link', 'post /me/session', 'patch /me/contact-details', 'post /me/withdraw-consent', 'post /me/withdraw-opt-in'];
    for (const route of routes) {
      const [method, path] = route.split(' ');
      expect({ route, tags: document.paths[path]?.[method]?.tags }).toEqual({ route, tags: ['self-service'] });
    }
    expect(document.paths['/commands/withdraw-opt-in'].post.tags).toEqual(['members']);
    const exported = document.paths['/me/export'].get.responses['200'].content['application/json'].schema.$ref.split('/').pop();
    expect(Object.keys(document.components.schemas[exported].properties)).toEqual([
      'format', 'version', 'exportedAt', 'memberId', 'personal', 'role', 'relation', 'language', 'diagnoses', 'consent', 'optIns', 'listDelivery',
    ]);
  });

  it('withdraws the member’s consent as theirs; a withdrawn member can still sign in and sees the deletion notice', async () => {
    const answer = await me.request('POST', '/me/withdraw-consent', { bearer: session });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ memberId: memberId(), status: 'withdrawn' });
    const withdrawn = (await eventsOf(memberId())).find((event) => event.type === 'ConsentWithdrawn');
    expect(withdrawn?.data).toEqual({ memberId: memberId(), withdrawnBy: 'member', withdrawnAt: expect.any(String) });
    expect(withdrawn?.metadata.actorRole).toBe('member');
    expect((await me.request('POST', '/me/withdraw-consent', { bearer: session })).status).toBe(409);

    const later = await me.signIn(ANNA);
    await network.until('GET /me to show the withdrawal', async () => (await get('/me', later)).body.status === 'withdrawn');
    const notice = await network.until('the deletion notice to Bo', async () =>
      (await get('/me/disclosures', later)).body.disclosures.find((entry: { kind: string }) => entry.kind === 'deletion-notice'),
    );
    // Anna has left the lists, so Bo's name, his personal data, is no longer hers to see: Bo stays a member id.
    expect(notice).toEqual(
      expect.objectContaining({ disclosesData: false, fields: [], noticeReason: 'withdrawn', recipient: { memberId: network.person(BO).memberId, name: null } }),
    );
  }, 40_000);
});
