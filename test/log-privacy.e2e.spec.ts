import { join } from 'node:path';
import { fileSink, Network, personOf, signUpOf } from './support/network';
import { replayWithoutEventTypeFilters } from './support/event-type-filters';
import { captureLogs } from './support/personal-data';
import { SelfService } from './support/self-service';
import { quiet } from './support/settle';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

/**
 * A broad run of the whole service with its log output captured from the start: sign-ups (also
 * refused ones), verification, contact lists, self-service, rectification by the member and by the
 * secretariat, restriction, withdrawal, erasure and the DPO's look-ups. Not one name, email address,
 * phone number or street of anyone in it may appear in the log.
 */
describe('the log of a whole run', () => {
  let service: TestApp;
  let logs: ReturnType<typeof captureLogs>;
  let network: Network;
  let me: SelfService;
  const mails = fileSink(() => join(service.dataDir, 'mail'));
  const MEMBERS = [1, 2, 3, 4, 5];
  /** Someone whose sign-up is refused: their details were sent all the same. */
  const REFUSED = 6;

  beforeAll(async () => {
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0' });
    logs = captureLogs(service);
    network = new Network(service, mails);
    me = new SelfService(service, network, mails);
  });
  afterAll(async () => {
    logs?.stop();
    await service?.close();
  });

  it('holds no name, email, phone or street of anyone', async () => {
    const tag = network.tag;
    const changed = { name: `Ærø Rettet-Navnesen ${tag}`, email: `rettet.${tag}@example.org`, phone: '+4531987654', street: `Nørregade 77 ${tag}` };
    const asStaff = (path: string, key = SECRETARIAT_KEY) => network.call(path, undefined, key);

    await network.openGroup();
    for (const n of MEMBERS) await network.join(n, n === 5 ? { wantsNewsletter: true } : {});
    await network.listsSettle(MEMBERS);

    // Refused and repeated sign-ups carry personal data into validation and the handlers.
    const refused = personOf(REFUSED, tag);
    expect((await network.call('/commands/join-network', { ...signUpOf(refused, network.diagnosisId), email: `${refused.name} <no-at-sign>` })).status).toBe(400);
    expect((await network.call('/commands/join-network', { ...signUpOf(refused, network.diagnosisId), phone: `${refused.phone}${refused.street}` })).status).toBe(400);
    expect((await network.call('/commands/join-network', signUpOf(network.person(1), network.diagnosisId))).status).toBe(202);
    expect((await me.requestLink(refused.email)).status).toBe(202);

    // Self-service: sign in by the emailed link, read everything, correct every detail, confirm the new address.
    const session = await me.signIn(1);
    for (const path of ['/me', '/me/disclosures', '/me/export', '/me/contact-lists']) expect((await me.request('GET', path, { bearer: session })).status).toBe(200);
    const corrected = await me.request('PATCH', '/me/contact-details', {
      bearer: session,
      body: { name: changed.name, email: changed.email, phone: changed.phone, address: { street: changed.street, postalCode: '8000', city: 'Aarhus C', country: 'DK' } },
    });
    expect(corrected.status).toBe(200);
    expect((await network.call('/commands/verify-email', { token: await network.verificationToken(changed.email) })).status).toBe(200);
    expect((await me.request('PATCH', '/me/contact-details', { bearer: session, body: { phone: `${network.person(2).phone}x` } })).status).toBe(400);

    // The secretariat corrects, restricts (with a reason naming the member), records a suspicion.
    expect((await network.staff('update-contact-details', { memberId: network.person(2).memberId, phone: '+4520998877' })).status).toBe(201);
    expect((await network.staff('restrict-member', { memberId: network.person(4).memberId, reason: `Henvendelse fra ${network.person(4).name}` })).status).toBe(201);
    expect((await network.staff('report-suspicion', { memberId: network.person(5).memberId, note: `${network.person(5).email} ringede fra ${network.person(5).phone}` })).status).toBe(201);

    // Withdrawals, by the member and by the secretariat; a second withdrawal is a conflict.
    const third = await me.signIn(3);
    expect((await me.request('POST', '/me/withdraw-consent', { bearer: third })).status).toBe(201);
    expect((await me.request('POST', '/me/withdraw-consent', { bearer: third })).status).toBe(409);
    expect((await network.staff('withdraw-opt-in', { memberId: network.person(5).memberId, optIn: 'newsletter' })).status).toBe(201);

    // Erasure, by the member and by the secretariat.
    expect((await me.request('POST', '/me/erasure', { bearer: await me.signIn(2) })).status).toBe(201);
    expect((await network.staff('erase-member', { memberId: network.person(3).memberId })).status).toBe(201);
    await quiet(service, network.store);

    // The staff's and the DPO's look-ups.
    const purpose = '?purpose=Rettelse%20efter%20telefonopkald';
    for (const n of MEMBERS) expect((await asStaff(`/members/${network.person(n).memberId}${purpose}`)).status).toBe(200);
    expect((await asStaff(`/groups/${network.diagnosisId}/roster${purpose}`)).status).toBe(200);
    const dispatches = [...(await network.dispatches()).keys()];
    for (const path of ['/disclosures', '/disclosures?limit=2', '/disclosures/verification', `/disclosures/breach-scope?listReference=${dispatches[0]}`, `/access-log?memberId=${network.person(1).memberId}`]) {
      expect({ path, status: (await asStaff(path, DPO_KEY)).status }).toEqual({ path, status: 200 });
    }
    const csv = await fetch(`${service.url}/disclosures`, { headers: { authorization: `Bearer ${DPO_KEY}`, accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    await csv.arrayBuffer();

    const text = logs.text();
    // Not vacuous: the requests and the projections did log.
    expect(text).toContain('PATCH /me/contact-details 200');
    expect(text).toContain('POST /commands/erase-member 201');
    const everyone = [...MEMBERS.map((n) => network.valuesOf(n)).flat(), refused.name, refused.email, refused.phone, refused.street, ...Object.values(changed)];
    expect(everyone.filter((value) => text.includes(value))).toEqual([]);
  }, 180_000);

  /** Every projection reads only the event types it declares. */
  const FILTERED_PROJECTIONS = [
    'admissions',
    'consent-hand-overs',
    'contact-list-planner',
    'diagnosis-catalogue',
    'disclosure-log',
    'erasure-completion',
    'group-roster',
    'mailing-jobs',
    'member-directory',
    'member-mail',
    'retention-candidates',
    'rights-requests',
  ];

  it('built every read model from only the event types it declares (a replay of every event gives the same)', async () => {
    const leftOut = await replayWithoutEventTypeFilters(service);
    // Not vacuous: each filtered projection was handed events its filter leaves out.
    expect([...leftOut.keys()].sort()).toEqual(FILTERED_PROJECTIONS);
    expect([...leftOut].filter(([, count]) => count === 0)).toEqual([]);
  }, 60_000);
});
