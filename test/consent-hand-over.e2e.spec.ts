import { SchedulerRegistry } from '@nestjs/schedule';
import { join } from 'node:path';
import { ConsentHandOverCheck } from '../src/consent-hand-over/consent-hand-over-check';
import { Clock } from '../src/domain/clock';
import { fileSink, Network } from './support/network';
import { WebClient } from './support/web-client';
import { replayWithoutEventTypeFilters } from './support/event-type-filters';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Children 13 or 14 when their parents sign them up now; certainly 15 (the consent age in Denmark) from 1 January two years on. */
const BORN = new Date().getUTCFullYear() - 14;
const COMES_OF_AGE = Date.UTC(BORN + 16, 0, 1, 3);
const at = (time: number) => new Date(time).toISOString();
const TO_THE_YOUNG_PERSON = 'Du bestemmer nu selv over dit medlemskab af Sjældne-netværket';
const TO_THE_PARENT = 'Samtykket til Sjældne-netværket skal nu gives af den unge selv';

describe('the consent hand-over at coming of age, over HTTP', () => {
  let service: TestApp;
  let network: Network;
  let clock: Clock;
  /** The member a secretary signed up on paper, without email. */
  let onPaper = '';
  const CONFIRMS = 1;
  const LAPSES = 3;

  const mails = fileSink(() => join(service.dataDir, 'mail'));
  const setClock = (time: number) => jest.spyOn(clock, 'now').mockReturnValue(new Date(time));
  const check = () => service.app.get(ConsentHandOverCheck).run();
  const asParent = { role: 'relative', relation: 'parent', patientBirthYear: BORN };
  const handOverMails = async (n: number) => {
    const email = network.person(n).email;
    return (await mails()).filter((mail) => mail.to.includes(email) && [TO_THE_YOUNG_PERSON, TO_THE_PARENT].includes(mail.subject));
  };

  beforeAll(async () => {
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0' });
    clock = service.app.get(Clock);
    // Checks run only when a test runs them, even at 04:00.
    await service.app.get(SchedulerRegistry).getCronJob('consent-hand-over').stop();
    network = new Network(service, mails);
    await network.openGroup();
    await network.join(CONFIRMS, asParent);
    await network.join(2);
    await network.join(LAPSES, asParent);
    await network.join(5);
    const paper = await network.staff('join-network', {
      ...asParent,
      name: `Forælder på papir ${network.tag}`,
      phone: '+4520998877',
      address: { street: 'Papirvej 1', postalCode: '2100', city: 'København Ø', country: 'DK' },
      language: 'da',
      diagnosis: { diagnosisId: network.diagnosisId },
      consent: { textVersion: '1', given: true },
      channel: 'paper',
    });
    expect(paper.body).toEqual({ memberId: expect.any(String), status: 'admitted' });
    onPaper = paper.body.memberId;
    await network.listsSettle([1, 2, 3, 5]);
  }, 90_000);
  afterAll(async () => {
    jest.restoreAllMocks();
    await service?.close();
  });

  it('asks nobody before the young people have certainly come of age', async () => {
    setClock(COMES_OF_AGE - DAY_MS);
    expect(await check()).toEqual({ status: 'completed', requested: 0, lapsed: 0, failed: 0 });
  });

  it('on 1 January after they turn 15, emails each young person (at the family’s address) and their parent; the secretariat sees who must answer by when', async () => {
    setClock(COMES_OF_AGE);
    expect(await check()).toEqual({ status: 'completed', requested: 3, lapsed: 0, failed: 0 });
    const lapsesAt = at(COMES_OF_AGE + 60 * DAY_MS);

    for (const n of [CONFIRMS, LAPSES]) {
      const parent = network.person(n);
      const received = await network.until(`both hand-over mails of ${n}`, async () => {
        const found = await handOverMails(n);
        return found.length === 2 ? found : undefined;
      });
      const young = received.find((mail) => mail.subject === TO_THE_YOUNG_PERSON);
      expect(young?.text).toContain(`meldt ind i Sjældne-netværket af ${parent.name}`);
      expect(young?.text).toMatch(/\/consent-hand-over\?token=[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}\n/);
      const relative = received.find((mail) => mail.subject === TO_THE_PARENT);
      expect(relative?.text).toContain(`Kære ${parent.name}`);
      expect(relative?.text).not.toContain('token=');
    }
    // Patients who consented themselves are asked nothing.
    expect(await handOverMails(2)).toEqual([]);

    const open = await network.until('the hand-overs read model', async () => {
      const answer = await network.call('/consent-hand-overs', undefined, SECRETARIAT_KEY);
      return answer.status !== 200 || answer.body.length === 3 ? answer : undefined;
    });
    expect(open.status).toBe(200);
    expect(open.body).toEqual(
      expect.arrayContaining([network.person(CONFIRMS).memberId, network.person(LAPSES).memberId, onPaper].map((memberId) => ({ memberId, requestedAt: at(COMES_OF_AGE), lapsesAt }))),
    );
    expect(open.body).toHaveLength(3);
    expect((await network.call('/consent-hand-overs', undefined, DPO_KEY)).status).toBe(403);
    // The next day's check asks nobody again.
    setClock(COMES_OF_AGE + DAY_MS);
    expect(await check()).toEqual({ status: 'completed', requested: 0, lapsed: 0, failed: 0 });
  });

  it('lets the young person confirm with the link, once: the consent is then their own', async () => {
    setClock(COMES_OF_AGE + 2 * DAY_MS);
    const young = (await handOverMails(CONFIRMS)).find((mail) => mail.subject === TO_THE_YOUNG_PERSON);
    const token = decodeURIComponent(/token=([^\s"&<]+)/.exec(young?.text ?? '')?.[1] ?? '');
    const memberId = network.person(CONFIRMS).memberId;

    expect((await network.call('/commands/confirm-consent', { token, textVersion: '99' })).body.type).toMatch(/unknown-consent-version$/);
    expect((await network.call('/commands/confirm-consent', { token: `${token.slice(0, -4)}AAAA`, textVersion: '1' })).status).toBe(400);
    expect(await network.call('/commands/confirm-consent', { token, textVersion: '1' })).toEqual({ status: 200, body: { memberId, confirmedAt: at(COMES_OF_AGE + 2 * DAY_MS) } });
    const again = await network.call('/commands/confirm-consent', { token, textVersion: '1' });
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/already-confirmed$/);

    const record = await network.until('the directory to show the young person’s consent', async () => {
      const { body } = await network.call(`/members/${memberId}`, undefined, SECRETARIAT_KEY);
      return body.consent.givenBy === 'self' ? body : undefined;
    });
    expect(record).toMatchObject({ status: 'admitted', consent: { givenBy: 'self', textVersion: '1', givenAt: at(COMES_OF_AGE + 2 * DAY_MS), attestedByStaff: false } });
  });

  it('opens the emailed link as a page with the consent text in full that changes nothing; its button runs the same confirmation', async () => {
    const young = (await handOverMails(CONFIRMS)).find((mail) => mail.subject === TO_THE_YOUNG_PERSON);
    const link = /\/consent-hand-over\?token=[^\s"<]+/.exec(young?.text ?? '')?.[0] ?? '';
    const token = decodeURIComponent(link.slice(link.indexOf('=') + 1));
    const browser = new WebClient(service.url);
    const head = await network.store.headPosition();

    const page = await browser.get(link);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Bekræft dit samtykke</h1>');
    expect(page.html).toContain('name="textVersion" value="1"');
    expect(page.html).toContain(`name="token" value="${token}"`);
    expect(await network.store.headPosition()).toBe(head);

    // Confirmed already through the API above: the page's button says so, in the member's language.
    const again = await browser.post('/consent-hand-over', { token, textVersion: '1', language: 'da' });
    expect(again.status).toBe(409);
    expect(again.html).toContain('Du har allerede bekræftet dit samtykke.');
    const forged = await browser.post('/consent-hand-over', { token: `${token.slice(0, -4)}AAAA`, textVersion: '1', language: 'da' });
    expect(forged.status).toBe(400);
    expect(forged.html).toContain('Linket er ikke gyldigt.');
    const withoutCsrf = await browser.post('/consent-hand-over', { token, textVersion: '1', _csrf: 'forged' });
    expect(withoutCsrf.status).toBe(403);
    expect(await network.store.headPosition()).toBe(head);
  });

  it('lets the secretariat record a confirmation by phone for a member without email (never the dpo)', async () => {
    const body = { memberId: onPaper, channel: 'phone', textVersion: '1' };
    expect((await network.call('/commands/record-consent-confirmation', body, DPO_KEY)).status).toBe(403);
    expect(await network.staff('record-consent-confirmation', body)).toEqual({ status: 200, body: { memberId: onPaper, confirmedAt: at(COMES_OF_AGE + 2 * DAY_MS) } });
    await network.until('the directory to show the attested consent', async () => {
      const { body: record } = await network.call(`/members/${onPaper}`, undefined, SECRETARIAT_KEY);
      return record.consent.givenBy === 'self' && record.consent.attestedByStaff;
    });
    await network.until('the list of open hand-overs to shrink', async () => {
      const { body: open } = await network.call('/consent-hand-overs', undefined, SECRETARIAT_KEY);
      return open.length === 1 && open[0].memberId === network.person(LAPSES).memberId;
    });
  });

  it('lets an unconfirmed consent lapse after 60 days: the member leaves the lists, earlier recipients are told to delete the entry, and the log still verifies', async () => {
    const lapsing = network.person(LAPSES);
    setClock(COMES_OF_AGE + 60 * DAY_MS - 1);
    expect(await check()).toEqual({ status: 'completed', requested: 0, lapsed: 0, failed: 0 });
    setClock(COMES_OF_AGE + 60 * DAY_MS);
    expect(await check()).toEqual({ status: 'completed', requested: 0, lapsed: 1, failed: 0 });

    const record = await network.until('the directory to show the lapse', async () => {
      const { body } = await network.call(`/members/${lapsing.memberId}`, undefined, SECRETARIAT_KEY);
      return body.status === 'consent-lapsed' ? body : undefined;
    });
    expect(record.memberships).toEqual([{ diagnosisId: network.diagnosisId, status: 'withdrawn' }]);

    const notices = await network.until('a deletion notice to each earlier recipient with email', async () => {
      const about = (await network.sent()).filter((message) => message.dispatch.type === 'DeletionNoticeDispatched' && message.dispatch.subjectId === lapsing.memberId);
      return about.length === 3 ? about : undefined;
    });
    expect(notices.map((notice) => notice.to).sort()).toEqual([1, 2, 5].map((n) => network.person(n).email).sort());
    expect(notices.map((notice) => notice.dispatch.reason)).toEqual(['withdrawn', 'withdrawn', 'withdrawn']);

    // The young person's link no longer works.
    const young = (await handOverMails(LAPSES)).find((mail) => mail.subject === TO_THE_YOUNG_PERSON);
    const token = decodeURIComponent(/token=([^\s"&<]+)/.exec(young?.text ?? '')?.[1] ?? '');
    const late = await network.call('/commands/confirm-consent', { token, textVersion: '1' });
    expect(late.status).toBe(409);
    expect(late.body.type).toMatch(/hand-over-lapsed$/);

    // The next list leaves the lapsed member out.
    await network.join(7);
    const lists = await network.listsSettle([1, 2, 5, 7]);
    for (const n of [1, 2, 5, 7]) expect(lists.get(n)?.text).not.toContain(lapsing.name);

    const verification = await network.until('the disclosure log to verify', async () => {
      const { body } = await network.call('/disclosures/verification', undefined, DPO_KEY);
      return body.ok === true && BigInt(body.checkedUpToPosition) >= BigInt(body.logHeadPosition) ? body : undefined;
    });
    expect(verification.ok).toBe(true);
  }, 90_000);
  // Last: it stops the service's projections.
  it('built every read model from only the event types it declares (a replay of every event gives the same)', async () => {
    await replayWithoutEventTypeFilters(service);
  });
});
