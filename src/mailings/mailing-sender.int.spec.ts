import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { NewEvent } from '../../contracts/events/event-envelope';
import { memberStream, type OptIns, type PersonalData } from '../../contracts/events/membership.events';
import { newsletterStream } from '../../contracts/events/newsletter.events';
import { MailingJobsProjector } from '../../projections/mailing-jobs/mailing-jobs.projector';
import { MemberDirectoryProjector } from '../../projections/member-directory/member-directory.projector';
import { ProjectionRunner } from '../../projections/runner/projection-runner';
import { testEvent } from '../../test/support/events';
import { memberJoined } from '../../test/support/recorded-events';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { loadConfig } from '../config/app-config';
import { KeyVault } from '../crypto/key-vault';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store';
import { MailTemplates } from '../mail/mail-templates';
import { MailRejectedError, MailTransport, type OutgoingMail } from '../mail/mail-transport';
import { MailLinks } from './mail-links';
import { MailingLetterSource } from './mailing-letter-source';
import { MailingLetters } from './mailing-letters';
import { MailingSender } from './mailing-sender';

const NEWSLETTER = '5e7a0000-0000-4000-8000-000000000001';
/** Members in the order the sender takes them (by id). */
const [ANNA, BENT, CARL, DORTE, EJNAR] = [1, 2, 3, 4, 5].map((n) => `00000000-0000-4000-8000-00000000000${n}`);

/** Delivers to memory, after failing as told; `gate` holds the next send until it is opened. */
class ScriptedTransport extends MailTransport {
  readonly sent: OutgoingMail[] = [];
  outcomes: Array<Error | undefined> = [];
  gate?: Promise<void>;
  async send(mail: OutgoingMail): Promise<{ providerMessageId: string }> {
    await this.gate;
    const failure = this.outcomes.shift();
    if (failure) throw failure;
    this.sent.push(mail);
    return { providerMessageId: `ses-${this.sent.length}` };
  }
}

describe('the mailing sender', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let vault: KeyVault;
  let transport: ScriptedTransport;
  let sender: MailingSender;
  let letterSource: MailingLetterSource;
  let runners: ProjectionRunner[];

  const person = (name: string, email?: string): PersonalData => ({
    name,
    ...(email ? { email } : {}),
    phone: '+4520123456',
    address: { street: 'Æblevej 1', postalCode: '5000', city: 'Odense', country: 'DK' },
  });
  /** An admitted member with these opt-ins and personal data (sealed under their own key). */
  const admit = async (memberId: string, personal: PersonalData, optIns: Partial<OptIns> = { newsletter: true }) => {
    const joined = memberJoined(memberId, 'd1000000-0000-4000-8000-000000000001', {
      optIns: { newsletter: false, meetups: false, facebookInvite: false, ...optIns },
      personal: await vault.seal(memberId, personal),
    });
    await append(memberStream(memberId), [
      testEvent(joined.type, joined.data),
      testEvent('MemberAdmitted', { memberId, diagnosisId: joined.data.diagnosisId, admittedAt: '2026-06-01T09:00:00.000Z' }),
    ]);
  };
  const append = (streamId: string, events: NewEvent[]) => store.append(streamId, events, 'any');
  const sendNewsletter = () =>
    append(newsletterStream(NEWSLETTER), [
      testEvent('NewsletterComposed', { newsletterId: NEWSLETTER, editions: { da: { subject: 'Nyhedsbrev juni', markdown: 'Hej **alle**' } }, composedAt: '2026-06-01T09:00:00.000Z' }),
      testEvent('NewsletterSendRequested', { newsletterId: NEWSLETTER, requestedAt: '2026-06-01T10:00:00.000Z' }),
    ]);
  const deliveries = async (): Promise<Record<string, string>> => {
    const rows: Array<{ member_id: string; status: string }> = await dataSource.query('SELECT member_id::text, status FROM mailing_deliveries ORDER BY member_id');
    return Object.fromEntries(rows.map((row) => [row.member_id, row.status]));
  };
  const until = async (what: string, condition: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 400; i++) {
      if (await condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const directoryCaughtUp = async () => {
    const head = await store.headPosition();
    await until('the projections to catch up', async () => runners.every((runner) => (runner.status().position ?? 0n) >= head));
  };
  const settled = (expected: Record<string, string>) => until('the deliveries to settle', async () => JSON.stringify(await deliveries()) === JSON.stringify(expected));

  beforeEach(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
    store = new PostgresEventStore(database.pool, { pollIntervalMs: 25 });
    vault = new KeyVault(database.pool, randomBytes(32));
    const config = loadConfig({ PUBLIC_URL: 'https://netvaerket.example.org' });
    transport = new ScriptedTransport();
    const letters = new MailingLetters(store, new MailTemplates(), new MailLinks(vault, config), config);
    sender = new MailingSender(database.pool, vault, transport, letters, { pollIntervalMs: 20, retryDelaysMs: [5], failurePauseMs: 300 });
    letterSource = new MailingLetterSource(database.pool, vault, letters);
    runners = [new MemberDirectoryProjector(), new MailingJobsProjector()].map(
      (projection) => new ProjectionRunner(projection, store, dataSource, { connectionString: database.connectionString, standbyRetryMs: 50 }),
    );
    for (const runner of runners) runner.start();
  });
  afterEach(async () => {
    await sender.onModuleDestroy();
    for (const runner of runners) await runner.stop();
    await store.close();
    await dataSource.destroy();
    await database.drop();
  });

  it('sends a newsletter to its audience once, recording every outcome, and a replayed job sends nothing more', async () => {
    await admit(ANNA, person('Anna Ærø', 'anna@example.org'));
    await admit(BENT, person('Bent Øster')); // a paper sign-up: no email
    await admit(CARL, person('Carl Åberg', 'carl@example.org'), { newsletter: false });
    await admit(DORTE, person('Dorte Þór', 'dorte@example.org'));
    await append(memberStream(DORTE), [testEvent('ConsentWithdrawn', { memberId: DORTE, withdrawnBy: 'member', withdrawnAt: '2026-06-01T09:30:00.000Z' })]);
    await admit(EJNAR, person('Ejnar Ðal', 'ejnar@example.org'));
    await append(memberStream(EJNAR), [testEvent('MemberRestricted', { memberId: EJNAR, reason: 'v1.sealed', restrictedAt: '2026-06-01T09:30:00.000Z' })]);
    await sendNewsletter();
    sender.onApplicationBootstrap();

    await settled({ [ANNA]: 'sent', [BENT]: 'queued-for-post' });
    expect(transport.sent.map((mail) => [mail.to, mail.subject])).toEqual([['anna@example.org', 'Nyhedsbrev juni']]);
    const [mail] = transport.sent;
    expect(mail.text).toMatch(/^Kære Anna Ærø\n\nHej \*\*alle\*\*\n/);
    expect(mail.headers).toEqual({
      'Auto-Submitted': 'auto-generated',
      'List-Unsubscribe': expect.stringMatching(/^<https:\/\/netvaerket\.example\.org\/unsubscribe\?token=00000000-0000-4000-8000-000000000001\.newsletter\.[\w-]{43}>$/),
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect((await dataSource.query('SELECT provider_message_id FROM mailing_deliveries WHERE status = $1', ['sent']))[0]).toEqual({ provider_message_id: 'ses-1' });

    // A rebuild of the jobs meets the same event again: nothing is queued or sent anew.
    await new MailingJobsProjector().apply(await store.readAll({ filter: { eventTypes: ['NewsletterSendRequested'] }, maxCount: 10 }), dataSource.manager);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(transport.sent).toHaveLength(1);
  });

  it('checks the audience again just before each mail: a withdrawal made meanwhile is honoured', async () => {
    await admit(ANNA, person('Anna Ærø', 'anna@example.org'));
    await admit(BENT, person('Bent Øster', 'bent@example.org'));
    let open!: () => void;
    transport.gate = new Promise((resolve) => (open = resolve));
    await sendNewsletter();
    sender.onApplicationBootstrap();
    await until('the audience to be known', async () => Object.keys(await deliveries()).length === 2);

    // Anna's mail is in hand when Bent unsubscribes.
    await append(memberStream(BENT), [testEvent('OptInWithdrawn', { memberId: BENT, optIn: 'newsletter', withdrawnBy: 'member', withdrawnAt: '2026-06-01T10:00:01.000Z' })]);
    await directoryCaughtUp();
    open();
    await settled({ [ANNA]: 'sent', [BENT]: 'not-eligible' });
    expect(transport.sent.map((mail) => mail.to)).toEqual(['anna@example.org']);
  });

  it('records a rejection and goes on; a transport that keeps failing leaves the mail pending until it goes, once', async () => {
    await admit(ANNA, person('Anna Ærø', 'anna@example.org'));
    await admit(BENT, person('Bent Øster', 'bent@example.org'));
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    // Anna: rejected for good. Bent: both tries of a round fail, then the next round's first try goes.
    transport.outcomes = [new MailRejectedError('MessageRejected'), down, down];
    await sendNewsletter();
    sender.onApplicationBootstrap();

    await until('Bent’s mail to be pending after a failed round', async () => transport.outcomes.length === 0);
    expect(await deliveries()).toEqual({ [ANNA]: 'rejected', [BENT]: 'pending' });
    await settled({ [ANNA]: 'rejected', [BENT]: 'sent' });
    expect(transport.sent.map((mail) => mail.to)).toEqual(['bent@example.org']);
  });

  it('queues a paper member’s newsletter as a letter in the transaction that settles the delivery, and mails nothing to them', async () => {
    await admit(ANNA, person('Anna Ærø', 'anna@example.org'));
    await admit(BENT, person('Bent Øster')); // a paper sign-up with the newsletter opt-in
    await admit(CARL, { ...person('Carl Åberg'), address: undefined } as unknown as PersonalData); // neither email nor address
    // The print queue fails once (a sequence is not rolled back): the delivery is rolled back with the letter, neither half done.
    await dataSource.query(`
      CREATE SEQUENCE jams;
      CREATE FUNCTION jam() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF nextval('jams') = 1 THEN RAISE EXCEPTION 'printer jammed'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER jam BEFORE INSERT ON print_letters FOR EACH ROW EXECUTE FUNCTION jam();`);
    await sendNewsletter();
    sender.onApplicationBootstrap();

    await until('the print queue to have failed once', async () => (await dataSource.query('SELECT is_called FROM jams'))[0].is_called === true);
    expect((await deliveries())[BENT]).toBe('pending');
    await settled({ [ANNA]: 'sent', [BENT]: 'queued-for-post', [CARL]: 'no-email' });
    expect(transport.sent.map((mail) => mail.to)).toEqual(['anna@example.org']);
    const queued: Array<{ letter_id: string; source: string; kind: string; recipient_id: string }> = await dataSource.query('SELECT letter_id::text, source, kind, recipient_id::text FROM print_letters');
    const [row] = await dataSource.query('SELECT letter_id::text FROM mailing_deliveries WHERE member_id = $1', [BENT]);
    expect(queued).toEqual([{ letter_id: row.letter_id, source: 'mailing', kind: 'newsletter', recipient_id: BENT }]);

    // Rendered from Bent's sealed data, with the mail's text part (the unsubscribe link as text).
    const [letter] = await letterSource.render([row.letter_id]);
    expect(letter).toEqual({
      letterId: row.letter_id,
      language: 'da',
      recipient: { name: 'Bent Øster', address: { street: 'Æblevej 1', postalCode: '5000', city: 'Odense', country: 'DK' } },
      subject: 'Nyhedsbrev juni',
      text: expect.stringMatching(/^Kære Bent Øster\n\nHej \*\*alle\*\*\n[\s\S]*https:\/\/netvaerket\.example\.org\/unsubscribe\?token=00000000-0000-4000-8000-000000000002\.newsletter\./),
      shows: [BENT],
    });

    // Confirmed posted: recorded on the delivery, once.
    await letterSource.settle([{ letterId: row.letter_id, source: 'mailing', outcome: 'posted' }], 'b0000000-0000-4000-8000-000000000001');
    await letterSource.settle([{ letterId: row.letter_id, source: 'mailing', outcome: 'not-printed' }], 'b0000000-0000-4000-8000-000000000002');
    expect(await dataSource.query('SELECT status, provider_message_id FROM mailing_deliveries WHERE member_id = $1', [BENT])).toEqual([
      { status: 'posted', provider_message_id: 'post:b0000000-0000-4000-8000-000000000001' },
    ]);
  });

  it('leaves out of the print a letter to a member who is no longer in the audience', async () => {
    await admit(BENT, person('Bent Øster'));
    await sendNewsletter();
    sender.onApplicationBootstrap();
    await settled({ [BENT]: 'queued-for-post' });
    const [row] = await dataSource.query('SELECT letter_id::text FROM mailing_deliveries WHERE member_id = $1', [BENT]);
    expect(await letterSource.render([row.letter_id])).toHaveLength(1);

    await append(memberStream(BENT), [testEvent('OptInWithdrawn', { memberId: BENT, optIn: 'newsletter', withdrawnBy: 'member', withdrawnAt: '2026-06-01T11:00:00.000Z' })]);
    await directoryCaughtUp();
    expect(await letterSource.render([row.letter_id])).toEqual([]);
    await letterSource.settle([{ letterId: row.letter_id, source: 'mailing', outcome: 'not-printed' }], 'b0000000-0000-4000-8000-000000000001');
    expect(await deliveries()).toEqual({ [BENT]: 'not-printed' });
  });
});
