import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { MemberSessions } from '../src/member-access/member-sessions';
import { fileSink, Network } from './support/network';
import { captureLogs, occurrences, readableValues, rebuildEveryProjection } from './support/personal-data';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

describe('erasure (GDPR Art. 17) over HTTP', () => {
  let service: TestApp;
  let network: Network;
  let logs: ReturnType<typeof captureLogs>;
  const ERASED = 1;

  const mails = fileSink(() => join(service.dataDir, 'mail'));
  const erase = (memberId: string, key = SECRETARIAT_KEY) => network.call('/commands/erase-member', { memberId }, key);

  beforeAll(async () => {
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0' });
    logs = captureLogs(service);
    network = new Network(service, mails);
    await network.openGroup();
    for (const n of [1, 2, 3]) await network.join(n);
    await network.listsSettle([1, 2, 3]);
  }, 60_000);
  afterAll(async () => {
    logs?.stop();
    await service?.close();
  });

  it('erases a member for the secretariat: a receipt first, notices to the two who had the data, and nothing readable left anywhere, even after every projection is rebuilt', async () => {
    const erased = network.person(ERASED);
    // The disclosure log has seen both lists that showed the member.
    await network.until('the disclosure log', async () => {
      const { body } = await network.call(`/disclosures?subjectId=${erased.memberId}&limit=1000`, undefined, DPO_KEY);
      return new Set(body.entries.filter((entry: { disclosesData: boolean }) => entry.disclosesData).map((entry: { recipientId: string }) => entry.recipientId)).size === 2;
    });
    const { rows: copies } = await service.database.pool.query<{ personal: string }>('SELECT personal FROM member_directory WHERE member_id = $1', [erased.memberId]);
    const sealedCopy = copies[0].personal;
    expect(await occurrences(service, sealedCopy)).toEqual(expect.arrayContaining(['events.data', 'member_directory.personal', 'group_roster.personal']));

    const answer = await erase(erased.memberId);
    expect(answer).toEqual({ status: 201, body: { memberId: erased.memberId, status: 'erased', recipientsNotified: 2, receipt: 'sent' } });

    const receipt = (await mails()).find((mail) => mail.subject === 'Dine oplysninger er slettet fra Sjældne-netværket');
    expect(receipt?.to).toBe(erased.email);
    for (const item of ['dit navn', 'din e-mailadresse', 'dit telefonnummer', 'din postadresse', 'registreringen af dit samtykke', 'dit medlemskab af diagnosegruppen', 'dine tilvalg']) {
      expect(receipt?.text).toContain(`\n- ${item}`);
    }
    expect(receipt?.text).toContain('Antal medlemmer, der har fået dine oplysninger på en kontaktliste: 2.');

    const notices = await network.until('a deletion notice to each earlier recipient', async () => {
      const about = (await network.sent()).filter((message) => message.dispatch.type === 'DeletionNoticeDispatched' && message.dispatch.subjectId === erased.memberId);
      return about.length === 2 ? about : undefined;
    });
    expect(notices.map((notice) => notice.to).sort()).toEqual([network.person(2).email, network.person(3).email].sort());
    expect(notices.map((notice) => notice.dispatch.reason)).toEqual(['erased', 'erased']);
    for (const notice of notices) for (const value of network.valuesOf(ERASED)) expect(notice.text).not.toContain(value);

    const lookUp = await network.until('the directory to apply the erasure', async () => {
      const answer = await network.call(`/members/${erased.memberId}`, undefined, SECRETARIAT_KEY);
      return answer.status !== 200 || answer.body.status === 'erased' ? answer : undefined;
    });
    expect(lookUp.status).toBe(200);
    expect(lookUp.body).toEqual(expect.objectContaining({ memberId: erased.memberId, status: 'erased', personal: null, memberships: [] }));

    // Every read model made again from position 0.
    await rebuildEveryProjection(service, network);

    const readable = await readableValues(service, network);
    expect([...(readable.get(ERASED) ?? [])]).toEqual([]);
    // The same scan finds the other members where their data belongs, so it could have found the erased one.
    for (const n of [2, 3]) {
      expect([...(readable.get(n) ?? [])]).toEqual(expect.arrayContaining(['events.data', 'member_directory.personal', 'group_roster.personal', 'member_mail_recipients.personal', 'contact_list_members.personal']));
    }
    // The read models dropped even their ciphertext copies; only the log keeps it, under a shredded key.
    expect(await occurrences(service, sealedCopy)).toEqual(['events.data']);
    // No second receipt after the rebuild.
    expect((await mails()).filter((mail) => mail.to === erased.email && mail.subject === receipt?.subject)).toHaveLength(1);

    const log = logs.text();
    expect(log).toContain('POST /commands/erase-member 201');
    expect(network.valuesOf(ERASED).filter((value) => log.includes(value))).toEqual([]);
  }, 120_000);

  it('erases a signed-in member at their own request, and their session ends with it', async () => {
    const member = network.person(2);
    const sessions = service.app.get(MemberSessions);
    const session = await sessions.exchange((await sessions.issueLink(member.memberId)).token);
    const asMember = (key: string) => network.call('/me/erasure', {}, key);

    // Their data went to members 1 and 3; member 1 is erased already, so only member 3 is told.
    expect(await asMember(session?.sessionToken ?? '')).toEqual({ status: 201, body: { memberId: member.memberId, status: 'erased', recipientsNotified: 1, receipt: 'sent' } });
    expect((await mails()).filter((mail) => mail.to === member.email && mail.subject === 'Dine oplysninger er slettet fra Sjældne-netværket')).toHaveLength(1);

    expect((await asMember(session?.sessionToken ?? '')).status).toBe(401);
  });

  it('refuses a second erasure, the dpo, a staff key on the member route and an unknown member', async () => {
    const again = await erase(network.person(ERASED).memberId);
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/member-erased$/);
    expect((await erase(network.person(3).memberId, DPO_KEY)).status).toBe(403);
    expect((await network.call('/me/erasure', {}, SECRETARIAT_KEY)).status).toBe(403);
    expect((await erase(randomUUID())).status).toBe(404);
    expect((await network.call('/commands/erase-member', { memberId: 'not-a-member-id' }, SECRETARIAT_KEY)).status).toBe(400);
  });
});
