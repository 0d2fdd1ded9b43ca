import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { PersonalData } from '../../contracts/events/membership.events';
import { ContactListPlannerProjector } from '../../projections/contact-list-planner/contact-list-planner.projector';
import { ProjectionRunner } from '../../projections/runner/projection-runner';
import { testEvent } from '../../test/support/events';
import { readMailSink, type SunkMail } from '../../test/support/mail-sink';
import { memberJoined } from '../../test/support/recorded-events';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { loadConfig } from '../config/app-config';
import { KeyVault } from '../crypto/key-vault';
import { RandomIds, SystemClock } from '../domain/clock';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store';
import { FileMailTransport } from '../mail/file-mail-transport';
import { MailTemplates } from '../mail/mail-templates';
import { MailTransport, type OutgoingMail } from '../mail/mail-transport';
import { ContactListSender, type ContactListSenderOptions, DEFAULT_SENDER_OPTIONS } from './contact-list-sender';
import { ContactListViewing } from './contact-list-viewing';

const GROUP = 'd1000000-0000-4000-8000-0000000000aa';

/** A mail provider that times out, without saying anything about the message. */
class ProviderTimeout extends Error {
  override readonly name = 'ProviderTimeout';
}

/**
 * Hands messages to the file sink, after checking that the log already holds the message's
 * dispatch (found by the reference the message prints), and after failing or hanging as told.
 */
class WatchfulTransport extends MailTransport {
  /** One entry per coming attempt: 'fail' throws, 'hang' never answers, 'ok' delivers. */
  plan: Array<'fail' | 'hang' | 'ok'> = [];
  /** Used when `plan` is empty. */
  otherwise: 'fail' | 'hang' | 'ok' = 'ok';
  attempts = 0;
  hanging = 0;
  undispatched = 0;
  constructor(
    private readonly inner: MailTransport,
    private readonly store: PostgresEventStore,
  ) {
    super();
  }
  async send(message: OutgoingMail): Promise<{ providerMessageId: string }> {
    this.attempts++;
    const reference = /SN-[0-9A-Z]{8}/.exec(message.text)?.[0];
    const dispatches = await this.store.readAll({
      filter: { eventTypes: ['ContactListDispatched', 'CorrectionDispatched', 'DeletionNoticeDispatched', 'ListNoticeDispatched'] },
      maxCount: 10_000,
    });
    if (!dispatches.some((event) => (event.data as { listReference: string }).listReference === reference)) this.undispatched++;
    const outcome = this.plan.shift() ?? this.otherwise;
    if (outcome === 'fail') throw new ProviderTimeout('timed out talking to the provider');
    if (outcome === 'hang') {
      this.hanging++;
      return new Promise(() => undefined);
    }
    return this.inner.send(message);
  }
}

const person = (name: string, email: string, phone = '+4520123456'): PersonalData => ({
  name,
  email,
  phone,
  address: { street: 'Ærøvej 7', postalCode: '5000', city: 'Odense', country: 'DK' },
});

describe('the contact-list sender', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let vault: KeyVault;
  let dataDir: string;
  let mailDir: string;
  let transport: WatchfulTransport;
  let runner: ProjectionRunner;
  const senders: ContactListSender[] = [];
  /** A sender whose process "died": never stopped, it hangs on. */
  let crashed: ContactListSender | undefined;

  const config = (env: Record<string, string> = {}) => loadConfig({ DATA_DIR: dataDir, LIST_UPDATE_DEBOUNCE_SECONDS: '0', ...env });
  const sender = (mail: MailTransport = transport, options: Partial<ContactListSenderOptions> = {}, env: Record<string, string> = {}): ContactListSender => {
    const created = new ContactListSender(store, database.pool, vault, mail, new MailTemplates(), config(env), new SystemClock(), database.connectionString, {
      ...DEFAULT_SENDER_OPTIONS,
      pollIntervalMs: 20,
      standbyRetryMs: 50,
      retryDelaysMs: [30, 60],
      concurrency: 4,
      ...options,
    });
    senders.push(created);
    return created;
  };
  const until = async <T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> => {
    for (let i = 0; i < 400; i++) {
      const value = await probe();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const events = async (...types: string[]): Promise<RecordedEvent[]> => store.readAll({ filter: { eventTypes: types }, maxCount: 10_000 });
  const mails = (): Promise<SunkMail[]> => readMailSink(mailDir);
  const mailsTo = async (email: string): Promise<SunkMail[]> => (await mails()).filter((mail) => mail.to === email);

  const admit = async (name: string, email: string): Promise<string> => {
    const memberId = randomUUID();
    const joined = memberJoined(memberId, GROUP, { personal: await vault.seal(memberId, person(name, email)) });
    await store.append(
      `member-${memberId}`,
      [
        testEvent('MemberJoined', joined.data),
        testEvent('EmailVerified', { memberId, purpose: 'sign-up', verifiedAt: new Date().toISOString() }),
        testEvent('MemberAdmitted', { memberId, diagnosisId: GROUP, admittedAt: new Date().toISOString() }),
      ],
      'no_stream',
    );
    return memberId;
  };

  beforeEach(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
    store = new PostgresEventStore(database.pool, { pollIntervalMs: 20 });
    vault = new KeyVault(database.pool, randomBytes(32));
    dataDir = await mkdtemp(join(tmpdir(), 'sjn-sender-'));
    mailDir = join(dataDir, 'mail');
    transport = new WatchfulTransport(new FileMailTransport(mailDir, config().MAIL_FROM, new SystemClock()), store);
    await store.append(`diagnosis-${GROUP}`, [testEvent('DiagnosisRegistered', { diagnosisId: GROUP, name: 'Alström syndrom' })], 'no_stream');
    runner = new ProjectionRunner(new ContactListPlannerProjector(), store, dataSource, { connectionString: database.connectionString, standbyRetryMs: 50, batchSize: 100 });
    runner.start();
  });
  afterEach(async () => {
    for (const created of senders.splice(0)) if (created !== crashed) await created.stop();
    crashed = undefined;
    await runner.stop();
    await store.close();
    await dataSource.destroy();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });
  it('sends a welcome to newcomers and an updated list to the others, each dispatch recorded before the transport has it', async () => {
    await admit('Anna Ødegård', 'anna@example.dk');
    await admit('Bo Ærø', 'bo@example.dk');
    sender().start();
    await until(mails, (all) => all.length === 2, 'two welcomes');
    const carl = await admit('Carl Åberg', 'carl@example.dk');
    await until(mails, (all) => all.length === 5, 'a welcome and two updates');

    const [carlsWelcome] = await mailsTo('carl@example.dk');
    expect(carlsWelcome.subject).toBe('Kontaktlisten for Alström syndrom i Sjældne-netværket');
    expect(carlsWelcome.text).toContain('1. Anna Ødegård\n   Ærøvej 7, 5000 Odense, Danmark\n   Telefon: +4520123456\n   E-mail: anna@example.dk\n\n2. Bo Ærø\n');
    expect(carlsWelcome.text).not.toContain('Carl Åberg\n   ');
    const annas = await mailsTo('anna@example.dk');
    expect(annas.map((mail) => mail.subject)).toEqual(['Kontaktlisten for Alström syndrom i Sjældne-netværket', 'Opdateret kontaktliste for Alström syndrom']);
    expect(annas[1].text).toContain('2. Carl Åberg (NY)\n');
    expect(annas[1].text).toContain('1. Bo Ærø\n');

    expect(transport.undispatched).toBe(0);
    const dispatched = await events('ContactListDispatched');
    // A delivery is recorded just after the transport took the mail: wait for the last ones.
    const delivered = await until(() => events('ContactListDelivered'), (found) => found.length === 5, 'five deliveries');
    expect(dispatched).toHaveLength(5);
    expect(delivered.map((event) => event.data)).toEqual(
      expect.arrayContaining(dispatched.map((event) => expect.objectContaining({ dispatchId: (event.data as { dispatchId: string }).dispatchId, attempt: 1, resent: false }))),
    );
    for (const event of dispatched) expect(event.streamId).toBe(`dispatch-${(event.data as { dispatchId: string }).dispatchId}`);
    const versions = await events('ContactListVersionPublished');
    expect(versions.map((event) => [event.streamId, event.revision, (event.data as { version: number; newcomers: string[] }).version])).toEqual([
      [`contact-list-${GROUP}`, 0, 1],
      [`contact-list-${GROUP}`, 1, 2],
    ]);
    expect((versions[1].data as { newcomers: string[] }).newcomers).toEqual([carl]);
    // Nothing stays sealed in the outbox once settled.
    expect(await dataSource.query(`SELECT count(*)::int AS open FROM contact_list_outbox WHERE recipient_personal IS NOT NULL OR state <> 'delivered'`)).toEqual([{ open: 0 }]);
    expect(await dataSource.query(`SELECT count(*)::int AS kept FROM contact_list_sender_versions WHERE sealed IS NOT NULL`)).toEqual([{ kept: 0 }]);
  });

  it('sends nothing while the planner is stopped at a failing event: it knows nothing of what came after', async () => {
    await admit('Anna Ødegård', 'anna@example.dk');
    await admit('Bo Ærø', 'bo@example.dk');
    const head = await store.headPosition();
    await until(async () => runner.status().position, (position) => position >= head, 'the planner to catch up');
    // The failure as a runner records it in the checkpoint row (this test's planner runner itself goes on).
    await dataSource.query(`UPDATE projection_checkpoints SET failed_at_position = $1 WHERE name = 'contact-list-planner'`, [(head + 1n).toString()]);
    sender().start();
    await new Promise((resolve) => setTimeout(resolve, 1500)); // several rounds of the sender
    expect(await mails()).toEqual([]);
    expect(await events('ContactListDispatched')).toEqual([]);
    await dataSource.query(`UPDATE projection_checkpoints SET failed_at_position = NULL WHERE name = 'contact-list-planner'`);
    await until(mails, (all) => all.length === 2, 'two welcomes once the planner runs again');
  });

  it('retries a failed send with backoff and records each failure by its error class, the last one final', async () => {
    await admit('Anna Ødegård', 'anna@example.dk');
    transport.plan = ['fail'];
    sender().start();
    const [delivered] = await until(() => events('ContactListDelivered'), (found) => found.length === 1, 'a delivery');
    expect(delivered.data).toEqual(expect.objectContaining({ attempt: 2, resent: false }));
    const [failed] = await events('ContactListDeliveryFailed');
    expect(failed.data).toEqual({ dispatchId: (delivered.data as { dispatchId: string }).dispatchId, attempt: 1, reason: 'ProviderTimeout', final: false });

    transport.otherwise = 'fail';
    await admit('Bo Ærø', 'bo@example.dk');
    const failures = await until(() => events('ContactListDeliveryFailed'), (found) => found.length === 1 + 2 * 3, 'three tries for each of two messages');
    const finals = failures.filter((event) => (event.data as { final: boolean }).final);
    expect(finals.map((event) => (event.data as { attempt: number }).attempt)).toEqual([3, 3]);
    expect(JSON.stringify(failures.map((event) => event.data))).not.toContain('timed out');
    expect(transport.undispatched).toBe(0);
    expect(await dataSource.query(`SELECT state, attempts, failure FROM contact_list_outbox WHERE state = 'failed'`)).toEqual([
      { state: 'failed', attempts: 3, failure: 'ProviderTimeout' },
      { state: 'failed', attempts: 3, failure: 'ProviderTimeout' },
    ]);
  });

  /** Anna, Bo and Carl admitted; a sender hands their three welcomes to a provider that never answers, and its process dies. Returns Bo. */
  const crashWithThreeWelcomesInHand = async (): Promise<string> => {
    await admit('Anna Ødegård', 'anna@example.dk');
    const bo = await admit('Bo Ærø', 'bo@example.dk');
    await admit('Carl Åberg', 'carl@example.dk');
    transport.otherwise = 'hang';
    const first = sender();
    crashed = first;
    first.start();
    await until(async () => transport.hanging, (hanging) => hanging === 3, 'three sends in the hands of the provider');
    expect(await events('ContactListDispatched')).toHaveLength(3);
    expect(await mails()).toEqual([]);
    // The first sender's process dies: its session (and lock) ends with it.
    await database.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sjn-contact-list-sender'`);
    return bo;
  };

  it('after a crash between dispatch and delivery, the sender that takes over sends each message exactly once more, recorded as resent', async () => {
    await crashWithThreeWelcomesInHand();
    const healthy = new WatchfulTransport(new FileMailTransport(mailDir, config().MAIL_FROM, new SystemClock()), store);
    sender(healthy).start();
    const delivered = await until(() => events('ContactListDelivered'), (found) => found.length === 3, 'three deliveries');
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(healthy.attempts).toBe(3);
    expect(healthy.undispatched).toBe(0);
    expect(delivered.map((event) => event.data)).toEqual(Array.from({ length: 3 }, () => expect.objectContaining({ attempt: 1, resent: true })));
    expect(await events('ContactListDispatched')).toHaveLength(3);
    expect((await mails()).map((mail) => mail.to).sort()).toEqual(['anna@example.dk', 'bo@example.dk', 'carl@example.dk']);
  });

  it('sends a message held over a crash as the members stand when it goes: without one who withdrew meanwhile, and not to them', async () => {
    const bo = await crashWithThreeWelcomesInHand();
    // While no sender runs, Bo withdraws; the next sender starts at once, before the planner may have seen it.
    await runner.stop();
    await store.append(`member-${bo}`, [testEvent('ConsentWithdrawn', { memberId: bo, withdrawnBy: 'member', withdrawnAt: new Date().toISOString() })], 'any');
    setTimeout(() => runner.start(), 500); // the planner comes back after the sender has resumed: the sender must wait for it
    const healthy = new WatchfulTransport(new FileMailTransport(mailDir, config().MAIL_FROM, new SystemClock()), store);
    sender(healthy).start();
    const welcomes = await until(mails, (all) => all.filter((mail) => /SN-/.test(mail.text) && mail.subject.startsWith('Kontaktlisten')).length === 2, 'the two welcomes held over the crash');

    expect(welcomes.map((mail) => mail.to).sort()).toEqual(expect.arrayContaining(['anna@example.dk', 'carl@example.dk']));
    expect(welcomes.filter((mail) => mail.to === 'bo@example.dk' && mail.subject.startsWith('Kontaktlisten'))).toEqual([]);
    for (const mail of welcomes.filter((held) => held.subject.startsWith('Kontaktlisten'))) {
      expect(mail.text).not.toContain('Bo Ærø');
      expect(mail.text).not.toContain('bo@example.dk');
      expect(mail.text).toContain('(oplysningerne er slettet)');
    }
    const failed = await until(() => events('ContactListDeliveryFailed'), (found) => found.length === 1, 'Bo’s message recorded as not sent');
    expect(failed[0].data).toEqual(expect.objectContaining({ reason: 'RecipientLeft', final: true }));
  });

  it('asks earlier recipients to delete a withdrawn member\'s entry without repeating it, and sends a rectified entry to those who may still see it', async () => {
    await admit('Anna Ødegård', 'anna@example.dk');
    const bo = await admit('Bo Ærø', 'bo@example.dk');
    const carl = await admit('Carl Åberg', 'carl@example.dk');
    sender().start();
    await until(mails, (all) => all.length === 3, 'three welcomes');
    const boReference = /SN-[0-9A-Z]{8}/.exec((await mailsTo('anna@example.dk'))[0].text)?.[0];

    await store.append(`member-${bo}`, [testEvent('ConsentWithdrawn', { memberId: bo, withdrawnBy: 'member', withdrawnAt: new Date().toISOString() })], 'any');
    await until(mails, (all) => all.length === 5, 'two deletion notices');
    const notices = (await mails()).slice(3);
    expect(notices.map((mail) => mail.to).sort()).toEqual(['anna@example.dk', 'carl@example.dk']);
    for (const notice of notices) {
      expect(notice.subject).toBe('Slet venligst en oplysning fra din kontaktliste');
      for (const value of ['Bo Ærø', 'bo@example.dk', 'Ærøvej']) {
        expect(notice.text).not.toContain(value);
        expect(notice.html).not.toContain(value);
      }
    }
    const annasNotice = notices.find((mail) => mail.to === 'anna@example.dk')!;
    expect(annasNotice.text).toContain(`Nr. 1 på den kontaktliste, du fik fra os den`);
    expect(annasNotice.text).toContain(`(reference ${boReference})`);

    await store.append(
      `member-${carl}`,
      [testEvent('ContactDetailsUpdated', { memberId: carl, country: 'DK', fields: ['phone'], personal: await vault.seal(carl, person('Carl Åberg', 'carl@example.dk', '+4571717171')) })],
      'any',
    );
    const [correction] = await until(() => mailsTo('anna@example.dk'), (all) => all.length === 3, 'a correction').then((all) => all.slice(2));
    expect(correction.subject).toBe('Rettede oplysninger på din kontaktliste');
    expect(correction.text).toContain('2. Carl Åberg\n   Ærøvej 7, 5000 Odense, Danmark\n   Telefon: +4571717171\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await mailsTo('bo@example.dk')).toHaveLength(1);
    expect(await events('CorrectionDispatched')).toHaveLength(1);
    expect((await events('DeletionNoticeDispatched')).map((event) => (event.data as { reason: string }).reason)).toEqual(['withdrawn', 'withdrawn']);
    expect(transport.undispatched).toBe(0);
  });

  describe('to members who get their lists in self-service', () => {
    const PORTAL = { LIST_DELIVERY: 'portal' };
    /** Every name, address and number of the members in these tests. */
    const personalValues = ['Anna', 'Bo Ærø', 'Carl', 'anna@', 'bo@', 'carl@', '+4520123456', '+4571717171', 'Ærøvej', 'Odense'];
    const expectNoContactData = (mail: SunkMail): void => {
      for (const value of personalValues) {
        expect(mail.subject).not.toContain(value);
        expect(mail.text).not.toContain(value);
        expect(mail.html).not.toContain(value);
      }
    };

    it('sends a notice with a sign-in link and nobody\'s data, recorded before the transport has it, instead of each new list', async () => {
      await admit('Anna Ødegård', 'anna@example.dk');
      await admit('Bo Ærø', 'bo@example.dk');
      sender(transport, {}, PORTAL).start();
      await until(mails, (all) => all.length === 2, 'two notices');
      await admit('Carl Åberg', 'carl@example.dk');
      await until(mails, (all) => all.length === 5, 'a first notice and two updated ones');

      const all = await mails();
      expect(all.map((mail) => mail.subject).sort()).toEqual([
        ...Array.from({ length: 2 }, () => 'Din gruppes kontaktliste er opdateret – Sjældne-netværket'),
        ...Array.from({ length: 3 }, () => 'Kontaktlisten for din gruppe er klar – Sjældne-netværket'),
      ].sort());
      for (const mail of all) {
        expectNoContactData(mail);
        expect(mail.text).toContain('\nhttp://localhost:3000/me/sign-in\n');
      }
      expect(transport.undispatched).toBe(0);
      expect(await events('ContactListDispatched', 'CorrectionDispatched')).toEqual([]);
      const notices = await events('ListNoticeDispatched');
      expect(notices.map((event) => event.data)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ reason: 'list-updated', listVersion: 1, channel: 'email', diagnosisId: GROUP }),
          expect.objectContaining({ reason: 'list-updated', listVersion: 2, channel: 'email', diagnosisId: GROUP }),
        ]),
      );
      expect(notices).toHaveLength(5);
      const delivered = await until(() => events('ContactListDelivered'), (found) => found.length === 5, 'five deliveries');
      expect(delivered.map((event) => (event.data as { dispatchId: string }).dispatchId).sort()).toEqual(
        notices.map((event) => (event.data as { dispatchId: string }).dispatchId).sort(),
      );
      // The versions are published all the same: they are what a view is checked against later.
      expect((await events('ContactListVersionPublished')).map((event) => (event.data as { entries: unknown[] }).entries.length)).toEqual([2, 3]);
    });

    it('tells a member who saw a rectified entry that it was corrected, without the new data', async () => {
      const anna = await admit('Anna Ødegård', 'anna@example.dk');
      const bo = await admit('Bo Ærø', 'bo@example.dk');
      sender(transport, {}, PORTAL).start();
      await until(mails, (all) => all.length === 2, 'two notices');
      // Anna looks at her list (as GET /me/contact-lists records it): she now holds Bo's entry.
      const viewing = new ContactListViewing(store, database.pool, vault, new RandomIds());
      const viewed = await viewing.view(anna, { actorRole: 'member', correlationId: randomUUID(), now: new Date() });
      expect(viewed?.groups[0].entries.map((entry) => entry.name)).toEqual(['Bo Ærø']);

      await store.append(
        `member-${bo}`,
        [testEvent('ContactDetailsUpdated', { memberId: bo, country: 'DK', fields: ['phone'], personal: await vault.seal(bo, person('Bo Ærø', 'bo@example.dk', '+4571717171')) })],
        'any',
      );
      const [notice] = await until(() => mailsTo('anna@example.dk'), (found) => found.length === 2, 'a correction notice').then((found) => found.slice(1));
      expect(notice.subject).toBe('En oplysning på din gruppes kontaktliste er rettet – Sjældne-netværket');
      expectNoContactData(notice);
      const [recorded] = await events('ListNoticeDispatched').then((found) => found.filter((event) => (event.data as { reason: string }).reason === 'entry-corrected'));
      expect(recorded.data).toEqual(
        expect.objectContaining({ recipientId: anna, subjectId: bo, diagnosisId: GROUP, correctedAtPosition: expect.any(String), channel: 'email' }),
      );
      expect(await events('CorrectionDispatched')).toEqual([]);
      // Told once: the planner settles the correction when it sees the notice.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await mailsTo('anna@example.dk')).toHaveLength(2);
      expect(await dataSource.query('SELECT count(*)::int AS pending FROM contact_list_corrections WHERE due_position > done_position')).toEqual([{ pending: 0 }]);
    });

    it('where members choose, sends the list to one who kept email and a notice to one who chose the portal', async () => {
      const anna = await admit('Anna Ødegård', 'anna@example.dk');
      await store.append(`member-${anna}`, [testEvent('ListDeliveryChosen', { memberId: anna, delivery: 'portal', chosenAt: new Date().toISOString() })], 'any');
      const bo = await admit('Bo Ærø', 'bo@example.dk');
      sender(transport, {}, { LIST_DELIVERY: 'member-choice' }).start();
      await until(mails, (all) => all.length === 2, 'a notice and a list');
      const [annas] = await mailsTo('anna@example.dk');
      const [bos] = await mailsTo('bo@example.dk');
      expect(annas.subject).toBe('Kontaktlisten for din gruppe er klar – Sjældne-netværket');
      expectNoContactData(annas);
      expect(bos.text).toContain('1. Anna Ødegård\n');
      expect((await events('ContactListDispatched')).map((event) => (event.data as { recipientId: string }).recipientId)).toEqual([bo]);
      expect((await events('ListNoticeDispatched')).map((event) => (event.data as { recipientId: string }).recipientId)).toEqual([anna]);
    });
  });

  it('stands by while another sender is active, and takes over when it stops', async () => {
    const active = sender();
    active.start();
    await until(async () => active.status().state, (state) => state === 'active', 'the first sender to be active');
    const standby = sender();
    standby.start();
    await until(async () => standby.status().state, (state) => state === 'standby', 'the second to stand by');
    await admit('Anna Ødegård', 'anna@example.dk');
    await until(mails, (all) => all.length === 1, 'a welcome');
    await active.stop();
    await admit('Bo Ærø', 'bo@example.dk');
    await until(mails, (all) => all.length === 3, 'a welcome and an update');
    expect(standby.status().state).toBe('active');
    expect(await events('ContactListDispatched')).toHaveLength(3);
  });
});
