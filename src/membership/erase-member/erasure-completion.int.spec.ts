import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { DomainEvent } from '../../../contracts/events/domain-event';
import { type MemberErased, memberStream, type PersonalData } from '../../../contracts/events/membership.events';
import { DisclosureLogProjector } from '../../../projections/disclosure-log/disclosure-log.projector';
import { DisclosureQueries } from '../../../projections/disclosure-log/disclosure-log.queries';
import { ErasureCompletionReactor } from '../../../projections/erasure-completion/erasure-completion.reactor';
import { ProjectionRunner } from '../../../projections/runner/projection-runner';
import { memberJoined } from '../../../test/support/recorded-events';
import { admittedTo, joinedWith } from '../../../test/support/membership-facts';
import { appendAt, ReferenceSender } from '../../../test/support/reference-sender';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { loadConfig } from '../../config/app-config';
import { KeyVault } from '../../crypto/key-vault';
import { Clock } from '../../domain/clock';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store';
import { MailTemplates } from '../../mail/mail-templates';
import { MailTransport, type OutgoingMail } from '../../mail/mail-transport';
import { MemberSessions } from '../../member-access/member-sessions';
import { EmailClaims } from '../email-claims';
import { ErasureCompletion } from './erasure-completion';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const GROUP = randomUUID();

class FixedClock extends Clock {
  now(): Date {
    return NOW;
  }
}

/** Records each message with whether its recipient's key was shredded when it was handed over; fails as told. */
class CheckingTransport extends MailTransport {
  sent: Array<{ mail: OutgoingMail; keyShreddedAtSend: boolean }> = [];
  attempts = 0;
  broken = false;
  subjectOf = new Map<string, string>();
  constructor(private readonly vault: KeyVault) {
    super();
  }
  async send(mail: OutgoingMail): Promise<{ providerMessageId: string }> {
    this.attempts++;
    if (this.broken) throw Object.assign(new Error(`Could not deliver to ${mail.to}`), { code: 'ECONNREFUSED' });
    this.sent.push({ mail, keyShreddedAtSend: await this.vault.isShredded(this.subjectOf.get(mail.to) ?? '') });
    return { providerMessageId: `msg-${this.sent.length}` };
  }
}

const person = (name: string, email?: string): PersonalData => ({
  name,
  ...(email ? { email } : {}),
  phone: '+4520123456',
  address: { street: 'Æblevej 1', postalCode: '5000', city: 'Odense', country: 'DK' },
});
const erased = (memberId: string, erasedBy: MemberErased['data']['erasedBy']): MemberErased => ({
  type: 'MemberErased',
  data: { memberId, erasedBy, erasedAt: NOW.toISOString() },
});
const verified = (memberId: string): DomainEvent => ({ type: 'EmailVerified', data: { memberId, purpose: 'sign-up', verifiedAt: NOW.toISOString() } });

describe('the erasure completion', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let vault: KeyVault;
  let dataDir: string;
  let transport: CheckingTransport;
  let sessions: MemberSessions;
  let claims: EmailClaims;
  let completion: ErasureCompletion;

  /** A member who joined with real sealed data (in English), verified unless told otherwise, and was admitted. */
  const member = async (name: string, email?: string, { verify = true, paper = false } = {}): Promise<string> => {
    const memberId = randomUUID();
    const joined = memberJoined(memberId, GROUP, { language: 'en', personal: await vault.seal(memberId, person(name, email)) });
    if (paper) joined.data.consent = { ...joined.data.consent, channel: 'paper', attestedByStaff: true };
    await appendAt(store, memberStream(memberId), [joined, ...(verify ? [verified(memberId)] : []), admittedTo(memberId, GROUP)]);
    if (email) transport.subjectOf.set(email, memberId);
    return memberId;
  };
  const receiptRow = async (memberId: string) =>
    (await database.pool.query('SELECT outcome, recipients_notified, completed_at IS NOT NULL AS completed FROM erasure_receipts WHERE member_id = $1', [memberId])).rows[0];

  beforeEach(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
    store = new PostgresEventStore(database.pool, { pollIntervalMs: 25 });
    vault = new KeyVault(database.pool, randomBytes(32));
    dataDir = await mkdtemp(join(tmpdir(), 'sjn-erasure-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    transport = new CheckingTransport(vault);
    sessions = new MemberSessions(database.pool, config, new FixedClock());
    claims = new EmailClaims(database.pool, vault);
    completion = new ErasureCompletion(store, database.pool, vault, transport, new MailTemplates(), config, sessions, claims, new DisclosureQueries(dataSource), [1, 1]);
  });
  afterEach(async () => {
    await store.close();
    await dataSource.destroy();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('mails the receipt while the key still opens the address, then shreds the key, ends the sessions, releases the claims and drops the sealed copies', async () => {
    const anna = await member('Anna Ærø', 'anna@example.org');
    const [bo, carl, dora] = [randomUUID(), randomUUID(), randomUUID()];
    for (const other of [bo, carl, dora]) await appendAt(store, memberStream(other), [joinedWith(other, GROUP), admittedTo(other, GROUP)]);
    // One list to all four, then Dora is erased: Bo and Carl are the earlier recipients to tell.
    await new ReferenceSender(store).run(GROUP);
    await appendAt(store, memberStream(dora), [erased(dora, 'member')]);
    await vault.shred(dora);
    await dataSource.transaction(async (tx) => new DisclosureLogProjector().apply(await store.readAll({ maxCount: 10_000 }), tx));

    const { token } = await sessions.issueLink(anna);
    const session = await sessions.exchange(token);
    await claims.claim(claims.digest('anna@example.org'), GROUP, anna);
    const annaSealed = await vault.seal(anna, person('Anna Ærø', 'anna@example.org'));
    const boSealed = await vault.seal(bo, person('Bo Ø'));
    await database.pool.query(
      `INSERT INTO contact_list_sender_versions (diagnosis_id, version, built_at_position, event_id, entries, newcomers, sealed, diagnosis_name, state)
       VALUES ($1, 1, 1, $2, '[]', '[]', $3, 'Alström syndrom', 'published')`,
      [GROUP, randomUUID(), JSON.stringify([{ subjectId: anna, personal: annaSealed }, { subjectId: bo, personal: boSealed }])],
    );
    for (const [recipient, subject] of [[anna, bo], [bo, anna]]) {
      await database.pool.query(
        `INSERT INTO contact_list_outbox (dispatch_id, idempotency_key, kind, recipient_id, subject_id, state, language, recipient_personal, subject_personal, render)
         VALUES ($1, $2, 'correction', $3, $4, 'planned', 'da', $5, $6, '{}')`,
        [randomUUID(), randomUUID(), recipient, subject, recipient === anna ? annaSealed : boSealed, subject === anna ? annaSealed : boSealed],
      );
    }

    await appendAt(store, memberStream(anna), [erased(anna, 'member')]);
    expect(await completion.complete(anna)).toEqual({ receipt: 'sent', recipientsNotified: 2 });

    expect(transport.sent).toHaveLength(1);
    const [{ mail, keyShreddedAtSend }] = transport.sent;
    expect(keyShreddedAtSend).toBe(false);
    expect(mail.to).toBe('anna@example.org');
    expect(mail.subject).toBe('Your details have been erased from Sjældne-netværket');
    expect(mail.text).toContain('Dear Anna Ærø,');
    expect(mail.text).toContain('- your postal address\n');
    expect(mail.text).toContain('Members who received your details on a contact list: 2.');
    expect(mail.headers).toEqual({ 'Auto-Submitted': 'auto-generated' });

    expect(await vault.isShredded(anna)).toBe(true);
    expect(await sessions.resolve(session?.sessionToken ?? '')).toBeUndefined();
    expect((await database.pool.query('SELECT count(*)::int AS n FROM member_email_claims WHERE member_id = $1', [anna])).rows[0].n).toBe(0);
    const [version] = (await database.pool.query('SELECT sealed FROM contact_list_sender_versions')).rows;
    expect(version.sealed).toEqual([{ subjectId: anna, personal: null }, { subjectId: bo, personal: boSealed }]);
    const outbox = (await database.pool.query('SELECT recipient_id::text, recipient_personal, subject_personal FROM contact_list_outbox ORDER BY recipient_id = $1', [anna])).rows;
    expect(outbox).toEqual([
      { recipient_id: bo, recipient_personal: boSealed, subject_personal: null },
      { recipient_id: anna, recipient_personal: null, subject_personal: boSealed },
    ]);
    expect(await receiptRow(anna)).toEqual({ outcome: 'sent', recipients_notified: 2, completed: true });
  });

  it('shreds the key all the same when the receipt cannot be sent after three tries, and records the failure', async () => {
    const anna = await member('Anna Ærø', 'anna@example.org');
    await appendAt(store, memberStream(anna), [erased(anna, 'secretariat')]);
    transport.broken = true;

    expect(await completion.complete(anna)).toEqual({ receipt: 'failed', recipientsNotified: 0 });

    expect(transport.attempts).toBe(3);
    expect(await vault.isShredded(anna)).toBe(true);
    expect(await receiptRow(anna)).toEqual({ outcome: 'failed', recipients_notified: 0, completed: true });
  });

  it('sends one receipt however often, and however concurrently, it runs', async () => {
    const anna = await member('Anna Ærø', 'anna@example.org');
    await appendAt(store, memberStream(anna), [erased(anna, 'member')]);

    const results = await Promise.all([completion.complete(anna), completion.complete(anna)]);
    results.push(await completion.complete(anna));

    expect(results).toEqual(Array(3).fill({ receipt: 'sent', recipientsNotified: 0 }));
    expect(transport.sent).toHaveLength(1);
  });

  it('sends no receipt for a retention erasure, to a member without email, or to an address never proved', async () => {
    const retained = await member('Rasmus', 'rasmus@example.org');
    const paper = await member('Pia på papir', undefined, { paper: true, verify: false });
    const unproved = await member('Uffe', 'uffe@example.org', { verify: false });
    const attested = await member('Asta', 'asta@example.org', { paper: true, verify: false });
    await appendAt(store, memberStream(retained), [erased(retained, 'retention')]);
    for (const memberId of [paper, unproved, attested]) await appendAt(store, memberStream(memberId), [erased(memberId, 'secretariat')]);

    expect((await completion.complete(retained)).receipt).toBe('not-sent');
    expect((await completion.complete(paper)).receipt).toBe('no-email');
    expect((await completion.complete(unproved)).receipt).toBe('not-sent');
    // The secretariat attested a paper sign-up's address: that one is used.
    expect((await completion.complete(attested)).receipt).toBe('sent');

    expect(transport.sent.map((sent) => sent.mail.to)).toEqual(['asta@example.org']);
    expect(await vault.shreddedAmong([retained, paper, unproved, attested])).toEqual(new Set([retained, paper, unproved, attested]));
  });

  it('refuses to complete an erasure that is not in the log, and touches nothing', async () => {
    const anna = await member('Anna Ærø', 'anna@example.org');

    await expect(completion.complete(anna)).rejects.toThrow(/no MemberErased/);

    expect(await vault.isShredded(anna)).toBe(false);
    expect(await receiptRow(anna)).toBeUndefined();
  });

  it('is finished by the reactor after a crash between the append and the completion, and not repeated by a rebuild', async () => {
    const anna = await member('Anna Ærø', 'anna@example.org');
    // The handler appended MemberErased, and the process stopped before it completed anything.
    await appendAt(store, memberStream(anna), [erased(anna, 'member')]);
    expect(await vault.isShredded(anna)).toBe(false);

    const runner = new ProjectionRunner(new ErasureCompletionReactor(completion), store, dataSource, { connectionString: database.connectionString, standbyRetryMs: 50 });
    const until = async (condition: () => Promise<boolean>): Promise<void> => {
      for (let i = 0; i < 400 && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(await condition()).toBe(true);
    };
    runner.start();
    try {
      await until(async () => (await receiptRow(anna))?.completed === true);
      expect(await vault.isShredded(anna)).toBe(true);
      expect(transport.sent.map((sent) => [sent.mail.to, sent.keyShreddedAtSend])).toEqual([['anna@example.org', false]]);

      await dataSource.query(`UPDATE projection_checkpoints SET rebuild_requested = true WHERE name = 'erasure-completion'`);
      const head = await store.headPosition();
      await until(async () => {
        const [row] = await dataSource.query(`SELECT rebuild_requested, position FROM projection_checkpoints WHERE name = 'erasure-completion'`);
        return row.rebuild_requested === false && BigInt(row.position) >= head;
      });
      expect(transport.sent).toHaveLength(1);
    } finally {
      await runner.stop();
    }
  });
});
