import { join } from 'node:path';
import { fileSink, Network } from './support/network';
import { captureLogs, readableValues, rebuildEveryProjection } from './support/personal-data';
import { SelfService } from './support/self-service';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

/**
 * One member's rights from start to end, the way they exercise them: sign in with the emailed
 * link, see who received their data, correct it, withdraw, and finally erase themselves; then
 * nothing of them is left readable anywhere the service keeps or shows data.
 */
describe('a member’s rights, from sign-in to erasure', () => {
  let service: TestApp;
  let network: Network;
  let me: SelfService;
  let logs: ReturnType<typeof captureLogs>;
  let session: string;
  const mails = fileSink(() => join(service.dataDir, 'mail'));
  const [MEMBER, SECOND, THIRD, NEWCOMER] = [1, 2, 3, 4];
  const NEW_PHONE = '+4531987654';

  const asMember = (method: string, path: string, body?: unknown) => me.request(method, path, { bearer: session, body });
  const noticesAbout = async (subjectId: string) =>
    (await network.sent()).filter((message) => message.dispatch.type === 'DeletionNoticeDispatched' && message.dispatch.subjectId === subjectId);

  beforeAll(async () => {
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0' });
    logs = captureLogs(service);
    network = new Network(service, mails);
    me = new SelfService(service, network, mails);
    await network.openGroup();
    for (const n of [MEMBER, SECOND, THIRD]) await network.join(n);
    await network.listsSettle([MEMBER, SECOND, THIRD]);
  }, 60_000);
  afterAll(async () => {
    logs?.stop();
    await service?.close();
  });

  it('signs the member in with the link read from their mail, and names the actual recipients of their data', async () => {
    session = await me.signIn(MEMBER);
    const member = network.person(MEMBER);
    const received = await network.latestLists();
    const sent = await network.sent();
    const recipients = await network.until('both lists in the member’s disclosures', async () => {
      const { body } = await asMember('GET', '/me/disclosures');
      const lists = body.disclosures.filter((entry: { kind: string }) => entry.kind === 'contact-list');
      return lists.length >= 2 ? lists : undefined;
    });
    const expected = [SECOND, THIRD].map((n) => {
      const recipient = network.person(n);
      // Each list they got printed its reference; the member's disclosures name the same list.
      const references = sent.filter((message) => message.dispatch.recipientId === recipient.memberId).map((message) => message.dispatch.listReference);
      return { memberId: recipient.memberId, name: recipient.name, references };
    });
    for (const { memberId, name, references } of expected) {
      const entries = recipients.filter((entry: { recipient: { memberId: string } }) => entry.recipient.memberId === memberId);
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        expect(entry).toEqual(expect.objectContaining({ disclosesData: true, recipient: { memberId, name }, fields: ['address', 'phone', 'email'], channel: 'email' }));
        expect(references).toContain(entry.listReference);
      }
    }
    // Nobody else received the member's data.
    expect(new Set(recipients.map((entry: { recipient: { memberId: string } }) => entry.recipient.memberId))).toEqual(new Set(expected.map((one) => one.memberId)));
    expect(received.get(SECOND)?.text).toContain(member.name);
  }, 40_000);

  it('rectifies the phone number, and both earlier recipients get the corrected entry', async () => {
    const answer = await asMember('PATCH', '/me/contact-details', { phone: NEW_PHONE });
    expect(answer).toEqual(expect.objectContaining({ status: 200, body: { memberId: network.person(MEMBER).memberId, updatedFields: ['phone'], emailVerificationRequested: false } }));
    const corrections = await network.until('a correction to each earlier recipient', async () => {
      const sent = (await network.sent()).filter((message) => message.dispatch.type === 'CorrectionDispatched' && message.dispatch.subjectId === network.person(MEMBER).memberId);
      return sent.length === 2 ? sent : undefined;
    });
    expect(corrections.map((message) => message.to).sort()).toEqual([network.person(SECOND).email, network.person(THIRD).email].sort());
    for (const correction of corrections) expect(correction.text).toContain(`Telefon: ${NEW_PHONE}`);
  }, 40_000);

  it('withdraws the consent: earlier recipients are told to delete the entry, and the next join’s lists leave the member out', async () => {
    expect((await asMember('POST', '/me/withdraw-consent')).body).toEqual({ memberId: network.person(MEMBER).memberId, status: 'withdrawn' });
    await network.until('a deletion notice to each earlier recipient', async () => (await noticesAbout(network.person(MEMBER).memberId)).length === 2);
    await network.join(NEWCOMER);
    const lists = await network.listsSettle([SECOND, THIRD, NEWCOMER]);
    for (const n of [SECOND, THIRD, NEWCOMER]) expect(lists.get(n)?.text).not.toContain(network.person(MEMBER).name);
  }, 60_000);

  it('erases the member: the receipt arrives first, the recipients are notified, and nothing of them is readable anywhere afterwards', async () => {
    const member = network.person(MEMBER);
    const erased = await asMember('POST', '/me/erasure');
    expect(erased).toEqual(expect.objectContaining({ status: 201, body: { memberId: member.memberId, status: 'erased', recipientsNotified: 2, receipt: 'sent' } }));

    const receipt = (await mails()).find((mail) => mail.to === member.email && mail.subject === 'Dine oplysninger er slettet fra Sjældne-netværket');
    expect(receipt?.text).toContain('Antal medlemmer, der har fået dine oplysninger på en kontaktliste: 2.');
    const notices = await network.until('an erasure notice to each earlier recipient', async () => {
      const erasure = (await noticesAbout(member.memberId)).filter((notice) => notice.dispatch.reason === 'erased');
      return erasure.length === 2 ? erasure : undefined;
    });
    expect(notices.map((notice) => notice.to).sort()).toEqual([network.person(SECOND).email, network.person(THIRD).email].sort());
    // The newcomer never had the member's data, so is not told anything about them.
    expect((await noticesAbout(member.memberId)).map((notice) => notice.to)).not.toContain(network.person(NEWCOMER).email);
    expect((await asMember('GET', '/me')).status).toBe(401);

    await rebuildEveryProjection(service, network);
    const readable = await readableValues(service, network);
    expect([...(readable.get(MEMBER) ?? [])]).toEqual([]);
    expect([...(readable.get(SECOND) ?? [])]).toEqual(expect.arrayContaining(['member_directory.personal']));

    // What staff and the DPO can export or look up about the member shows nothing of them.
    const exports = [
      ['/disclosures', DPO_KEY],
      [`/disclosures?subjectId=${member.memberId}`, DPO_KEY],
      [`/access-log?memberId=${member.memberId}`, DPO_KEY],
      [`/members/${member.memberId}?purpose=erasure-check`, SECRETARIAT_KEY],
      [`/groups/${network.diagnosisId}/roster?purpose=erasure-check`, SECRETARIAT_KEY],
      ['/rights-requests', DPO_KEY],
    ] as const;
    for (const [path, key] of exports) {
      for (const accept of ['application/json', 'text/csv']) {
        const response = await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${key}`, accept } });
        const text = await response.text();
        expect({ path, accept, status: response.status < 300 || response.status === 406 }).toEqual({ path, accept, status: true });
        expect({ path, accept, found: network.valuesOf(MEMBER).filter((value) => text.includes(value)) }).toEqual({ path, accept, found: [] });
      }
    }
    // The roster still shows the others, so the export check could have found the member.
    const roster = await (await fetch(`${service.url}/groups/${network.diagnosisId}/roster?purpose=erasure-check`, { headers: { authorization: `Bearer ${SECRETARIAT_KEY}` } })).text();
    expect(roster).toContain(network.person(SECOND).name);

    const log = logs.text();
    expect(log).toContain('POST /me/erasure 201');
    expect(network.valuesOf(MEMBER).filter((value) => log.includes(value))).toEqual([]);
  }, 120_000);
});
