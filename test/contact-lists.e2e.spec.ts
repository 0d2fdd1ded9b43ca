import startSesEmulator from 'aws-ses-v2-local';
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { RecordedEvent } from '../contracts/events/event-envelope';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port';
import { readMailSink } from './support/mail-sink';
import { SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

/** A message as the recipient sees it, whichever transport carried it. */
interface Message {
  key: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

interface Dispatch {
  type: 'ContactListDispatched' | 'CorrectionDispatched' | 'DeletionNoticeDispatched';
  dispatchId: string;
  recipientId: string;
  subjectId?: string;
  reason?: string;
  listVersion?: number;
  listReference: string;
}

interface Person {
  number: number;
  name: string;
  email: string;
  phone: string;
  street: string;
  greenlander: boolean;
  allowsGreenland: boolean;
  shares: string[];
  language: string;
}

const FIRST_NAMES = ['Åse', 'Søren', 'Þóra', 'Ægir', 'Ðalla', 'Øystein', 'Björk', 'Ingrid', 'Jón', 'Märta'];

/** The n-th person of a test: Danish unless n = 4 (in Greenland); odd numbers allow transfer to Greenland; 2 shares only email. */
function personOf(n: number, tag: string): Person {
  const nn = String(n).padStart(2, '0');
  const greenlander = n === 4;
  return {
    number: n,
    name: `${FIRST_NAMES[n % FIRST_NAMES.length]} Ærø-Þórðardóttir ${nn}${tag}`,
    email: `m${nn}.${tag}@example.org`,
    phone: greenlander ? '+299321234' : `+45201122${nn}`,
    street: `Ølandsgade ${nn} ${tag}`,
    greenlander,
    allowsGreenland: n % 2 === 1,
    shares: n === 2 ? ['email'] : ['address', 'phone', 'email'],
    language: n === 6 ? 'sv' : n === 8 ? 'en' : 'da',
  };
}

const signUpOf = (person: Person, diagnosisId: string) => ({
  role: 'patient',
  birthYear: 1980 + person.number,
  name: person.name,
  email: person.email,
  phone: person.phone,
  address: person.greenlander
    ? { street: person.street, postalCode: '3900', city: 'Nuuk', country: 'GL' }
    : { street: person.street, postalCode: '2300', city: 'København S', country: 'DK' },
  language: person.language,
  diagnosis: { diagnosisId },
  consent: { textVersion: '1', given: true, sharedFields: person.shares, allowTransferToGreenland: person.allowsGreenland },
});

/**
 * Drives the service over HTTP the way its users do, and reads what it sent: every message is
 * matched to the dispatch event whose reference it prints (so the log never under-reports).
 */
class Network {
  readonly people = new Map<number, Person & { memberId: string }>();
  diagnosisId = '';

  constructor(
    private readonly service: TestApp,
    private readonly readMessages: () => Promise<Message[]>,
    readonly tag = randomUUID().slice(0, 6),
  ) {}

  get store(): EventStore {
    return this.service.app.get<EventStore>(EVENT_STORE);
  }

  async call(path: string, body?: unknown, key?: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await fetch(`${this.service.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  staff(name: string, body: unknown) {
    return this.call(`/commands/${name}`, body, SECRETARIAT_KEY);
  }

  async openGroup(): Promise<void> {
    const registered = await this.staff('register-diagnosis', { name: `Bardet-Biedl syndrom ${this.tag}`, orphaCode: 'ORPHA:110' });
    expect(registered.status).toBe(201);
    this.diagnosisId = registered.body.diagnosisId;
    await this.until('the group to open', async () => (await this.call('/diagnoses')).body.some((d: { diagnosisId: string }) => d.diagnosisId === this.diagnosisId));
  }

  /** Signs up on the web and follows the link in the verification email. */
  async join(n: number): Promise<void> {
    const person = personOf(n, this.tag);
    const joined = await this.call('/commands/join-network', signUpOf(person, this.diagnosisId));
    expect(joined.status).toBe(202);
    const mail = await this.until(`the verification mail of ${n}`, async () =>
      (await this.readMessages()).find((message) => message.to.includes(person.email) && /token=/.test(message.text)),
    );
    const token = decodeURIComponent(/token=([^\s"&<]+)/.exec(mail.text)?.[1] ?? '');
    const verified = await this.call('/commands/verify-email', { token });
    expect(verified.body).toEqual({ memberId: joined.body.memberId, status: 'admitted' });
    this.people.set(n, { ...person, memberId: joined.body.memberId });
  }

  person(n: number): Person & { memberId: string } {
    const person = this.people.get(n);
    if (!person) throw new Error(`no member ${n}`);
    return person;
  }

  async dispatches(): Promise<Map<string, Dispatch>> {
    const events: RecordedEvent[] = [];
    for (let after = 0n; ; ) {
      const batch = await this.store.readAll({ after, filter: { eventTypes: ['ContactListDispatched', 'CorrectionDispatched', 'DeletionNoticeDispatched'] }, maxCount: 5000 });
      if (batch.length === 0) break;
      events.push(...batch);
      after = batch[batch.length - 1].position;
    }
    return new Map(events.map((event) => [(event.data as Dispatch).listReference, { ...(event.data as Dispatch), type: event.type as Dispatch['type'] }]));
  }

  /** Every contact-list message sent so far, with its dispatch; fails for a message the log does not know. */
  async sent(): Promise<Array<Message & { dispatch: Dispatch }>> {
    const [messages, dispatches] = await Promise.all([this.readMessages(), this.dispatches()]);
    return messages.flatMap((message) => {
      const references = message.text.match(/SN-[0-9A-Z]{8}/g);
      if (!references) return []; // a verification email
      const dispatch = dispatches.get(references[references.length - 1]);
      if (!dispatch) throw new Error(`a message in the sink has no dispatch record: ${message.key}`);
      return [{ ...message, dispatch }];
    });
  }

  /** The newest list each member has received, by member number. */
  async latestLists(): Promise<Map<number, Message & { dispatch: Dispatch }>> {
    const lists = (await this.sent()).filter((message) => message.dispatch.type === 'ContactListDispatched');
    const latest = new Map<number, Message & { dispatch: Dispatch }>();
    for (const [n, person] of this.people) {
      const own = lists.filter((message) => message.dispatch.recipientId === person.memberId).sort((a, b) => (a.dispatch.listVersion ?? 0) - (b.dispatch.listVersion ?? 0));
      if (own.length > 0) latest.set(n, own[own.length - 1]);
    }
    return latest;
  }

  /** Who a member's list must show: every other active member, and for a member in Greenland only those who allowed it. */
  expectedOn(n: number, active: number[]): number[] {
    const recipient = this.person(n);
    return active.filter((other) => other !== n && (!recipient.greenlander || this.person(other).allowsGreenland));
  }

  /** Waits until every active member's newest list shows exactly whom it should. */
  async listsSettle(active: number[]): Promise<Map<number, Message & { dispatch: Dispatch }>> {
    const everyone = [...this.people.keys()];
    const wrong = async () => {
      const latest = await this.latestLists();
      return active.filter((n) => {
        const list = latest.get(n);
        if (!list) return true;
        const shown = everyone.filter((other) => other !== n && list.text.includes(this.person(other).name));
        return shown.join() !== this.expectedOn(n, active).join();
      });
    };
    await this.until('every list to show the right members', async () => (await wrong()).length === 0, 40_000);
    return this.latestLists();
  }

  async until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** A member's personal values as they could appear in a message. */
  valuesOf(n: number): string[] {
    const person = this.person(n);
    return [person.name, person.email, person.phone, person.street];
  }
}

/** Reads the file sink, parsing each .eml once. */
function fileSink(directory: () => string): () => Promise<Message[]> {
  const parsed = new Map<string, Message>();
  return async () => {
    const files = (await readdir(directory()).catch(() => [] as string[])).filter((file) => file.endsWith('.eml') && !parsed.has(file));
    if (files.length > 0) {
      const mails = await readMailSink(directory());
      for (const mail of mails) if (!parsed.has(mail.file)) parsed.set(mail.file, { key: mail.file, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    }
    return [...parsed.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  };
}

describe('contact lists over HTTP, through the file sink', () => {
  let service: TestApp;
  let network: Network;
  const GROUP_SIZE = 20;
  const [WITHDRAWN, RESTRICTED, CORRECTED, NEWCOMER] = [3, 5, 7, 21];
  const NEW_PHONE = '+4520998877';

  beforeAll(async () => {
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0' });
    network = new Network(service, fileSink(() => join(service.dataDir, 'mail')));
    await network.openGroup();
  });
  afterAll(() => service.close());

  it('gives each of 20 members joining one by one the list of all the others; a member in Greenland sees only those who allowed it', async () => {
    for (let n = 1; n <= GROUP_SIZE; n++) await network.join(n);
    const everyone = Array.from({ length: GROUP_SIZE }, (_, i) => i + 1);
    const latest = await network.listsSettle(everyone);

    const greenlander = latest.get(4)!;
    expect(greenlander.dispatch).toEqual(expect.objectContaining({ type: 'ContactListDispatched' }));
    expect(greenlander.text).toContain('Fordi du bor i Grønland');
    expect(greenlander.text).not.toContain(network.person(2).name);
    // Member 2 shares only their email: their entry shows nothing else.
    const two = network.person(2);
    const onAnnasList = latest.get(1)!.text;
    expect(onAnnasList).toMatch(new RegExp(`\\d+\\. ${two.name}\\n   E-mail: ${two.email.replace(/\./g, '\\.')}\\n\\n`));
    expect(onAnnasList).toContain(`${network.person(4).street}, 3900 Nuuk, Grønland`);
    // Each member's language: Swedish for 6, English for 8.
    expect(latest.get(6)!.subject).toMatch(/kontaktlista|Kontaktlistan/);
    expect(latest.get(8)!.subject).toMatch(/contact list/);

    // The last to join got a welcome; the first got updates with the newcomers marked.
    const sent = await network.sent();
    const welcomes = sent.filter((message) => message.dispatch.recipientId === network.person(GROUP_SIZE).memberId);
    expect(welcomes[0].subject).toBe(`Kontaktlisten for Bardet-Biedl syndrom ${network.tag} i Sjældne-netværket`);
    const firstsLast = latest.get(1)!;
    expect(firstsLast.subject).toBe(`Opdateret kontaktliste for Bardet-Biedl syndrom ${network.tag}`);
    expect(firstsLast.text).toContain(`${network.person(GROUP_SIZE).name} (NY)`);
  }, 60_000);

  it('asks every earlier recipient to delete the entries of a withdrawn and a restricted member, without their data, and sends a corrected entry', async () => {
    const before = await network.sent();
    const withdrawn = network.person(WITHDRAWN);
    const restricted = network.person(RESTRICTED);
    const corrected = network.person(CORRECTED);
    expect((await network.staff('withdraw-consent', { memberId: withdrawn.memberId })).status).toBe(201);
    expect((await network.staff('restrict-member', { memberId: restricted.memberId, reason: 'Undersøger en henvendelse' })).status).toBe(201);
    expect((await network.staff('update-contact-details', { memberId: corrected.memberId, phone: '+45 20 99 88 77' })).status).toBe(201);

    const others = (n: number) => [...network.people.keys()].filter((other) => other !== n);
    const expectedNotices = others(WITHDRAWN).length + others(RESTRICTED).length;
    // Everyone still on the lists who held the corrected entry (all but the withdrawn, the restricted and the member themself).
    const expectedCorrections = others(CORRECTED).filter((n) => n !== WITHDRAWN && n !== RESTRICTED).length;
    const after = await network.until('the notices and corrections', async () => {
      const now = (await network.sent()).slice(before.length);
      const notices = now.filter((message) => message.dispatch.type === 'DeletionNoticeDispatched');
      const corrections = now.filter((message) => message.dispatch.type === 'CorrectionDispatched');
      return notices.length === expectedNotices && corrections.length === expectedCorrections ? now : undefined;
    });

    const notices = after.filter((message) => message.dispatch.type === 'DeletionNoticeDispatched');
    for (const subject of [WITHDRAWN, RESTRICTED]) {
      const about = notices.filter((message) => message.dispatch.subjectId === network.person(subject).memberId);
      expect(about.map((message) => message.to).sort()).toEqual(others(subject).map((n) => network.person(n).email).sort());
      for (const notice of about) {
        for (const value of network.valuesOf(subject)) {
          expect(notice.text).not.toContain(value);
          expect(notice.html).not.toContain(value);
        }
      }
    }
    // The notice does not say why: about the withdrawn and about the restricted member it reads the same.
    const neutral = (text: string) => text.replace(/SN-[0-9A-Z]{8}/g, 'SN-…').replace(/\d+/g, '#');
    const first = network.person(1).memberId;
    const [aboutWithdrawn, aboutRestricted] = [withdrawn, restricted].map(
      (subject) => notices.find((message) => message.dispatch.recipientId === first && message.dispatch.subjectId === subject.memberId)!,
    );
    expect(neutral(aboutWithdrawn.text)).toBe(neutral(aboutRestricted.text));
    expect([aboutWithdrawn.dispatch.reason, aboutRestricted.dispatch.reason]).toEqual(['withdrawn', 'restricted']);
    const corrections = after.filter((message) => message.dispatch.type === 'CorrectionDispatched');
    expect(corrections.map((message) => message.to)).not.toContain(withdrawn.email);
    expect(corrections.map((message) => message.to)).not.toContain(restricted.email);
    for (const correction of corrections) {
      expect(correction.text).toContain(corrected.name);
      expect(correction.text).toContain(NEW_PHONE);
      expect(correction.text).not.toContain(corrected.phone);
    }
    // Nobody got a new list: a change is not news.
    expect(after.filter((message) => message.dispatch.type === 'ContactListDispatched')).toEqual([]);
  }, 40_000);

  it('leaves the withdrawn and the restricted member off the next list, and sends them none', async () => {
    const before = await network.sent();
    await network.join(NEWCOMER);
    const active = [...network.people.keys()].filter((n) => n !== WITHDRAWN && n !== RESTRICTED);
    const latest = await network.listsSettle(active);

    const later = (await network.sent()).slice(before.length).filter((message) => message.dispatch.type === 'ContactListDispatched');
    expect(later.map((message) => message.to).sort()).toEqual(active.map((n) => network.person(n).email).sort());
    for (const message of later) {
      for (const value of [...network.valuesOf(WITHDRAWN), ...network.valuesOf(RESTRICTED)]) expect(message.text).not.toContain(value);
    }
    expect(latest.get(1)!.text).toContain(`${network.person(CORRECTED).name}\n   ${network.person(CORRECTED).street}, 2300 København S, Danmark\n   Telefon: ${NEW_PHONE}\n`);
    expect(latest.get(NEWCOMER)!.subject).toBe(`Kontaktlisten for Bardet-Biedl syndrom ${network.tag} i Sjældne-netværket`);
  }, 40_000);

  it('records no personal value in the contact-list events or the outbox, and a delivery for every dispatch', async () => {
    const store = network.store;
    const events: RecordedEvent[] = [];
    for (let after = 0n; ; ) {
      const batch = await store.readAll({ after, maxCount: 5000 });
      if (batch.length === 0) break;
      events.push(...batch.filter((event) => event.streamId.startsWith('contact-list-') || event.streamId.startsWith('dispatch-')));
      after = batch[batch.length - 1].position;
    }
    const logged = JSON.stringify(events.map(({ streamId, metadata, data }) => ({ streamId, metadata, data })));
    const values = [...network.people.keys()].flatMap((n) => network.valuesOf(n));
    expect(values.filter((value) => logged.includes(value))).toEqual([]);
    const outbox = JSON.stringify((await service.database.pool.query('SELECT * FROM contact_list_outbox')).rows);
    expect(values.filter((value) => outbox.includes(value))).toEqual([]);

    const dispatched = events.filter((event) => event.type.endsWith('Dispatched')).length;
    const delivered = await network.until('a delivery for every dispatch', async () => {
      const found = await store.readAll({ filter: { eventTypes: ['ContactListDelivered'] }, maxCount: 5000 });
      return found.length >= dispatched ? found : undefined;
    });
    expect(delivered).toHaveLength(dispatched);
    expect(delivered.every((event) => (event.data as { resent: boolean }).resent === false)).toBe(true);
    expect((await network.sent()).length).toBe(dispatched);
  });
});

interface StoredSesEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

describe('contact lists over HTTP, through SES (aws-ses-v2-local)', () => {
  let emulator: Server;
  let endpoint: string;
  let service: TestApp;
  let network: Network;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    emulator = await startSesEmulator({ host: '127.0.0.1', port: 0 });
    endpoint = `http://127.0.0.1:${(emulator.address() as AddressInfo).port}`;
    // The emulator takes any credentials; the SDK reads them from the environment here.
    for (const [name, value] of Object.entries({ AWS_ACCESS_KEY_ID: 'AKIDLOCALEMULATOR', AWS_SECRET_ACCESS_KEY: 'local-emulator-secret' })) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0', MAIL_TRANSPORT: 'ses', SES_ENDPOINT: endpoint });
    const readStore = async (): Promise<Message[]> => {
      const { emails } = (await (await fetch(`${endpoint}/store`)).json()) as { emails: StoredSesEmail[] };
      return emails.map((email) => ({ key: email.messageId, to: email.destination.to.join(', '), subject: email.subject, text: email.body.text ?? '', html: email.body.html ?? '' }));
    };
    network = new Network(service, readStore);
    await network.openGroup();
  });
  afterAll(async () => {
    await service?.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    emulator?.closeAllConnections();
    await new Promise((resolve) => emulator?.close(resolve));
  });

  it('sends the lists, a deletion notice and a correction through SES, each message recorded before it was sent', async () => {
    for (let n = 1; n <= 5; n++) await network.join(n);
    await network.listsSettle([1, 2, 3, 4, 5]);
    const before = (await network.sent()).length;

    expect((await network.staff('withdraw-consent', { memberId: network.person(3).memberId })).status).toBe(201);
    expect((await network.staff('update-contact-details', { memberId: network.person(5).memberId, phone: '+45 20 99 88 77' })).status).toBe(201);
    const after = await network.until('a notice to each of the others and corrections', async () => {
      const now = (await network.sent()).slice(before);
      const notices = now.filter((message) => message.dispatch.type === 'DeletionNoticeDispatched');
      const corrections = now.filter((message) => message.dispatch.type === 'CorrectionDispatched');
      return notices.length === 4 && corrections.length === 3 ? now : undefined;
    });
    for (const notice of after.filter((message) => message.dispatch.type === 'DeletionNoticeDispatched')) {
      for (const value of network.valuesOf(3)) expect(notice.text).not.toContain(value);
    }
    expect(after.filter((message) => message.dispatch.type === 'CorrectionDispatched').every((message) => message.text.includes('+4520998877'))).toBe(true);

    await network.join(6);
    const latest = await network.listsSettle([1, 2, 4, 5, 6]);
    expect(latest.get(1)!.text).toContain(`${network.person(6).name} (NY)`);
    expect(latest.get(1)!.text).not.toContain(network.person(3).name);
    const delivered = (await network.store.readAll({ filter: { eventTypes: ['ContactListDelivered'] }, maxCount: 5000 })).map((event) => event.data as { providerMessageId: string });
    const sesIds = new Set((await network.sent()).map((message) => message.key));
    expect(delivered.length).toBe(sesIds.size);
    expect(delivered.every((delivery) => sesIds.has(delivery.providerMessageId))).toBe(true);
  }, 60_000);
});
