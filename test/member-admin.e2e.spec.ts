import { randomUUID } from 'node:crypto';
import type { DiagnosisRegistered } from '../contracts/events/diagnosis.events';
import { diagnosisStream } from '../contracts/events/diagnosis.events';
import type { DomainEvent } from '../contracts/events/domain-event';
import type { RecordedEvent } from '../contracts/events/event-envelope';
import { memberStream, type PersonalData } from '../contracts/events/membership.events';
import { memberJoined } from './support/recorded-events';
import { KeyVault } from '../src/crypto/key-vault';
import { toNewEvents } from '../src/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

const GROUP = randomUUID();
const tag = randomUUID().slice(0, 6);

/** Personal data used only by this spec: none of it may appear in clear text in events or tables. */
const PEOPLE: Record<'anna' | 'bo' | 'carl', PersonalData> = {
  anna: {
    name: `Anna Ærø-${tag}`,
    email: `anna.${tag}@example.org`,
    phone: '+4520112233',
    address: { street: `Åboulevard ${tag}`, postalCode: '2200', city: 'København N', country: 'DK' },
    birthYear: 1980,
  },
  bo: {
    name: `Bo Østergaard-${tag}`,
    email: `bo.${tag}@example.org`,
    phone: '+4530445566',
    address: { street: `Bøgevej ${tag}`, postalCode: '8000', city: 'Aarhus C', country: 'DK' },
    birthYear: 1975,
  },
  carl: {
    name: `Carl Sørensen-${tag}`,
    email: `carl.${tag}@example.org`,
    phone: '+4540778899',
    address: { street: `Søgade ${tag}`, postalCode: '5000', city: 'Odense C', country: 'DK' },
    birthYear: 1990,
  },
};
const NEW_PHONE = { given: '+45 61 23 45 78', e164: '+4561234578' };
const NEW_EMAIL = `anna.new.${tag}@example.org`;
const SUSPICION_NOTE = `Reported by a member: ${tag} seems not to have the diagnosis`;
const RESTRICTION_REASON = `Asked by phone to be left off lists ${tag}`;
/** Every personal value of this spec, as given and as stored. */
const PLAINTEXT = [
  ...Object.values(PEOPLE).flatMap((person) => [person.name, person.email ?? '', person.phone, person.address.street]),
  NEW_PHONE.given,
  NEW_PHONE.e164,
  NEW_EMAIL,
  SUSPICION_NOTE,
  RESTRICTION_REASON,
];

interface Answer {
  status: number;
  contentType: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('member administration by the secretariat, over HTTP', () => {
  let service: TestApp;
  let store: EventStore;
  let vault: KeyVault;
  const ids = { anna: '', bo: '', carl: '' };

  const call = async (method: 'GET' | 'POST', path: string, { key, body }: { key?: string; body?: unknown } = {}): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${service.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
  };
  const command = (name: string, body: unknown, key: string | null = SECRETARIAT_KEY) => call('POST', `/commands/${name}`, { key: key ?? undefined, body });
  const roster = (query = '') => call('GET', `/groups/${GROUP}/roster${query}`, { key: SECRETARIAT_KEY });
  const member = (memberId: string, query = '') => call('GET', `/members/${memberId}${query}`, { key: SECRETARIAT_KEY });
  const accessLog = (memberId: string, key = DPO_KEY) => call('GET', `/access-log?memberId=${memberId}`, { key });
  const rosterMember = async (memberId: string) => (await roster()).body.members.find((entry: { memberId: string }) => entry.memberId === memberId);

  const append = async (streamId: string, events: DomainEvent[]): Promise<void> => {
    const context = { actorRole: 'system' as const, correlationId: randomUUID(), now: new Date() };
    await store.append(streamId, toNewEvents(events, context), 'any');
  };

  /** A web sign-up that was verified and admitted, written straight to the log. */
  const admittedMember = async (personal: PersonalData): Promise<string> => {
    const memberId = randomUUID();
    const now = new Date().toISOString();
    const joined = memberJoined(memberId, GROUP, { optIns: { newsletter: true, meetups: true, facebookInvite: false }, personal: await vault.seal(memberId, personal) });
    await append(memberStream(memberId), [
      joined,
      { type: 'EmailVerified', data: { memberId, purpose: 'sign-up', verifiedAt: now } },
      { type: 'MemberAdmitted', data: { memberId, diagnosisId: GROUP, admittedAt: now } },
    ]);
    return memberId;
  };

  /** Waits until the roster and the directory have applied everything in the log. */
  const settled = async (): Promise<void> => {
    const head = await store.headPosition();
    for (let attempt = 0; attempt < 400; attempt++) {
      const { rows } = await service.database.pool.query<{ position: string }>(
        `SELECT min(position)::text AS position FROM projection_checkpoints WHERE name IN ('group-roster', 'member-directory') HAVING count(*) = 2`,
      );
      if (rows[0] && BigInt(rows[0].position) >= head) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the projections did not catch up');
  };

  const streamEvents = async (memberId: string): Promise<RecordedEvent[]> => store.readStream(memberStream(memberId));

  beforeAll(async () => {
    service = await startTestApp();
    store = service.app.get<EventStore>(EVENT_STORE);
    vault = service.app.get(KeyVault);
    const registered: DiagnosisRegistered = { type: 'DiagnosisRegistered', data: { diagnosisId: GROUP, name: `Testsyndrom ${tag}` } };
    await append(diagnosisStream(GROUP), [registered]);
    ids.anna = await admittedMember(PEOPLE.anna);
    ids.bo = await admittedMember(PEOPLE.bo);
    ids.carl = await admittedMember(PEOPLE.carl);
    await settled();
  });
  afterAll(() => service.close());

  it('shows the roster with the contact details opened, and logs the look-up for the dpo', async () => {
    const answer = await roster('?purpose=answering%20a%20member%27s%20question');
    expect(answer.status).toBe(200);
    expect(answer.body.diagnosisId).toBe(GROUP);
    expect(answer.body.members).toHaveLength(3);
    const { name, email, phone, address } = PEOPLE.anna;
    expect(answer.body.members.find((entry: { memberId: string }) => entry.memberId === ids.anna)).toEqual({
      memberId: ids.anna,
      status: 'admitted',
      role: 'patient',
      country: 'DK',
      language: 'da',
      consent: { scope: 'group', sharedFields: ['address', 'phone', 'email'], allowTransferToGreenland: false },
      emailVerified: true,
      admittedAt: expect.any(String),
      contact: { name, email, phone, address },
    });

    const log = await accessLog(ids.anna);
    expect(log.status).toBe(200);
    expect(log.body).toEqual({
      memberId: ids.anna,
      entries: [{ id: expect.any(String), at: expect.any(String), role: 'secretariat', keyIndex: 0, kind: 'roster', subject: GROUP, purpose: "answering a member's question" }],
    });
  });

  it('shows one member’s record with personal data, memberships and consent, and logs it', async () => {
    const answer = await member(ids.bo, '?purpose=rectification');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      memberId: ids.bo,
      status: 'admitted',
      restricted: false,
      role: 'patient',
      relation: null,
      channel: 'web',
      country: 'DK',
      language: 'da',
      consent: {
        textVersion: '1',
        givenAt: expect.any(String),
        givenBy: 'self',
        attestedByStaff: false,
        scope: 'group',
        sharedFields: ['address', 'phone', 'email'],
        allowTransferToGreenland: false,
      },
      optIns: { newsletter: true, meetups: true, facebookInvite: false },
      emailVerified: true,
      emailChangePending: false,
      joinedAt: expect.any(String),
      memberships: [{ diagnosisId: GROUP, status: 'admitted' }],
      personal: PEOPLE.bo,
    });
    const log = await accessLog(ids.bo);
    expect(log.body.entries.map((entry: { kind: string; subject: string; purpose: string | null }) => [entry.kind, entry.subject, entry.purpose])).toEqual([
      ['roster', GROUP, "answering a member's question"],
      ['member', ids.bo, 'rectification'],
    ]);
  });

  it('withdraws a member’s consent at once: off the roster, status withdrawn, a second withdrawal is a conflict', async () => {
    const answer = await command('withdraw-consent', { memberId: ids.carl });
    expect(answer).toEqual(expect.objectContaining({ status: 201, body: { memberId: ids.carl, status: 'withdrawn' } }));
    const [withdrawn] = (await streamEvents(ids.carl)).slice(-1);
    expect(withdrawn).toEqual(expect.objectContaining({ type: 'ConsentWithdrawn', data: { memberId: ids.carl, withdrawnBy: 'secretariat', withdrawnAt: expect.any(String) } }));
    await settled();

    const after = await roster();
    expect(after.body.members.map((entry: { memberId: string }) => entry.memberId).sort()).toEqual([ids.anna, ids.bo].sort());
    const record = await member(ids.carl);
    expect(record.body).toEqual(expect.objectContaining({ status: 'withdrawn', memberships: [{ diagnosisId: GROUP, status: 'withdrawn' }] }));

    const again = await command('withdraw-consent', { memberId: ids.carl });
    expect(again.status).toBe(409);
    expect(again.contentType).toContain('application/problem+json');
    expect(again.body).toEqual(expect.objectContaining({ type: '/problems/consent-already-withdrawn', status: 409 }));

    // The roster look-up after the withdrawal did not show Carl: only the earlier one is in his log.
    const log = await accessLog(ids.carl);
    expect(log.body.entries.map((entry: { kind: string }) => entry.kind)).toEqual(['roster', 'member']);
  });

  it('restricts a member (status restricted on the roster) and lifts the restriction', async () => {
    const restricted = await command('restrict-member', { memberId: ids.bo, reason: RESTRICTION_REASON });
    expect(restricted).toEqual(expect.objectContaining({ status: 201, body: { memberId: ids.bo, status: 'admitted', restricted: true } }));
    await settled();
    expect(await rosterMember(ids.bo)).toEqual(expect.objectContaining({ status: 'restricted' }));
    expect((await command('restrict-member', { memberId: ids.bo, reason: 'again' })).status).toBe(409);

    const lifted = await command('lift-restriction', { memberId: ids.bo });
    expect(lifted).toEqual(expect.objectContaining({ status: 201, body: { memberId: ids.bo, status: 'admitted', restricted: false } }));
    await settled();
    expect(await rosterMember(ids.bo)).toEqual(expect.objectContaining({ status: 'admitted' }));
    expect((await command('lift-restriction', { memberId: ids.bo })).status).toBe(409);
  });

  it('a reported suspicion restricts the member while it is examined, in the same append', async () => {
    const answer = await command('report-suspicion', { memberId: ids.anna, note: SUSPICION_NOTE });
    expect(answer).toEqual(expect.objectContaining({ status: 201, body: { memberId: ids.anna, status: 'admitted', restricted: true } }));
    const events = await streamEvents(ids.anna);
    const [reported, restricted] = events.slice(-2);
    expect(reported).toEqual(expect.objectContaining({ type: 'SuspicionReported', data: expect.objectContaining({ memberId: ids.anna, reportedBy: 'secretariat' }) }));
    expect(restricted).toEqual(expect.objectContaining({ type: 'MemberRestricted', data: expect.objectContaining({ memberId: ids.anna }) }));
    expect(reported.metadata.correlationId).toBe(restricted.metadata.correlationId);
    expect(await vault.open(ids.anna, (reported.data as { note: string }).note, null)).toBe(SUSPICION_NOTE);
    await settled();
    expect(await rosterMember(ids.anna)).toEqual(expect.objectContaining({ status: 'restricted' }));
    expect((await command('lift-restriction', { memberId: ids.anna })).status).toBe(201);
  });

  it('rectifies the phone number at once; a new email waits for verification instead of replacing the old one', async () => {
    const phone = await command('update-contact-details', { memberId: ids.anna, phone: NEW_PHONE.given });
    expect(phone).toEqual(expect.objectContaining({ status: 201, body: { memberId: ids.anna, updatedFields: ['phone'], emailVerificationRequested: false } }));
    await settled();
    expect((await rosterMember(ids.anna)).contact).toEqual(expect.objectContaining({ phone: NEW_PHONE.e164, email: PEOPLE.anna.email }));

    const email = await command('update-contact-details', { memberId: ids.anna, email: NEW_EMAIL });
    expect(email).toEqual(expect.objectContaining({ status: 201, body: { memberId: ids.anna, updatedFields: [], emailVerificationRequested: true } }));
    const [requested] = (await streamEvents(ids.anna)).slice(-1);
    expect(requested).toEqual(
      expect.objectContaining({
        type: 'EmailVerificationRequested',
        data: { memberId: ids.anna, purpose: 'email-change', tokenHash: expect.stringMatching(/^[0-9a-f]{64}$/), expiresAt: expect.any(String), sealed: expect.any(String) },
      }),
    );
    const sealed = await vault.open<{ token: string; email: string }>(ids.anna, (requested.data as { sealed: string }).sealed, { token: '', email: '' });
    expect(sealed).toEqual({ token: expect.stringMatching(new RegExp(`^${ids.anna}\\.[A-Za-z0-9_-]{43}$`)), email: NEW_EMAIL });
    await settled();
    expect((await rosterMember(ids.anna)).contact.email).toBe(PEOPLE.anna.email);
    expect((await member(ids.anna)).body).toEqual(expect.objectContaining({ emailChangePending: true, personal: expect.objectContaining({ email: PEOPLE.anna.email }) }));
  });

  it('refuses bad input with problem+json naming the field', async () => {
    const cases: Array<[Promise<Answer>, string]> = [
      [command('update-contact-details', { memberId: ids.anna, address: { ...PEOPLE.anna.address, postalCode: '22000' } }), 'address.postalCode'],
      [command('update-contact-details', { memberId: ids.anna, phone: '+46 8 123 456 78' }), 'phone'],
      [command('update-contact-details', { memberId: ids.anna, email: 'not-an-email' }), 'email'],
      [command('withdraw-consent', { memberId: 'not-a-member-id' }), 'memberId'],
      [command('withdraw-consent', { memberId: ids.bo, extra: true }), 'extra'],
      [command('report-suspicion', { memberId: ids.bo, note: '' }), 'note'],
      [command('restrict-member', { memberId: ids.bo }), 'reason'],
      [roster(`?purpose=${'x'.repeat(201)}`), 'purpose'],
      [call('GET', '/groups/not-a-group/roster', { key: SECRETARIAT_KEY }), 'diagnosisId'],
      [call('GET', '/access-log', { key: DPO_KEY }), 'memberId'],
    ];
    for (const [pending, field] of cases) {
      const answer = await pending;
      expect({ field, status: answer.status, contentType: answer.contentType }).toEqual({ field, status: 400, contentType: expect.stringContaining('application/problem+json') });
      expect(answer.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    const nothing = await command('update-contact-details', { memberId: ids.bo, name: PEOPLE.bo.name });
    expect(nothing).toEqual(expect.objectContaining({ status: 400, body: expect.objectContaining({ type: '/problems/nothing-to-change' }) }));
    expect(JSON.stringify(nothing.body)).not.toContain(PEOPLE.bo.name);
  });

  it('lets only the secretariat use the commands and look-ups, and only the dpo read the access log', async () => {
    const withoutKey = await command('restrict-member', { memberId: ids.bo, reason: 'x' }, null);
    expect(withoutKey.status).toBe(401);
    for (const name of ['withdraw-consent', 'update-contact-details', 'report-suspicion', 'restrict-member', 'lift-restriction']) {
      const answer = await command(name, { memberId: ids.bo }, DPO_KEY);
      expect({ name, status: answer.status }).toEqual({ name, status: 403 });
    }
    expect((await call('GET', `/groups/${GROUP}/roster`, { key: DPO_KEY })).status).toBe(403);
    expect((await call('GET', `/members/${ids.bo}`, { key: DPO_KEY })).status).toBe(403);
    expect((await call('GET', `/members/${ids.bo}`)).status).toBe(401);
    expect((await accessLog(ids.bo, SECRETARIAT_KEY)).status).toBe(403);
    expect((await call('GET', `/access-log?memberId=${ids.bo}`)).status).toBe(401);
  });

  it('answers an unknown member with 404', async () => {
    const unknown = randomUUID();
    for (const [name, body] of [
      ['withdraw-consent', { memberId: unknown }],
      ['update-contact-details', { memberId: unknown, phone: NEW_PHONE.given }],
      ['report-suspicion', { memberId: unknown, note: 'x' }],
      ['restrict-member', { memberId: unknown, reason: 'x' }],
      ['lift-restriction', { memberId: unknown }],
    ] as const) {
      const answer = await command(name, body);
      expect({ name, status: answer.status, type: answer.body.type }).toEqual({ name, status: 404, type: '/problems/unknown-member' });
    }
    expect((await member(unknown)).status).toBe(404);
    const { rows } = await service.database.pool.query('SELECT 1 FROM data_keys WHERE subject_id = $1', [unknown]);
    expect(rows).toEqual([]);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const document = (await (await fetch(`${service.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/commands/withdraw-consent',
        '/commands/update-contact-details',
        '/commands/report-suspicion',
        '/commands/restrict-member',
        '/commands/lift-restriction',
        '/groups/{diagnosisId}/roster',
        '/members/{memberId}',
        '/access-log',
      ]),
    );
  });

  it('keeps the access log append-only', async () => {
    await expect(service.database.pool.query('UPDATE staff_access_log SET purpose = NULL')).rejects.toThrow(/append-only/);
    await expect(service.database.pool.query('DELETE FROM staff_access_log')).rejects.toThrow(/append-only/);
  });

  it('never stores the personal data in clear text: not in events (data, metadata, stream ids) nor in the read models', async () => {
    const found: string[] = [];
    let after = 0n;
    for (;;) {
      const batch = await store.readAll({ after, maxCount: 500 });
      if (batch.length === 0) break;
      for (const event of batch) {
        const text = JSON.stringify({ streamId: event.streamId, data: event.data, metadata: event.metadata });
        for (const value of PLAINTEXT) if (text.includes(value)) found.push(`${event.type}: ${value}`);
      }
      after = batch[batch.length - 1].position;
    }
    expect(after).toBeGreaterThan(0n);
    for (const table of ['group_roster', 'group_roster_members', 'member_directory', 'member_directory_memberships', 'staff_access_log']) {
      const { rows } = await service.database.pool.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t`);
      expect({ table, filled: rows.length > 0 }).toEqual({ table, filled: true });
      for (const { row } of rows) for (const value of PLAINTEXT) if (row.includes(value)) found.push(`${table}: ${value}`);
    }
    expect(found).toEqual([]);
  });
});
