import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { ContactField, PersonalData } from '../../contracts/events/membership.events';
import { ContactListPlannerProjector } from '../../projections/contact-list-planner/contact-list-planner.projector';
import { ProjectionRunner } from '../../projections/runner/projection-runner';
import { testEvent } from '../../test/support/events';
import { readMailSink } from '../../test/support/mail-sink';
import { readPdf } from '../../test/support/pdf-text';
import { memberJoined } from '../../test/support/recorded-events';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { StaffAccessLog } from '../access-log/staff-access-log';
import { loadConfig } from '../config/app-config';
import { ContactListLetters } from '../contact-lists/contact-list-letters';
import { ContactListSender, DEFAULT_SENDER_OPTIONS } from '../contact-lists/contact-list-sender';
import { dropSealedCopiesOf } from '../contact-lists/erased-copies';
import { KeyVault } from '../crypto/key-vault';
import { RandomIds, SystemClock } from '../domain/clock';
import { DomainError } from '../domain/domain-error';
import type { CommandContext } from '../event-store/command-handling';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store';
import { FileMailTransport } from '../mail/file-mail-transport';
import { MailTemplates } from '../mail/mail-templates';
import { ConfirmPrintBatchPostedCommand } from './confirm-print-batch-posted/confirm-print-batch-posted.command';
import { ConfirmPrintBatchPostedHandler } from './confirm-print-batch-posted/confirm-print-batch-posted.handler';
import { CreatePrintBatchCommand } from './create-print-batch/create-print-batch.command';
import { CreatePrintBatchHandler } from './create-print-batch/create-print-batch.handler';
import { LetterSources } from './letter-source';
import { PrintBatchDownload } from './print-batch-download';
import { PrintQueue } from './print-queue';

const GROUP = 'd2000000-0000-4000-8000-0000000000bb';
const SECRETARIAT = { role: 'secretariat' as const, keyIndex: 0 };

const person = (name: string, email: string | undefined, street: string, phone = '+4520123456'): PersonalData => ({
  name,
  ...(email ? { email } : {}),
  phone,
  address: { street, postalCode: '5000', city: 'Odense', country: 'DK' },
});

describe('the print queue', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let vault: KeyVault;
  let dataDir: string;
  let runner: ProjectionRunner;
  let queue: PrintQueue;
  let download: PrintBatchDownload;
  let createBatch: CreatePrintBatchHandler;
  let confirmPosted: ConfirmPrintBatchPostedHandler;
  let letters: ContactListLetters;
  const senders: ContactListSender[] = [];

  const config = () => loadConfig({ DATA_DIR: dataDir, LIST_UPDATE_DEBOUNCE_SECONDS: '0' });
  const context = (): CommandContext => ({ actorRole: 'secretariat', correlationId: randomUUID(), now: new Date() });
  const sender = (): ContactListSender => {
    const mail = new FileMailTransport(join(dataDir, 'mail'), config().MAIL_FROM, new SystemClock());
    const created = new ContactListSender(store, database.pool, vault, mail, new MailTemplates(), config(), new SystemClock(), database.connectionString, {
      ...DEFAULT_SENDER_OPTIONS,
      pollIntervalMs: 20,
      standbyRetryMs: 50,
      retryDelaysMs: [30, 60],
      concurrency: 4,
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
  const events = (...types: string[]): Promise<RecordedEvent[]> => store.readAll({ filter: { eventTypes: types }, maxCount: 10_000 });
  const dispatchTo = async (recipientId: string, type = 'ContactListDispatched') =>
    (await events(type)).filter((event) => (event.data as { recipientId: string }).recipientId === recipientId);
  const outboxState = async (dispatchId: string) =>
    (await database.pool.query<{ state: string; sealed: boolean }>('SELECT state, recipient_personal IS NOT NULL AS sealed FROM contact_list_outbox WHERE dispatch_id = $1', [dispatchId]))
      .rows[0];
  const domainError = async (work: Promise<unknown>) => {
    const error = await work.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    return error instanceof DomainError ? { kind: error.kind, rule: error.rule } : error;
  };

  /** A member admitted to the group: on the web with an email address, or on paper (staff-attested) without one. */
  const admit = async (personal: PersonalData, sharedFields: ContactField[] = ['address', 'phone', 'email']): Promise<string> => {
    const memberId = randomUUID();
    const joined = memberJoined(memberId, GROUP, { personal: await vault.seal(memberId, personal) });
    const paper = !personal.email;
    joined.data.consent = { ...joined.data.consent, channel: paper ? 'paper' : 'web', attestedByStaff: paper, sharedFields };
    await store.append(
      `member-${memberId}`,
      [testEvent('MemberJoined', joined.data), testEvent('MemberAdmitted', { memberId, diagnosisId: GROUP, admittedAt: new Date().toISOString() })],
      'no_stream',
    );
    return memberId;
  };

  beforeEach(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
    store = new PostgresEventStore(database.pool, { pollIntervalMs: 20 });
    vault = new KeyVault(database.pool, randomBytes(32));
    dataDir = await mkdtemp(join(tmpdir(), 'sjn-print-'));
    await store.append(`diagnosis-${GROUP}`, [testEvent('DiagnosisRegistered', { diagnosisId: GROUP, name: 'Alström syndrom' })], 'no_stream');
    // Proves the order: no letter is ever queued before its dispatch is in the log.
    await database.pool.query(`
      CREATE FUNCTION dispatched_first() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM events WHERE stream_id = 'dispatch-' || NEW.letter_id::text) THEN
          RAISE EXCEPTION 'a letter was queued before its dispatch was recorded';
        END IF;
        RETURN NEW;
      END $$`);
    await database.pool.query('CREATE TRIGGER dispatched_first BEFORE INSERT ON print_letters FOR EACH ROW EXECUTE FUNCTION dispatched_first()');
    runner = new ProjectionRunner(new ContactListPlannerProjector(), store, dataSource, { connectionString: database.connectionString, standbyRetryMs: 50, batchSize: 100 });
    runner.start();

    queue = new PrintQueue(database.pool);
    const first = sender();
    letters = new ContactListLetters(store, database.pool, first);
    const sources = new LetterSources([letters]);
    download = new PrintBatchDownload(queue, sources, new StaffAccessLog(dataSource, new SystemClock()), config(), new SystemClock());
    createBatch = new CreatePrintBatchHandler(queue, new RandomIds());
    confirmPosted = new ConfirmPrintBatchPostedHandler(queue, sources);
  });
  afterEach(async () => {
    for (const created of senders.splice(0)) await created.stop();
    await runner.stop();
    await store.close();
    await dataSource.destroy();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('queues a letter for a member without email after its dispatch (channel post), prints it, and records its delivery when the batch is posted', async () => {
    const anna = await admit(person('Anna Ødegård', 'anna@example.dk', 'Ærøvej 7'));
    const pia = await admit(person('Pia Þórsdóttir', undefined, 'Papirgade 2', '+4520999999'));
    senders[0].start();
    const [queued] = await until(() => queue.pending(), (pending) => pending.length === 1, 'a letter in the print queue');
    await until(() => readMailSink(join(dataDir, 'mail')), (mails) => mails.length === 1, 'Anna’s email');

    const [dispatch] = await dispatchTo(pia);
    const { dispatchId, listReference, channel } = dispatch.data as { dispatchId: string; listReference: string; channel: string };
    expect(channel).toBe('post');
    expect(queued).toEqual({ letterId: dispatchId, source: 'contact-list', kind: 'list', recipientId: pia, queuedAt: expect.any(String) });
    expect(((await dispatchTo(anna))[0].data as { channel: string }).channel).toBe('email');
    expect(await outboxState(dispatchId)).toEqual({ state: 'queued', sealed: true });
    expect((await events('ContactListDelivered')).map((event) => (event.data as { dispatchId: string }).dispatchId)).not.toContain(dispatchId);

    const { batchId, letters: count } = await createBatch.execute(new CreatePrintBatchCommand(context()));
    expect(count).toBe(1);
    expect(await queue.pending()).toEqual([]);
    expect(await domainError(confirmPosted.execute(new ConfirmPrintBatchPostedCommand(batchId, context())))).toEqual({ kind: 'conflict', rule: 'print-batch-not-downloaded' });

    const [, letter] = await readPdf(await download.pdf(batchId, SECRETARIAT));
    for (const part of ['Pia Þórsdóttir', 'Papirgade 2', '5000 Odense', 'Anna Ødegård', 'Ærøvej 7', 'anna@example.dk', listReference]) expect(letter.text).toContain(part);
    // Her own phone number is not on her copy: a recipient never sees their own entry.
    expect(letter.text).not.toContain('+4520999999');
    const [logged] = (await database.pool.query('SELECT kind, subject::text, member_ids::text[] AS members FROM staff_access_log')).rows;
    expect({ ...logged, members: [...logged.members].sort() }).toEqual({ kind: 'print-batch', subject: batchId, members: [anna, pia].sort() });

    expect(await confirmPosted.execute(new ConfirmPrintBatchPostedCommand(batchId, context()))).toEqual({ batchId, posted: 1, notPrinted: 0 });
    const delivered = (await events('ContactListDelivered')).find((event) => (event.data as { dispatchId: string }).dispatchId === dispatchId);
    expect(delivered?.data).toEqual({ dispatchId, providerMessageId: `post:${batchId}`, attempt: 1, resent: false });
    expect(delivered?.metadata.actorRole).toBe('secretariat');
    expect(await outboxState(dispatchId)).toEqual({ state: 'delivered', sealed: false });
    // Every message of the version is settled: its sealed copies are gone.
    expect((await database.pool.query('SELECT count(*)::int AS sealed FROM contact_list_sender_versions WHERE sealed IS NOT NULL')).rows).toEqual([{ sealed: 0 }]);

    expect(await domainError(confirmPosted.execute(new ConfirmPrintBatchPostedCommand(batchId, context())))).toEqual({ kind: 'conflict', rule: 'print-batch-posted' });
    expect(await domainError(download.pdf(batchId, SECRETARIAT))).toEqual({ kind: 'conflict', rule: 'print-batch-posted' });
    expect(await domainError(createBatch.execute(new CreatePrintBatchCommand(context())))).toEqual({ kind: 'conflict', rule: 'no-letters-due' });
  });

  it('after a crash between dispatch and queueing, the sender that takes over queues the letter once', async () => {
    await admit(person('Anna Ødegård', 'anna@example.dk', 'Ærøvej 7'));
    const pia = await admit(person('Pia Þórsdóttir', undefined, 'Papirgade 2'));
    // The queue is locked: the first sender records the dispatch, then hangs putting the letter in.
    const blocker: PoolClient = await database.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE print_letters IN ACCESS EXCLUSIVE MODE');
    try {
      senders[0].start();
      const waiting = await until(
        async () => (await database.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO print_letters%'`)).rows,
        (rows) => rows.length === 1,
        'the first sender to wait on the print queue',
      );
      const [dispatch] = await dispatchTo(pia);
      expect((dispatch.data as { channel: string }).channel).toBe('post');
      expect((await blocker.query('SELECT count(*)::int AS queued FROM print_letters')).rows).toEqual([{ queued: 0 }]);

      // Its process dies: its lock session and its connection waiting on the queue end with it.
      await database.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sjn-contact-list-sender' OR pid = $1`, [waiting[0].pid]);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    sender().start();
    const [queued] = await until(() => queue.pending(), (pending) => pending.length === 1, 'the letter in the print queue');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const dispatches = await dispatchTo(pia);
    expect(dispatches).toHaveLength(1);
    expect(queued.letterId).toBe((dispatches[0].data as { dispatchId: string }).dispatchId);
    expect(await queue.pending()).toHaveLength(1);
    expect(await outboxState(queued.letterId)).toEqual({ state: 'queued', sealed: true });
    // Nothing is delivered before the secretariat posts it, and nothing failed.
    expect(await events('ContactListDeliveryFailed')).toEqual([]);
    expect((await events('ContactListDelivered')).map((event) => (event.data as { dispatchId: string }).dispatchId)).not.toContain(queued.letterId);
  });

  it('prints as the rules stand at printing: an entry withdrawn since is printed as removed, and a letter to a member erased since is not printed and recorded as not sent', async () => {
    const anna = await admit(person('Anna Ødegård', 'anna@example.dk', 'Ærøvej 7'));
    const bo = await admit(person('Bo Ærø', 'bo@example.dk', 'Bøgevej 3', '+4520777777'));
    const pia = await admit(person('Pia Þórsdóttir', undefined, 'Papirgade 2'), ['address']);
    const per = await admit(person('Per Ðalsgaard', undefined, 'Postvej 9', '+4520555555'));
    senders[0].start();
    await until(() => queue.pending(), (pending) => pending.length === 2, 'the lists of Pia and Per in the print queue');

    // Bo withdraws and Per is erased before the secretariat prints.
    await store.append(`member-${bo}`, [testEvent('ConsentWithdrawn', { memberId: bo, withdrawnBy: 'member', withdrawnAt: new Date().toISOString() })], 'any');
    await store.append(`member-${per}`, [testEvent('MemberErased', { memberId: per, erasedBy: 'member', erasedAt: new Date().toISOString() })], 'any');
    await vault.shred(per);
    await dropSealedCopiesOf(database.pool, per);
    // Pia is told to delete Bo's and Per's entries, by post; Per (erased) is sent nothing more.
    const pending = await until(() => queue.pending(), (all) => all.filter((letter) => letter.kind === 'deletion').length === 2, 'two deletion notices to Pia');
    expect(pending.filter((letter) => letter.kind === 'deletion').map((letter) => letter.recipientId)).toEqual([pia, pia]);

    const { batchId } = await createBatch.execute(new CreatePrintBatchCommand(context()));
    const [cover, ...printed] = await readPdf(await download.pdf(batchId, SECRETARIAT));
    expect(cover.text).toContain('3 breve');
    expect(cover.text).toContain('1 breve i udskriften må ikke længere sendes');
    const all = printed.map((page) => page.text).join('\n');
    expect(all).not.toContain('Per Ðalsgaard');
    expect(printed.filter((page) => page.text.includes('Pia Þórsdóttir'))).toHaveLength(3);
    const list = printed.find((page) => page.text.includes('Anna Ødegård'))?.text ?? '';
    expect(list).toContain('Ærøvej 7');
    for (const gone of ['Bo Ærø', 'Bøgevej 3', 'bo@example.dk', '+4520777777', 'Postvej 9', '+4520555555']) expect(all).not.toContain(gone);
    expect(list.match(/oplysningerne er slettet/g)).toHaveLength(2);
    const [logged] = (await database.pool.query('SELECT member_ids::text[] AS members FROM staff_access_log')).rows;
    expect([...logged.members].sort()).toEqual([anna, pia].sort());

    expect(await confirmPosted.execute(new ConfirmPrintBatchPostedCommand(batchId, context()))).toEqual({ batchId, posted: 3, notPrinted: 1 });
    const [persList] = await dispatchTo(per);
    const failed = (await events('ContactListDeliveryFailed')).map((event) => event.data);
    expect(failed).toEqual([{ dispatchId: (persList.data as { dispatchId: string }).dispatchId, attempt: 1, reason: 'NotPrinted', final: true }]);
    const posted = (await events('ContactListDelivered')).filter((event) => (event.data as { providerMessageId: string }).providerMessageId === `post:${batchId}`);
    expect(posted).toHaveLength(3);
  });
});
