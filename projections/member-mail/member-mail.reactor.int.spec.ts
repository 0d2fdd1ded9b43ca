import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { diagnosisStream } from '../../contracts/events/diagnosis.events';
import type { NewEvent } from '../../contracts/events/event-envelope';
import { type Language, memberStream, type PersonalData } from '../../contracts/events/membership.events';
import { loadConfig } from '../../src/config/app-config';
import { KeyVault } from '../../src/crypto/key-vault';
import { Clock } from '../../src/domain/clock';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store';
import { FileMailTransport } from '../../src/mail/file-mail-transport';
import { MailTemplates } from '../../src/mail/mail-templates';
import { MailRejectedError, MailTransport, type OutgoingMail } from '../../src/mail/mail-transport';
import { testEvent } from '../../test/support/events';
import { readMailSink } from '../../test/support/mail-sink';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { ProjectionRunner } from '../runner/projection-runner';
import { MEMBER_MAIL_ENTITIES } from './member-mail.entity';
import { MemberMailReactor } from './member-mail.reactor';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const TOMORROW = '2026-11-30T12:00:00.000Z';
const PUBLIC_URL = 'https://netvaerket.example.org';

class FixedClock extends Clock {
  now(): Date {
    return NOW;
  }
}

/** Hands messages to the file sink, after failing as told (a stand-in for a flaky or picky provider). */
class UnreliableTransport extends MailTransport {
  /** One entry per coming attempt: an error to throw, or undefined to deliver. */
  outcomes: Array<Error | undefined> = [];
  /** Thrown by every attempt when set. */
  broken?: Error;
  attempts = 0;
  constructor(private readonly inner: MailTransport) {
    super();
  }
  async send(message: OutgoingMail): Promise<{ providerMessageId: string }> {
    this.attempts++;
    const failure = this.broken ?? this.outcomes.shift();
    if (failure) throw failure;
    return this.inner.send(message);
  }
}

const person = (name: string, email?: string): PersonalData => ({
  name,
  ...(email ? { email } : {}),
  phone: '+4520123456',
  address: { street: 'Æblevej 1', postalCode: '5000', city: 'Odense', country: 'DK' },
});

describe('the member-mail reactor', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let vault: KeyVault;
  let dataDir: string;
  let mailDir: string;
  let transport: UnreliableTransport;
  let reactor: MemberMailReactor;
  let runner: ProjectionRunner | undefined;

  const start = (): ProjectionRunner => {
    runner = new ProjectionRunner(reactor, store, dataSource, { connectionString: database.connectionString, standbyRetryMs: 50, batchSize: 50 });
    runner.start();
    return runner;
  };
  const until = async (condition: () => boolean | Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 400 && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await condition()).toBe(true);
  };
  const caughtUp = async (): Promise<void> => {
    const head = await store.headPosition();
    await until(() => (runner?.status().position ?? 0n) >= head);
  };
  const dispatches = (): Promise<Array<{ event_id: string; kind: string; outcome: string }>> =>
    dataSource.query('SELECT event_id, kind, outcome FROM member_mail_dispatches ORDER BY dispatched_at, kind');

  /** A member who signs up on the web (or on paper, without email), with their personal data sealed. */
  const signUp = async (options: { language: Language; personal: PersonalData; channel?: 'web' | 'paper'; diagnosisId?: string }) => {
    const memberId = randomUUID();
    const diagnosisId = options.diagnosisId ?? randomUUID();
    const sealed = await vault.seal(memberId, options.personal);
    const joined = testEvent('MemberJoined', {
      memberId,
      diagnosisId,
      role: 'patient',
      country: 'DK',
      language: options.language,
      consent: {
        textVersion: '1',
        language: options.language,
        channel: options.channel ?? 'web',
        givenBy: 'self',
        attestedByStaff: options.channel === 'paper',
        sharedFields: ['address', 'phone', 'email'],
        scope: 'group',
        allowTransferToGreenland: false,
        givenAt: NOW.toISOString(),
      },
      optIns: { newsletter: false, meetups: false, facebookInvite: false },
      personal: sealed,
    });
    return { memberId, diagnosisId, joined };
  };
  const verificationRequested = async (memberId: string, email: string, expiresAt = TOMORROW) => {
    const token = `${memberId}.${randomBytes(32).toString('base64url')}`;
    const sealed = await vault.seal(memberId, { token, email });
    return { token, event: testEvent('EmailVerificationRequested', { memberId, purpose: 'sign-up', tokenHash: 'f'.repeat(64), expiresAt, sealed }) };
  };
  const append = (streamId: string, events: NewEvent[]) => store.append(streamId, events, 'any');

  beforeEach(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString, entities: MEMBER_MAIL_ENTITIES }).initialize();
    store = new PostgresEventStore(database.pool, { pollIntervalMs: 25 });
    vault = new KeyVault(database.pool, randomBytes(32));
    dataDir = await mkdtemp(join(tmpdir(), 'sjn-member-mail-'));
    mailDir = join(dataDir, 'mail');
    const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL });
    transport = new UnreliableTransport(new FileMailTransport(mailDir, config.MAIL_FROM, new FixedClock()));
    reactor = new MemberMailReactor(transport, new MailTemplates(), vault, config, new FixedClock(), [10, 10]);
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await store.close();
    await dataSource.destroy();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("emails the verification link in the member's language, and a replay or a rebuild sends nothing new", async () => {
    const name = 'Åsa Þórðardóttir Ærøskøbing';
    const { memberId, joined } = await signUp({ language: 'sv', personal: person(name, 'asa@example.se') });
    const { token, event } = await verificationRequested(memberId, 'asa@example.se');
    await append(memberStream(memberId), [joined, event]);

    start();
    await caughtUp();

    const mails = await readMailSink(mailDir);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toEqual(expect.objectContaining({ to: 'asa@example.se', subject: 'Bekräfta din e-postadress för Sjældne-netværket' }));
    expect(mails[0].text).toContain(`Hej ${name}!`);
    expect(mails[0].text).toContain(`${PUBLIC_URL}/verify?token=${token}`);
    expect(mails[0].html).toContain(name);
    expect(mails[0].headers['auto-submitted']).toBe('auto-generated');
    expect(await dispatches()).toEqual([{ event_id: event.id, kind: 'verification', outcome: 'sent' }]);

    // Applying the same events again (as after a crash before the checkpoint moved) mails nobody.
    const recorded = await store.readStream(memberStream(memberId));
    await dataSource.transaction((tx) => reactor.apply(recorded, tx));
    // Neither does a rebuild from position 0.
    await dataSource.query(`UPDATE projection_checkpoints SET rebuild_requested = true WHERE name = 'member-mail'`);
    await until(async () => (await dataSource.query(`SELECT rebuild_requested FROM projection_checkpoints`))[0].rebuild_requested === false);
    await caughtUp();
    expect(await readMailSink(mailDir)).toHaveLength(1);
    expect(transport.attempts).toBe(1);
  });

  it('sends nothing to a member without an email address (a paper sign-up)', async () => {
    const { memberId, diagnosisId, joined } = await signUp({ language: 'da', personal: person('Søren Ødegård'), channel: 'paper' });
    const declined = testEvent('MemberDeclined', { memberId, diagnosisId, reason: 'not-rare' });
    await append(memberStream(memberId), [joined, declined]);

    start();
    await caughtUp();

    expect(await readMailSink(mailDir)).toEqual([]);
    expect(await dispatches()).toEqual([{ event_id: declined.id, kind: 'not-rare', outcome: 'no-email' }]);
  });

  it('refers a member to the patient association, at their current address, and tells another that the diagnosis is not rare', async () => {
    const referredTo = randomUUID();
    const notRare = randomUUID();
    const proposer = randomUUID();
    await append(diagnosisStream(referredTo), [
      testEvent('DiagnosisProposed', { diagnosisId: referredTo, name: 'Ðalmar-Þór syndrom', proposedBy: proposer }),
      testEvent('DiagnosisAssessed', {
        diagnosisId: referredTo,
        decision: 'has-association',
        rationale: 'Foreningen findes',
        association: { name: 'Foreningen for Ðalmar-Þór', email: 'info@dalmar.example.dk', url: 'javascript:alert(1)' },
        assessorRole: 'secretariat',
      }),
    ]);
    await append(diagnosisStream(notRare), [
      testEvent('DiagnosisProposed', { diagnosisId: notRare, name: 'Almindelig migræne', proposedBy: proposer }),
      testEvent('DiagnosisAssessed', { diagnosisId: notRare, decision: 'not-rare', rationale: 'For mange', assessorRole: 'secretariat' }),
    ]);
    const english = await signUp({ language: 'en', personal: person('Ólöf Þórsdóttir', 'old@example.com'), diagnosisId: referredTo });
    const moved = await vault.seal(english.memberId, person('Ólöf Þórsdóttir', 'olof@example.com'));
    await append(memberStream(english.memberId), [
      english.joined,
      testEvent('ContactDetailsUpdated', { memberId: english.memberId, country: 'DK', fields: ['email'], personal: moved }),
      testEvent('MemberReferred', { memberId: english.memberId, diagnosisId: referredTo }),
    ]);
    const norwegian = await signUp({ language: 'nb', personal: person('Øystein Ås', 'oystein@example.no'), diagnosisId: notRare });
    await append(memberStream(norwegian.memberId), [norwegian.joined, testEvent('MemberDeclined', { memberId: norwegian.memberId, diagnosisId: notRare, reason: 'not-rare' })]);

    start();
    await caughtUp();

    const mails = await readMailSink(mailDir);
    expect(mails).toHaveLength(2);
    const referral = mails.find((mail) => mail.to === 'olof@example.com');
    const declined = mails.find((mail) => mail.to === 'oystein@example.no');
    if (!referral || !declined) throw new Error('a mail is missing');
    expect(referral).toEqual(expect.objectContaining({ to: 'olof@example.com', subject: 'About your sign-up for Sjældne-netværket' }));
    expect(referral.text).toContain('the diagnosis Ðalmar-Þór syndrom');
    expect(referral.text).toContain('Foreningen for Ðalmar-Þór\nEmail: info@dalmar.example.dk\n');
    expect(referral.html).not.toContain('javascript:');
    expect(declined).toEqual(expect.objectContaining({ to: 'oystein@example.no', subject: 'Om innmeldingen din i Sjældne-netværket' }));
    expect(declined.text).toContain('Hei Øystein Ås!');
    expect(declined.text).toContain('Almindelig migræne ikke oppfyller disse kriteriene');
  });

  it('sends nothing for an erased member or an expired link', async () => {
    const erased = await signUp({ language: 'da', personal: person('Ærling Ø', 'aerling@example.dk') });
    const erasedRequest = await verificationRequested(erased.memberId, 'aerling@example.dk');
    await vault.shred(erased.memberId);
    const late = await signUp({ language: 'da', personal: person('Åge Å', 'aage@example.dk') });
    const lateRequest = await verificationRequested(late.memberId, 'aage@example.dk', '2026-11-29T11:59:59.000Z');
    const erasure = testEvent('MemberErased', { memberId: erased.memberId, erasedBy: 'member', erasedAt: NOW.toISOString() });
    await append(memberStream(erased.memberId), [erased.joined, erasedRequest.event, erasure]);
    await append(memberStream(late.memberId), [late.joined, lateRequest.event]);

    start();
    await caughtUp();

    expect(await readMailSink(mailDir)).toEqual([]);
    expect((await dispatches()).map((row) => row.outcome).sort()).toEqual(['erased', 'expired']);
    // Nor does it keep the erased member's sealed data.
    const recipients = async () => (await dataSource.query('SELECT member_id FROM member_mail_recipients')).map((row: { member_id: string }) => row.member_id);
    expect(await recipients()).toEqual([late.memberId]);
  });

  it('retries a failed send, records a rejected one and goes on', async () => {
    const first = await signUp({ language: 'da', personal: person('Første', 'first@example.dk') });
    const firstRequest = await verificationRequested(first.memberId, 'first@example.dk');
    const second = await signUp({ language: 'da', personal: person('Anden', 'second@example.dk') });
    const secondRequest = await verificationRequested(second.memberId, 'second@example.dk');
    await append(memberStream(first.memberId), [first.joined, firstRequest.event]);
    await append(memberStream(second.memberId), [second.joined, secondRequest.event]);
    transport.outcomes = [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), undefined, new MailRejectedError('MessageRejected')];

    start();
    await caughtUp();

    expect((await readMailSink(mailDir)).map((mail) => mail.to)).toEqual(['first@example.dk']);
    expect(await dispatches()).toEqual([
      { event_id: firstRequest.event.id, kind: 'verification', outcome: 'sent' },
      { event_id: secondRequest.event.id, kind: 'verification', outcome: 'rejected' },
    ]);
  });

  it('pauses at an event whose mail cannot be sent and sends it once the transport works again, recording no failure', async () => {
    const member = await signUp({ language: 'da', personal: person('Ævar', 'aevar@example.dk') });
    const request = await verificationRequested(member.memberId, 'aevar@example.dk');
    await append(memberStream(member.memberId), [member.joined, request.event]);
    transport.broken = new Error('Could not deliver to aevar@example.dk');

    const running = start();
    await until(() => transport.attempts >= 6); // every try of one round, and the runner tried the event again
    expect(running.status().state).not.toBe('failed');
    const [checkpoint] = await dataSource.query(`SELECT failed_at_position, failure FROM projection_checkpoints WHERE name = 'member-mail'`);
    expect(checkpoint).toEqual({ failed_at_position: null, failure: null });
    expect(await dispatches()).toEqual([]);
    expect(await readMailSink(mailDir)).toEqual([]);

    transport.broken = undefined; // the mail server is back
    await caughtUp();
    expect(running.status().state).toBe('active');
    expect(await dispatches()).toEqual([{ event_id: request.event.id, kind: 'verification', outcome: 'sent' }]);
    expect((await readMailSink(mailDir)).map((mail) => mail.to)).toEqual(['aevar@example.dk']);
  });
});
