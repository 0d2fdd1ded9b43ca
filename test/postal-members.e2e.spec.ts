import { join } from 'node:path';
import { Pool } from 'pg';
import { readMailSink } from './support/mail-sink';
import { fileSink, Network } from './support/network';
import { readPdf } from './support/pdf-text';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

interface Postal {
  memberId: string;
  name: string;
  street: string;
  postalLine: string;
  phone: string;
}

/** A letter of the PDF: what stands in the envelope's window, and all its pages' text. */
interface PrintedLetter {
  window: string;
  text: string;
}

interface Disclosure {
  kind: string;
  listVersion: number | null;
  recipientId: string;
  listReference: string;
  channel: string;
  delivery: { status: string; providerMessageId: string | null };
}

/**
 * Two members without email, signed up on paper by the secretariat, in a group with members who
 * signed up on the web: one shares only their email, one withdraws after the lists went out.
 * Everything due to the postal members goes into one print batch: a PDF of letters that holds
 * the right list for each, addressed to them, and nothing the others did not consent to show.
 */
describe('members without email get their lists by post', () => {
  let service: TestApp;
  let network: Network;
  const [FULL, EMAIL_ONLY, WITHDRAWN] = [1, 2, 3];
  const postal: Postal[] = [];
  let batchId = '';
  const letters: PrintedLetter[] = [];

  const get = async (path: string, key: string, accept?: string) => {
    const response = await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${key}`, ...(accept ? { accept } : {}) } });
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: Buffer.from(await response.arrayBuffer()) };
  };
  const json = async (path: string, key: string) => JSON.parse((await get(path, key)).body.toString('utf8'));
  const pending = async (): Promise<Array<{ kind: string; recipientId: string }>> => (await json('/print-batches/pending', SECRETARIAT_KEY)).letters;
  const disclosuresTo = async (recipientId: string): Promise<Disclosure[]> => (await json(`/disclosures?recipientId=${recipientId}`, DPO_KEY)).entries;

  /** A paper sign-up entered by the secretariat: no email, consent attested, admitted at once. */
  const signUpOnPaper = async (name: string, street: string, phone: string, address: { postalCode: string; city: string; country: string }, language: string, sharedFields: string[]) => {
    const answer = await network.call(
      '/commands/join-network',
      {
        role: 'patient',
        birthYear: 1970,
        name,
        phone,
        address: { street, ...address },
        language,
        channel: 'paper',
        diagnosis: { diagnosisId: network.diagnosisId },
        consent: { textVersion: '1', given: true, sharedFields, allowTransferToGreenland: false },
      },
      SECRETARIAT_KEY,
    );
    expect(answer).toEqual({ status: 202, body: { memberId: expect.any(String), status: 'admitted' } });
    postal.push({ memberId: answer.body.memberId, name, street, postalLine: `${address.postalCode} ${address.city}`, phone });
  };

  beforeAll(async () => {
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0' });
    network = new Network(service, fileSink(() => join(service.dataDir, 'mail')));
    await network.openGroup();
    for (const n of [FULL, EMAIL_ONLY, WITHDRAWN]) await network.join(n);
    await signUpOnPaper(`Ærenpris Þorvaldsen ${network.tag}`, `Papirvej 1 ${network.tag}`, '+4520701234', { postalCode: '8000', city: 'Aarhus C', country: 'DK' }, 'da', ['address', 'phone']);
    await signUpOnPaper(`Åsa Ĳsselstein ${network.tag}`, `Brevgatan 2 ${network.tag}`, '+46701234567', { postalCode: '222 21', city: 'Lund', country: 'SE' }, 'sv', ['address']);
  }, 60_000);
  afterAll(() => service.close());

  it('puts each postal member’s lists into the print queue, dispatched with channel post, while the others get email', async () => {
    // The second postal member joined last: the list version that welcomed them went to the first too.
    const newestListVersion = async (member: Postal) => Math.max(0, ...(await disclosuresTo(member.memberId)).filter((entry) => entry.kind === 'contact-list').map((entry) => entry.listVersion ?? 0));
    await network.until('the list version of the last sign-up to reach both postal members', async () => {
      const [first, last] = await Promise.all(postal.map(newestListVersion));
      return last > 0 && first === last;
    }, 30_000);
    // Member 3 withdraws after the lists went out: earlier recipients are told to delete the entry, by post too.
    expect((await network.staff('withdraw-consent', { memberId: network.person(WITHDRAWN).memberId })).status).toBe(201);
    await network.until('a deletion notice in the print queue for each postal member', async () => {
      const queued = await pending();
      return postal.every((member) => queued.some((letter) => letter.recipientId === member.memberId && letter.kind === 'deletion'));
    });

    for (const member of postal) {
      const entries = await disclosuresTo(member.memberId);
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.map((entry) => [entry.channel, entry.delivery.status])).toEqual(entries.map(() => ['post', 'pending']));
    }
    expect((await disclosuresTo(network.person(FULL).memberId)).every((entry) => entry.channel === 'email')).toBe(true);
  }, 60_000);

  it('gives the secretariat one PDF of letters that holds the right list for each postal member and nothing members did not consent to show', async () => {
    const queued = await pending();
    const created = await network.staff('create-print-batch', {});
    expect(created).toEqual({ status: 201, body: { batchId: expect.any(String), letters: queued.length } });
    batchId = created.body.batchId;
    expect(await pending()).toEqual([]);

    const answer = await get(`/print-batches/${batchId}/pdf`, SECRETARIAT_KEY);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('application/pdf');
    expect(answer.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const [cover, ...pages] = await readPdf(answer.body);
    expect(cover.text).toContain(`${queued.length} breve`);
    // A letter begins on a page with the return line in the envelope's window (DIN 5008 B: 20-105 mm across, 45-90 mm down).
    for (const page of pages) {
      const window = page.items.filter((item) => item.x >= 20 && item.x <= 105 && item.y >= 45 && item.y <= 90).map((item) => item.text);
      if (window.some((text) => text.startsWith('Sjældne Diagnoser · Fruebjergvej 3'))) letters.push({ window: window.join('\n'), text: page.text });
      else letters[letters.length - 1].text += `\n${page.text}`;
    }
    expect(letters).toHaveLength(queued.length);

    const [dane, swede] = postal;
    const to = (member: Postal) => letters.filter((letter) => [member.name, member.street, member.postalLine].every((line) => letter.window.includes(line)));
    expect(to(dane).length + to(swede).length).toBe(letters.length);
    const newestList = (member: Postal, heading: RegExp) => to(member).map((letter) => letter.text).filter((text) => heading.test(text)).at(-1) ?? '';
    const danesList = newestList(dane, /Kontaktlisten for|Opdateret kontaktliste for/);
    const swedesList = newestList(swede, /Kontaktlistan för|Uppdaterad kontaktlista för/);
    expect(swedesList).toContain('SVERIGE');

    const full = network.person(FULL);
    const emailOnly = network.person(EMAIL_ONLY);
    for (const list of [danesList, swedesList]) {
      // Member 1 shares everything; member 2 only their email.
      for (const value of [full.name, full.street, full.email]) expect(list).toContain(value);
      expect(list).toContain(emailOnly.name);
      expect(list).toContain(emailOnly.email);
      expect(list).not.toContain(emailOnly.street);
      expect(list).not.toContain(emailOnly.phone);
    }
    // The Dane shares address and phone; the Swede only the address.
    expect(swedesList).toContain(dane.name);
    expect(swedesList).toContain(dane.street);
    expect(swedesList).toContain(dane.phone);
    expect(danesList).toContain(swede.name);
    expect(danesList).toContain(swede.street);
    expect(danesList).not.toContain(swede.phone);
    // Nobody's own phone number is on their own copy.
    expect(danesList).not.toContain(dane.phone);

    // The withdrawn member was on the lists when they were dispatched, but is printed as removed.
    const everything = letters.map((letter) => letter.text).join('\n');
    for (const value of network.valuesOf(WITHDRAWN)) expect(everything).not.toContain(value);
    expect(danesList).toContain('(oplysningerne er slettet)');
    expect(swedesList).toContain('(uppgifterna är raderade)');
  }, 60_000);

  it('records each letter in the disclosure log (channel post, verified lawful), the download in the staff access log, and delivery when the batch is posted', async () => {
    const references = new Set(letters.flatMap((letter) => letter.text.match(/SN-[0-9A-Z]{8}/g) ?? []));
    // The disclosure log is a read model: it shows the letters' dispatches once it has applied them.
    const logged = await network.until('every letter in the disclosure log', async () => {
      const entries = (await Promise.all(postal.map((member) => disclosuresTo(member.memberId)))).flat();
      return entries.length >= letters.length && entries;
    });
    expect(logged.length).toBe(letters.length);
    for (const entry of logged) expect(references.has(entry.listReference)).toBe(true);

    const csv = (await get(`/disclosures?recipientId=${postal[0].memberId}`, DPO_KEY, 'text/csv')).body.toString('utf8');
    expect(csv.split('\r\n').filter((line) => line.includes(',post,')).length).toBe(logged.filter((entry) => entry.recipientId === postal[0].memberId).length);

    const verification = await network.until('the verification to reach the last dispatch', async () => {
      const report = await json('/disclosures/verification', DPO_KEY);
      return report.checkedUpToPosition === report.logHeadPosition && report;
    });
    expect(verification).toEqual(expect.objectContaining({ ok: true }));

    // The download showed the postal members and those on their lists, not the withdrawn member.
    const lookUps = async (memberId: string) => (await json(`/access-log?memberId=${memberId}`, DPO_KEY)).entries.filter((entry: { kind: string }) => entry.kind === 'print-batch');
    for (const memberId of [...postal.map((member) => member.memberId), network.person(FULL).memberId]) {
      expect(await lookUps(memberId)).toEqual([expect.objectContaining({ kind: 'print-batch', subject: batchId, role: 'secretariat' })]);
    }
    expect(await lookUps(network.person(WITHDRAWN).memberId)).toEqual([]);

    expect((await network.call('/commands/confirm-print-batch-posted', { batchId }, DPO_KEY)).status).toBe(403);
    const confirmed = await network.staff('confirm-print-batch-posted', { batchId });
    expect(confirmed).toEqual({ status: 201, body: { batchId, posted: letters.length, notPrinted: 0 } });
    await network.until('every letter to show as delivered', async () => {
      const entries = (await Promise.all(postal.map((member) => disclosuresTo(member.memberId)))).flat();
      return entries.every((entry) => entry.delivery.status === 'delivered' && entry.delivery.providerMessageId === `post:${batchId}`);
    });
    expect((await network.staff('confirm-print-batch-posted', { batchId })).status).toBe(409);
    expect((await get(`/print-batches/${batchId}/pdf`, SECRETARIAT_KEY)).status).toBe(409);
    expect((await json('/print-batches/pending', SECRETARIAT_KEY)).openBatches).toEqual([]);
  }, 60_000);
});

/**
 * A member without email who wants the newsletter gets it by post: the mailing sender queues it
 * as a letter, the secretariat prints it in a batch with the others, and confirming the batch
 * records it as posted. The member who signed up on the web gets it by email.
 */
describe('members without email get newsletters by post', () => {
  let service: TestApp;
  let network: Network;
  let paperMemberId = '';
  const street = () => `Papirvej 7 ${network.tag}`;

  beforeAll(async () => {
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0' });
    network = new Network(service, fileSink(() => join(service.dataDir, 'mail')));
    await network.openGroup();
    await network.join(1, { wantsNewsletter: true });
    const answer = await network.call(
      '/commands/join-network',
      {
        role: 'patient',
        birthYear: 1960,
        name: `Birthe Brevsen ${network.tag}`,
        phone: '+4520709876',
        address: { street: street(), postalCode: '5000', city: 'Odense C', country: 'DK' },
        language: 'da',
        channel: 'paper',
        wantsNewsletter: true,
        diagnosis: { diagnosisId: network.diagnosisId },
        consent: { textVersion: '1', given: true, sharedFields: ['address'], allowTransferToGreenland: false },
      },
      SECRETARIAT_KEY,
    );
    expect(answer).toEqual({ status: 202, body: { memberId: expect.any(String), status: 'admitted' } });
    paperMemberId = answer.body.memberId;
  }, 60_000);
  afterAll(() => service.close());

  it('queues the newsletter as a letter, prints its subject and body to the member’s address, and records it posted when the batch is', async () => {
    const subject = `Nyhedsbrev juli ${network.tag}`;
    const body = `Sommerfesten er den 21. juli ${network.tag}`;
    const composed = await network.staff('compose-newsletter', { editions: { da: { subject, markdown: body } } });
    expect(composed.status).toBe(201);
    const { newsletterId } = composed.body;
    expect((await network.staff('send-newsletter', { newsletterId })).status).toBe(201);
    const sends = async () => (await network.call(`/newsletters/${newsletterId}`, undefined, SECRETARIAT_KEY)).body.sends;
    await network.until('the newsletter to be sent and queued', async () => {
      const counts = await sends();
      return !counts.waiting && counts.pending === 0 && counts.sent === 1 && counts.queuedForPost === 1;
    }, 30_000);
    expect((await readMailSink(join(service.dataDir, 'mail'))).filter((mail) => mail.subject === subject).map((mail) => mail.to.includes(network.person(1).email))).toEqual([true]);

    const pending = (await network.call('/print-batches/pending', undefined, SECRETARIAT_KEY)).body.letters as Array<{ source: string; kind: string; recipientId: string }>;
    expect(pending).toContainEqual(expect.objectContaining({ source: 'mailing', kind: 'newsletter', recipientId: paperMemberId }));
    const created = await network.staff('create-print-batch', {});
    expect(created.status).toBe(201);
    const { batchId } = created.body;

    const pdf = await fetch(`${service.url}/print-batches/${batchId}/pdf`, { headers: { authorization: `Bearer ${SECRETARIAT_KEY}` } });
    expect(pdf.status).toBe(200);
    const text = (await readPdf(Buffer.from(await pdf.arrayBuffer()))).map((page) => page.text).join('\n');
    for (const value of [subject, body, `Birthe Brevsen ${network.tag}`, street(), '5000 Odense C']) expect(text).toContain(value);

    const confirmed = await network.staff('confirm-print-batch-posted', { batchId });
    expect(confirmed).toEqual({ status: 201, body: { batchId, posted: created.body.letters, notPrinted: 0 } });
    expect(await sends()).toEqual({ waiting: false, pending: 0, sent: 1, rejected: 0, queuedForPost: 0, posted: 1, notPrinted: 0, noEmail: 0, notEligible: 0 });
    const [delivery] = (
      await service.app.get(Pool).query<{ status: string; provider_message_id: string }>(`SELECT status, provider_message_id FROM mailing_deliveries WHERE member_id = $1`, [paperMemberId])
    ).rows;
    expect(delivery).toEqual({ status: 'posted', provider_message_id: `post:${batchId}` });
  }, 90_000);
});
