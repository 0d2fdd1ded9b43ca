import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Pool } from 'pg';
import { memberStream } from '../contracts/events/membership.events';
import { readMailSink } from './support/mail-sink';
import { follow, linksTo } from './support/mail-links';
import { fileSink, type Message, Network } from './support/network';
import { type SesEmulator, startSesEmulator } from './support/ses-emulator';
import { replayWithoutEventTypeFilters } from './support/event-type-filters';
import { SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

const WANTS = { wantsNewsletter: true };

/** Composes a newsletter and sends it off; resolves once every mail of it is settled. */
async function sendNewsletter(network: Network, editions: Record<string, { subject: string; markdown: string }>): Promise<string> {
  const composed = await network.staff('compose-newsletter', { editions });
  expect(composed.status).toBe(201);
  const { newsletterId } = composed.body;
  expect((await network.staff('send-newsletter', { newsletterId })).status).toBe(201);
  await network.until('the newsletter to be sent', async () => {
    const { sends } = (await network.call(`/newsletters/${newsletterId}`, undefined, SECRETARIAT_KEY)).body;
    return !sends.waiting && sends.pending === 0 && sends.sent > 0;
  });
  return newsletterId;
}

/** A header field of a sunk mail as written, unfolded (the parser folds List-* fields into one structure). */
async function rawHeader(path: string, name: string): Promise<string | undefined> {
  const head = (await readFile(path, 'utf8')).split('\r\n\r\n')[0].replace(/\r\n[ \t]+/g, ' ');
  const line = head.split('\r\n').find((field) => field.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

async function optInWithdrawals(network: Network, n: number) {
  return (await network.store.readStream(memberStream(network.person(n).memberId))).filter((event) => event.type === 'OptInWithdrawn');
}

describe('newsletters over HTTP, through the file transport', () => {
  let service: TestApp;
  let network: Network;
  const mailDir = () => join(service.dataDir, 'mail');
  const [WITHDRAWN, RESTRICTED] = [3, 5];

  beforeAll(async () => {
    service = await startTestApp();
    network = new Network(service, fileSink(mailDir));
    await network.openGroup();
    // 1 (Danish), 6 (Swedish) and 8 (English) want the newsletter; 2 does not; 3 and 5 do but leave or are restricted.
    for (const n of [1, 6, 8, WITHDRAWN, RESTRICTED]) await network.join(n, WANTS);
    await network.join(2);
    expect((await network.staff('withdraw-consent', { memberId: network.person(WITHDRAWN).memberId })).status).toBe(201);
    expect((await network.staff('restrict-member', { memberId: network.person(RESTRICTED).memberId, reason: 'Mistanke om falsk tilmelding' })).status).toBe(201);
  });
  afterAll(() => service.close());

  const mailsWithSubject = async (...subjects: string[]) => (await readMailSink(mailDir())).filter((mail) => subjects.includes(mail.subject));

  it('mails each admitted member who wants it, in their language, with a one-click unsubscribe link and nobody else’s data', async () => {
    const da = `Nyhedsbrev juni ${network.tag}`;
    const en = `Newsletter June ${network.tag}`;
    const newsletterId = await sendNewsletter(network, {
      da: { subject: da, markdown: '## Sommer\n\nVi ses til **Sjældne-træf**.\n\n<script>alert(1)</script>\n\n![pixel](https://tracker.example.org/p.gif)' },
      en: { subject: en, markdown: '## Summer\n\nSee you at **Sjældne-træf**.' },
    });
    expect((await network.call(`/newsletters/${newsletterId}`, undefined, SECRETARIAT_KEY)).body).toEqual({
      newsletterId,
      editions: expect.objectContaining({ da: expect.objectContaining({ subject: da }) }),
      composedAt: expect.any(String),
      sendRequestedAt: expect.any(String),
      sends: { waiting: false, pending: 0, sent: 3, rejected: 0, queuedForPost: 0, posted: 0, notPrinted: 0, noEmail: 0, notEligible: 0 },
    });

    const mails = await mailsWithSubject(da, en);
    const to = (n: number) => mails.filter((mail) => mail.to.includes(network.person(n).email));
    expect(mails).toHaveLength(3);
    expect([to(1)[0].subject, to(6)[0].subject, to(8)[0].subject]).toEqual([da, da, en]); // no Swedish edition: the Danish one
    expect(to(6)[0].text).toMatch(/^Kære /);
    expect(to(8)[0].text).toMatch(/^Dear /);
    for (const n of [1, 6, 8]) {
      const [mail] = to(n);
      const [unsubscribe] = linksTo(mail.text, '/unsubscribe');
      expect(await rawHeader(join(mailDir(), mail.file), 'List-Unsubscribe')).toBe(`<${unsubscribe}>`);
      expect(await rawHeader(join(mailDir(), mail.file), 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(mail.html).toContain(`href="${unsubscribe.replaceAll('=', '&#x3D;')}"`);
      expect(mail.html).toContain('<strong>Sjældne-træf</strong>');
      expect(mail.html).not.toMatch(/<script|<img|tracker\.example\.org|alert/);
      expect(mail.text).toContain(network.person(n).name);
      for (const other of [...network.people.keys()].filter((m) => m !== n)) {
        for (const value of network.valuesOf(other)) expect(`${mail.text}${mail.html}`).not.toContain(value);
      }
    }
  }, 60_000);

  it('unsubscribes with the link: its page changes nothing, its POST withdraws the newsletter opt-in, once', async () => {
    const [mail] = (await readMailSink(mailDir())).filter((message) => message.to.includes(network.person(1).email) && message.subject.startsWith('Nyhedsbrev juni'));
    const [link] = linksTo(mail.text, '/unsubscribe');

    const page = await follow(service, link);
    expect(page).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: expect.stringContaining('<form method="post" action="unsubscribe?token') });
    expect(page.body).toContain('Vil du afmelde Sjældne-netværkets nyhedsbrev?');
    expect(await optInWithdrawals(network, 1)).toEqual([]);

    const done = await follow(service, link, 'POST');
    expect(done.status).toBe(200);
    expect(done.body).toContain('Du er afmeldt nyhedsbrevet');
    expect((await follow(service, link, 'POST')).status).toBe(200);
    const withdrawals = await optInWithdrawals(network, 1);
    expect(withdrawals.map((event) => ({ data: event.data, actorRole: event.metadata.actorRole }))).toEqual([
      { data: { memberId: network.person(1).memberId, optIn: 'newsletter', withdrawnBy: 'member', withdrawnAt: expect.any(String) }, actorRole: 'member' },
    ]);

    const forged = link.replace(network.person(1).memberId, network.person(6).memberId);
    expect((await follow(service, forged, 'POST')).status).toBe(404);
    expect(await optInWithdrawals(network, 6)).toEqual([]);
  }, 30_000);

  it('leaves out who unsubscribed from the next newsletter, and sends each newsletter once', async () => {
    const subject = `Nyhedsbrev december ${network.tag}`;
    const newsletterId = await sendNewsletter(network, { da: { subject, markdown: 'Glædelig jul.' } });
    const recipients = (await mailsWithSubject(subject)).map((mail) => mail.to).sort();
    expect(recipients).toEqual([network.person(6).email, network.person(8).email].sort());
    expect((await network.staff('send-newsletter', { newsletterId })).status).toBe(409);
    expect((await network.staff('compose-newsletter', { newsletterId, editions: { da: { subject, markdown: 'Rettet' } } })).status).toBe(409);
  }, 60_000);

  it('answers an unsubscribe link clicked several times at once with the done page each time, and withdraws once', async () => {
    const subject = `Nyhedsbrev december ${network.tag}`;
    const [mail] = (await mailsWithSubject(subject)).filter((message) => message.to.includes(network.person(8).email));
    const [link] = linksTo(mail.text, '/unsubscribe');
    const answers = await Promise.all(Array.from({ length: 4 }, () => follow(service, link, 'POST')));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(await optInWithdrawals(network, 8)).toHaveLength(1);
  }, 30_000);

  it('refuses a newsletter without a Danish edition, naming the field', async () => {
    const refused = await network.staff('compose-newsletter', { editions: { en: { subject: 'Newsletter', markdown: 'Hello' } } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'editions.da' })]);
  });
  // Last: it stops the service's projections.
  it('built every read model from only the event types it declares (a replay of every event gives the same)', async () => {
    await replayWithoutEventTypeFilters(service);
  });
});

describe('newsletters over HTTP, through SES (aws-ses-v2-local)', () => {
  let ses: SesEmulator;
  let service: TestApp;
  let network: Network;

  beforeAll(async () => {
    ses = await startSesEmulator();
    service = await startTestApp({ MAIL_TRANSPORT: 'ses', SES_ENDPOINT: ses.endpoint });
    network = new Network(service, () => ses.messages());
    await network.openGroup();
    await network.join(1, WANTS);
    await network.join(2);
  });
  afterAll(async () => {
    await service?.close();
    await ses?.close();
  });

  it('sends through SES, records each send with its SES message id, and the link in the mail unsubscribes', async () => {
    const subject = `Nyhedsbrev ${network.tag}`;
    await sendNewsletter(network, { da: { subject, markdown: 'Hej fra **Sjældne-netværket**.' } });
    const mails: Message[] = (await ses.messages()).filter((message) => message.subject === subject);
    expect(mails.map((mail) => mail.to)).toEqual([network.person(1).email]);
    const recorded = await service.app.get(Pool).query<{ provider_message_id: string }>(`SELECT provider_message_id FROM mailing_deliveries WHERE kind = 'newsletter' AND status = 'sent'`);
    expect(recorded.rows.map((row) => row.provider_message_id)).toEqual([mails[0].key]);

    const [link] = linksTo(mails[0].text, '/unsubscribe');
    expect((await follow(service, link, 'POST')).status).toBe(200);
    expect((await optInWithdrawals(network, 1)).map((event) => event.data)).toEqual([expect.objectContaining({ optIn: 'newsletter', withdrawnBy: 'member' })]);
  }, 60_000);
});
