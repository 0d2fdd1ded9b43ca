import { join } from 'node:path';
import type { ListNoticeDispatched } from '../contracts/events/contact-list.events';
import type { RecordedEvent } from '../contracts/events/event-envelope';
import { MemberSessions } from '../src/member-access/member-sessions';
import { readMailSink, type SunkMail } from './support/mail-sink';
import { fileSink, Network } from './support/network';
import { DPO_KEY, startTestApp, type TestApp } from './support/test-app';

/** A contact-list notice or list (not a verification or sign-in mail): it prints a reference. */
const isListMail = (mail: SunkMail): boolean => /SN-[0-9A-Z]{8}/.test(mail.text);

/** The service with its network, and what a test needs to look into it. */
class PortalService {
  readonly network: Network;

  constructor(readonly service: TestApp) {
    this.network = new Network(service, fileSink(() => this.mailDir));
  }

  get mailDir(): string {
    return join(this.service.dataDir, 'mail');
  }

  async events(...types: string[]): Promise<RecordedEvent[]> {
    return this.network.store.readAll({ filter: { eventTypes: types }, maxCount: 10_000 });
  }

  /** A live session of member n, as signing in with an emailed link opens it. */
  async signIn(n: number): Promise<string> {
    const sessions = this.service.app.get(MemberSessions);
    const { token } = await sessions.issueLink(this.network.person(n).memberId);
    const session = await sessions.exchange(token);
    if (!session) throw new Error('the sign-in link did not work');
    return session.sessionToken;
  }

  /** Waits until every member has been sent (and delivered) a message about the group's latest version. */
  async listsSent(members: number[]): Promise<void> {
    await this.network.until('every member to be told of the latest list', async () => {
      const versions = await this.events('ContactListVersionPublished');
      const latest = versions[versions.length - 1]?.data as { version: number; entries: unknown[] } | undefined;
      if (latest?.entries.length !== members.length) return false;
      const sent = await this.events('ContactListDispatched', 'ListNoticeDispatched');
      const delivered = new Set((await this.events('ContactListDelivered')).map((event) => (event.data as { dispatchId: string }).dispatchId));
      return members.every((n) =>
        sent.some((event) => {
          const data = event.data as { recipientId: string; listVersion: number; dispatchId: string };
          return data.recipientId === this.network.person(n).memberId && data.listVersion === latest.version && delivered.has(data.dispatchId);
        }),
      );
    });
  }

  /** Waits until the disclosure log has applied everything in the log. */
  async disclosuresSettled(): Promise<void> {
    const head = await this.network.store.headPosition();
    await this.network.until('the disclosure log to catch up', async () => {
      const { rows } = await this.service.database.pool.query<{ position: string }>(`SELECT position::text FROM projection_checkpoints WHERE name = 'disclosure-log'`);
      return rows[0] !== undefined && BigInt(rows[0].position) >= head;
    });
  }
}

describe('contact lists delivered in self-service (LIST_DELIVERY=portal)', () => {
  let portal: PortalService;
  const members = [1, 2, 3]; // 2 shares only their email

  beforeAll(async () => {
    portal = new PortalService(await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0', LIST_DELIVERY: 'portal' }));
    await portal.network.openGroup();
    for (const n of members) await portal.network.join(n);
    await portal.listsSent(members);
  });
  afterAll(() => portal.service.close());

  it('sends each member notices that hold nobody’s contact data, and no list by email', async () => {
    const mails = (await readMailSink(portal.mailDir)).filter(isListMail);
    expect(mails.length).toBeGreaterThanOrEqual(members.length);
    for (const mail of mails) {
      // Every part and header but To: no member's name, address, phone or email, not even the recipient's.
      const otherHeaders = Object.entries(mail.headers).filter(([name]) => name !== 'to');
      const readable = [mail.subject, mail.text, mail.html, JSON.stringify(otherHeaders)].join('\n');
      for (const n of members) for (const value of portal.network.valuesOf(n)) expect(readable).not.toContain(value);
      expect(members.filter((n) => mail.to.includes(portal.network.person(n).email))).toHaveLength(1);
      expect(mail.text).toContain('\nhttp://localhost:3000/me/sign-in\n');
    }
    expect(await portal.events('ContactListDispatched', 'CorrectionDispatched')).toEqual([]);
    const notices = (await portal.events('ListNoticeDispatched')).map((event) => (event as unknown as ListNoticeDispatched).data);
    expect(new Set(notices.map((notice) => notice.recipientId))).toEqual(new Set(members.map((n) => portal.network.person(n).memberId)));
    expect(notices.every((notice) => notice.channel === 'email' && notice.reason === 'list-updated')).toBe(true);
  });

  it('shows a signed-in member the others’ entries, recorded first as a portal disclosure the verification accepts', async () => {
    const { network } = portal;
    expect((await network.call('/me/contact-lists')).status).toBe(401);
    const answer = await network.call('/me/contact-lists', undefined, await portal.signIn(1));
    expect(answer.status).toBe(200);
    const [list] = answer.body.groups;
    expect(answer.body.groups).toHaveLength(1);
    expect(list.diagnosisId).toBe(network.diagnosisId);
    const [two, three] = [network.person(2), network.person(3)];
    expect(list.entries).toEqual(
      [
        { name: two.name, email: two.email },
        { name: three.name, email: three.email, phone: three.phone, address: { street: three.street, postalCode: '2300', city: 'København S', country: 'DK' } },
      ]
        .sort((a, b) => new Intl.Collator('da').compare(a.name, b.name))
        .map((entry, index) => ({ number: index + 1, ...entry })),
    );

    await portal.disclosuresSettled();
    const disclosures = await network.call(`/disclosures?subjectId=${two.memberId}`, undefined, DPO_KEY);
    expect(disclosures.status).toBe(200);
    const views = disclosures.body.entries.filter((entry: { kind: string }) => entry.kind === 'contact-list-view');
    expect(views).toEqual([
      expect.objectContaining({
        kind: 'contact-list-view',
        disclosesData: true,
        channel: 'portal',
        recipientId: network.person(1).memberId,
        diagnosisId: network.diagnosisId,
        listReference: list.listReference,
        builtAtPosition: list.builtAtPosition,
        subject: { subjectId: two.memberId, fields: ['email'] },
        delivery: expect.objectContaining({ status: 'shown' }),
      }),
    ]);
    const verification = await network.call('/disclosures/verification', undefined, DPO_KEY);
    expect(verification.body).toEqual(expect.objectContaining({ ok: true }));
    expect(verification.body.entries).toBeGreaterThan(members.length);
  });

  it('lets no member choose the email where the deployment decides (409)', async () => {
    const chosen = await portal.network.call('/me/list-delivery', { delivery: 'email' }, await portal.signIn(2));
    expect(chosen.status).toBe(409);
  });

  it('shows a member who withdrew nothing, and records no disclosure; the others no longer see them', async () => {
    const { network } = portal;
    const token = await portal.signIn(1);
    expect((await network.staff('withdraw-consent', { memberId: network.person(1).memberId })).status).toBe(201);
    const viewsBefore = (await portal.events('ContactListViewed')).length;
    const answer = await network.call('/me/contact-lists', undefined, token);
    expect([answer.status, answer.body]).toEqual([200, { groups: [] }]);
    expect(await portal.events('ContactListViewed')).toHaveLength(viewsBefore);

    const three = await network.call('/me/contact-lists', undefined, await portal.signIn(3));
    expect(three.body.groups[0].entries.map((entry: { name: string }) => entry.name)).toEqual([network.person(2).name]);
    await portal.disclosuresSettled();
    const toOne = await network.call(`/disclosures?recipientId=${network.person(1).memberId}`, undefined, DPO_KEY);
    expect(toOne.body.entries.filter((entry: { kind: string }) => entry.kind === 'contact-list-view')).toHaveLength(1);
    expect((await network.call('/disclosures/verification', undefined, DPO_KEY)).body).toEqual(expect.objectContaining({ ok: true }));
  });
});

describe('contact lists where each member chooses (LIST_DELIVERY=member-choice)', () => {
  let choice: PortalService;

  beforeAll(async () => {
    choice = new PortalService(await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0', LIST_DELIVERY: 'member-choice' }));
    await choice.network.openGroup();
  });
  afterAll(() => choice.service.close());

  it('sends the list to a member who keeps email and only a notice to one who chose the portal', async () => {
    const { network } = choice;
    await network.join(1);
    await choice.listsSent([1]);
    const chosen = await network.call('/me/list-delivery', { delivery: 'portal' }, await choice.signIn(1));
    expect([chosen.status, chosen.body]).toEqual([201, { memberId: network.person(1).memberId, listDelivery: 'portal' }]);
    const before = (await readMailSink(choice.mailDir)).length;

    await network.join(3);
    await choice.listsSent([1, 3]);
    const [one, three] = [network.person(1), network.person(3)];
    const sent = (await readMailSink(choice.mailDir)).slice(before).filter(isListMail);
    const toOne = sent.filter((mail) => mail.to.includes(one.email));
    const toThree = sent.filter((mail) => mail.to.includes(three.email));
    expect(toOne).toHaveLength(1);
    for (const value of network.valuesOf(3)) expect(toOne[0].text + toOne[0].html).not.toContain(value);
    expect(toOne[0].text).toContain('/me/sign-in');
    expect(toThree).toHaveLength(1);
    expect(toThree[0].text).toContain(one.name);
    expect(toThree[0].text).toContain(one.phone);

    const dispatched = (await choice.events('ContactListDispatched')).map((event) => (event.data as { recipientId: string; listVersion: number }));
    const noticed = (await choice.events('ListNoticeDispatched')).map((event) => (event.data as { recipientId: string }).recipientId);
    expect(dispatched.filter((data) => data.listVersion === 2).map((data) => data.recipientId)).toEqual([three.memberId]);
    expect(noticed).toEqual([one.memberId]);
  });
});
