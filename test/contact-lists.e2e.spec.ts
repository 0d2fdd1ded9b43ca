import startSesEmulator from 'aws-ses-v2-local';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { RecordedEvent } from '../contracts/events/event-envelope';
import { fileSink, type Message, Network } from './support/network';
import { startTestApp, type TestApp } from './support/test-app';

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
