import { randomUUID } from 'node:crypto';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port';
import { EmailClaims } from '../src/membership/email-claims';
import { readMailSink, type SunkMail } from './support/mail-sink';
import { SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

const tag = randomUUID().slice(0, 6);

/** Sign-ups as the public page sends them. Their personal values must never appear in clear text in the log or a table. */
const signUp = (overrides: Record<string, unknown> = {}) => ({
  role: 'patient',
  birthYear: 1984,
  name: `Åse Ærø-${tag}`,
  email: `aase.${tag}@example.org`,
  phone: '+45 20 11 22 33',
  address: { street: `Ølandsgade ${tag}`, postalCode: '2300', city: 'København S', country: 'DK' },
  language: 'da',
  consent: { textVersion: '1', given: true },
  ...overrides,
});
const SWEDE = signUp({
  name: `Björn Öst-${tag}`,
  email: `bjorn.${tag}@example.se`,
  phone: '+46 8 123 456 78',
  address: { street: `Storgatan ${tag}`, postalCode: '113 51', city: 'Stockholm', country: 'SE' },
  language: 'sv',
});
const NORWEGIAN_PARENT = signUp({
  role: 'relative',
  relation: 'parent',
  birthYear: undefined,
  patientBirthYear: 2019,
  name: `Ingrid Dæhlie-${tag}`,
  email: `ingrid.${tag}@example.no`,
  phone: '+47 412 34 567',
  address: { street: `Kirkeveien ${tag}`, postalCode: '0150', city: 'Oslo', country: 'NO' },
  language: 'nb',
});
const WAITING = signUp({ name: `Þóra Guðmundsdóttir-${tag}`, email: `thora.${tag}@example.fo`, phone: '+298 31 12 34', address: { street: `Niels Finsensgøta ${tag}`, postalCode: 'FO-100', city: 'Tórshavn', country: 'FO' } });
const REFERRED = signUp({ name: `Kalaaleq Ðoe-${tag}`, email: `kala.${tag}@example.gl`, phone: '+299 32 12 34', address: { street: `Aqqusinersuaq ${tag}`, postalCode: '3900', city: 'Nuuk', country: 'GL' } });
const PERSONAL_VALUES = [signUp(), SWEDE, NORWEGIAN_PARENT, WAITING, REFERRED].flatMap((p) => [p.name, p.email, p.phone, (p.address as { street: string }).street]) as string[];

interface Answer {
  status: number;
  contentType: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('membership over HTTP: sign-up, verification, assessment, withdrawal, restriction', () => {
  let service: TestApp;
  let diagnosisId: string;

  const call = async (method: string, path: string, body?: unknown, key?: string): Promise<Answer> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
  };
  const staff = (path: string, body?: unknown) => call(body === undefined ? 'GET' : 'POST', path, body, SECRETARIAT_KEY);
  /** Waits for the mail sink to hold a mail to `email` matching `subject`, and returns it. */
  const mailTo = async (email: string, content: RegExp = /./): Promise<SunkMail> => {
    for (let i = 0; i < 200; i++) {
      const found = (await readMailSink(`${service.dataDir}/mail`)).find((mail) => mail.to.includes(email) && content.test(mail.text));
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no mail to the expected address matching ${content}`);
  };
  const tokenIn = (mail: SunkMail): string => decodeURIComponent(/token=([^\s"&<]+)/.exec(mail.text)?.[1] ?? '');
  const eventually = async (check: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await check()).toBe(true);
  };
  /** The proposed diagnosis a waiting applicant waits for, once the read model shows it. */
  const pendingProposalOf = async (memberId: string) => {
    const find = async () => (await staff('/assessments/pending')).body.find((p: { waitingMemberIds: string[] }) => p.waitingMemberIds.includes(memberId));
    await eventually(async () => (await find()) !== undefined);
    return find();
  };
  const memberStatus = async (memberId: string): Promise<string | undefined> => (await staff(`/members/${memberId}`)).body?.status;
  const joinAndVerify = async (body: Record<string, unknown>): Promise<{ memberId: string; status: string }> => {
    const joined = await call('POST', '/commands/join-network', body);
    expect(joined).toEqual(expect.objectContaining({ status: 202, body: { memberId: expect.any(String), status: 'awaiting-verification' } }));
    const verified = await call('POST', '/commands/verify-email', { token: tokenIn(await mailTo(body.email as string)) });
    expect(verified.status).toBe(200);
    expect(verified.body.memberId).toBe(joined.body.memberId);
    return verified.body;
  };

  beforeAll(async () => {
    service = await startTestApp();
    const registered = await staff('/commands/register-diagnosis', { name: `Alström syndrom ${tag}`, orphaCode: 'ORPHA:64', icd10: 'E34.8' });
    expect(registered.status).toBe(201);
    diagnosisId = registered.body.diagnosisId;
    await eventually(async () => (await call('GET', '/diagnoses')).body.some((d: { diagnosisId: string }) => d.diagnosisId === diagnosisId));
  });
  afterAll(() => service.close());

  it('serves the current consent text in four languages', async () => {
    const { body } = await call('GET', '/consent-texts/current');
    expect(body.version).toBe('1');
    expect(Object.keys(body.texts).sort()).toEqual(['da', 'en', 'nb', 'sv']);
    expect(body.texts.da).toContain('samtykke');
  });

  it('admits three web sign-ups after they verify their email, each mailed in their own language', async () => {
    const members = [];
    for (const person of [signUp({ diagnosis: { diagnosisId } }), { ...SWEDE, diagnosis: { diagnosisId } }, { ...NORWEGIAN_PARENT, diagnosis: { diagnosisId } }]) {
      members.push(await joinAndVerify(person));
    }
    expect(members.map((m) => m.status)).toEqual(['admitted', 'admitted', 'admitted']);
    expect((await mailTo(SWEDE.email as string)).text).toMatch(/Tack/);
    expect((await mailTo(NORWEGIAN_PARENT.email as string)).text).toMatch(/Takk/);
    await eventually(async () => (await staff(`/groups/${diagnosisId}/roster`)).body?.members?.length === 3);
    const roster = await staff(`/groups/${diagnosisId}/roster`);
    expect(roster.body.members.map((m: { contact: { name: string } }) => m.contact.name).sort()).toEqual([NORWEGIAN_PARENT.name, SWEDE.name, signUp().name].sort());
  });

  it('a public sign-up with an address already in the group is answered as a new one and changes nothing; the secretariat gets the first member', async () => {
    const email = `again.${tag}@example.org`;
    const first = await joinAndVerify(signUp({ email, diagnosis: { diagnosisId } }));
    expect(first.status).toBe('admitted');
    const store = service.app.get<EventStore>(EVENT_STORE);
    const before = await store.headPosition();
    const again = await call('POST', '/commands/join-network', signUp({ email: `AGAIN.${tag}@example.org`, diagnosis: { diagnosisId } }));
    // The answer of any new web sign-up: neither the member's id nor that they were admitted.
    expect(again).toEqual(expect.objectContaining({ status: 202, body: { memberId: expect.any(String), status: 'awaiting-verification' } }));
    expect(again.body.memberId).not.toBe(first.memberId);
    expect(await store.headPosition()).toBe(before); // no second member, no verification mail requested
    expect((await staff(`/members/${again.body.memberId}`)).status).toBe(404);
    const entered = await staff('/commands/join-network', { ...signUp({ email, diagnosis: { diagnosisId } }), channel: 'paper' });
    expect(entered).toEqual(expect.objectContaining({ status: 202, body: { memberId: first.memberId, status: 'admitted' } }));
  });

  it('a claim left on an address its member no longer has keeps nobody out', async () => {
    const holder = await joinAndVerify(signUp({ email: `holder.${tag}@example.org`, diagnosis: { diagnosisId } }));
    // As a change of address cut short leaves it: the member still holds an address that is no longer theirs.
    const claims = service.app.get(EmailClaims);
    const stale = `left.behind.${tag}@example.org`;
    expect(await claims.claim(claims.digest(stale), diagnosisId, holder.memberId)).toBeUndefined();
    const before = await service.app.get<EventStore>(EVENT_STORE).headPosition();
    const joined = await call('POST', '/commands/join-network', signUp({ email: stale, diagnosis: { diagnosisId } }));
    expect(joined).toEqual(expect.objectContaining({ status: 202, body: { memberId: expect.any(String), status: 'awaiting-verification' } }));
    expect(await service.app.get<EventStore>(EVENT_STORE).headPosition()).toBeGreaterThan(before); // a member of its own, not the holder's answer
    expect((await mailTo(stale)).text).toMatch(/token=/);
  });

  it('the same sign-up twice before it is verified (a second click) is one member and one mail', async () => {
    const email = `twice.${tag}@example.org`;
    const store = service.app.get<EventStore>(EVENT_STORE);
    const first = await call('POST', '/commands/join-network', signUp({ email, diagnosis: { diagnosisId } }));
    const before = await store.headPosition();
    const second = await call('POST', '/commands/join-network', signUp({ email, diagnosis: { diagnosisId } }));
    expect(second).toEqual(expect.objectContaining({ status: 202, body: { memberId: first.body.memberId, status: 'awaiting-verification' } }));
    expect(await store.headPosition()).toBe(before);
  });

  it('a sign-up never verified keeps nobody out: another with the address counts, the older link is refused', async () => {
    const email = `squatted.${tag}@example.org`;
    const tokens = async (count: number): Promise<string[]> => {
      for (let i = 0; i < 200; i++) {
        const mails = (await readMailSink(`${service.dataDir}/mail`)).filter((mail) => mail.to.includes(email));
        if (mails.length >= count) return mails.map(tokenIn);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`fewer than ${count} mails to the address`);
    };
    const first = await call('POST', '/commands/join-network', signUp({ email, diagnosis: { diagnosisId } }));
    const [firstLink] = await tokens(1);
    // The owner of the address, where someone else signed it up with their own details first.
    const second = await call('POST', '/commands/join-network', signUp({ email, name: `Ejeren ${tag}`, diagnosis: { diagnosisId } }));
    expect(second).toEqual(expect.objectContaining({ status: 202, body: { memberId: expect.any(String), status: 'awaiting-verification' } }));
    expect(second.body.memberId).not.toBe(first.body.memberId);
    const secondLink = (await tokens(2)).find((token) => token !== firstLink) ?? '';
    expect(secondLink.startsWith(second.body.memberId)).toBe(true);
    const refused = await call('POST', '/commands/verify-email', { token: firstLink });
    expect(refused).toEqual(expect.objectContaining({ status: 409, body: expect.objectContaining({ type: '/problems/sign-up-superseded' }) }));
    expect(await call('POST', '/commands/verify-email', { token: secondLink })).toEqual(expect.objectContaining({ status: 200, body: { memberId: second.body.memberId, status: 'admitted' } }));
  });

  it('a verification link works once; a forged one is refused', async () => {
    const joined = await call('POST', '/commands/join-network', signUp({ email: `once.${tag}@example.org`, diagnosis: { diagnosisId } }));
    const token = tokenIn(await mailTo(`once.${tag}@example.org`));
    expect((await call('POST', '/commands/verify-email', { token })).status).toBe(200);
    const reused = await call('POST', '/commands/verify-email', { token });
    expect(reused).toEqual(expect.objectContaining({ status: 409, body: expect.objectContaining({ type: '/problems/already-verified' }) }));
    const forged = await call('POST', '/commands/verify-email', { token: `${joined.body.memberId}.${'A'.repeat(43)}` });
    expect(forged).toEqual(expect.objectContaining({ status: 400, body: expect.objectContaining({ errors: [expect.objectContaining({ field: 'token' })] }) }));
  });

  it('a sign-up for a diagnosis the network lacks waits for assessment, and is admitted when it is found rare', async () => {
    const waiting = await joinAndVerify({ ...WAITING, diagnosis: { name: `Fiktivt syndrom ${tag}` } });
    expect(waiting.status).toBe('awaiting-assessment');
    const proposal = await pendingProposalOf(waiting.memberId);
    expect(proposal).toEqual(expect.objectContaining({ name: `Fiktivt syndrom ${tag}`, waitingCount: 1 }));
    const assessed = await staff('/commands/assess-diagnosis', { diagnosisId: proposal.diagnosisId, decision: 'rare', rationale: 'About 40 known in Denmark; needs special care.', prevalenceEstimate: '<1/1,000,000' });
    expect(assessed.status).toBe(200);
    await eventually(async () => (await memberStatus(waiting.memberId)) === 'admitted');
  });

  it('two sign-ups naming the same new diagnosis at once make one proposal, not two', async () => {
    const name = `Samtidigt syndrom ${tag}`;
    const [anna, bo] = await Promise.all([
      call('POST', '/commands/join-network', signUp({ email: `samtidig.a.${tag}@example.org`, diagnosis: { name } })),
      call('POST', '/commands/join-network', signUp({ email: `samtidig.b.${tag}@example.org`, name: `Bo ${tag}`, diagnosis: { name: ` ${name.toUpperCase()} ` } })),
    ]);
    expect([anna.status, bo.status]).toEqual([202, 202]);
    const store = service.app.get<EventStore>(EVENT_STORE);
    const proposals = (await store.readAll({ filter: { eventTypes: ['DiagnosisProposed'] }, maxCount: 10_000 })).filter((event) => (event.data as { name: string }).name.toLowerCase().includes(name.toLowerCase()));
    expect(proposals).toHaveLength(1);
    const joinedTo = async (memberId: string) => ((await store.readStream(`member-${memberId}`))[0].data as { diagnosisId: string }).diagnosisId;
    expect(await joinedTo(anna.body.memberId)).toBe((proposals[0].data as { diagnosisId: string }).diagnosisId);
    expect(await joinedTo(bo.body.memberId)).toBe((proposals[0].data as { diagnosisId: string }).diagnosisId);
  });

  it('a sign-up for a diagnosis with a patient association is referred, and the email names it', async () => {
    const waiting = await joinAndVerify({ ...REFERRED, diagnosis: { name: `Andet syndrom ${tag}` } });
    const proposal = await pendingProposalOf(waiting.memberId);
    const association = { name: `Foreningen for Andet Syndrom ${tag}`, email: 'kontakt@example.org' };
    expect((await staff('/commands/assess-diagnosis', { diagnosisId: proposal.diagnosisId, decision: 'has-association', rationale: 'An association exists.', association })).status).toBe(200);
    await eventually(async () => (await memberStatus(waiting.memberId)) === 'referred');
    expect((await mailTo(REFERRED.email as string, new RegExp(association.name))).subject).not.toContain(association.name);
  });

  it('a withdrawal takes the member off the roster at once; a restriction marks them restricted', async () => {
    const roster = (await staff(`/groups/${diagnosisId}/roster`)).body.members as Array<{ memberId: string; contact: { name: string } }>;
    const withdrawing = roster.find((m) => m.contact.name === SWEDE.name)!;
    const restricted = roster.find((m) => m.contact.name === NORWEGIAN_PARENT.name)!;
    expect((await staff('/commands/withdraw-consent', { memberId: withdrawing.memberId })).status).toBe(201);
    expect((await staff('/commands/restrict-member', { memberId: restricted.memberId, reason: 'Examining a report' })).status).toBe(201);
    await eventually(async () => {
      const members = (await staff(`/groups/${diagnosisId}/roster`)).body.members as Array<{ memberId: string; status: string }>;
      return !members.some((m) => m.memberId === withdrawing.memberId) && members.find((m) => m.memberId === restricted.memberId)?.status === 'restricted';
    });
    await eventually(async () => (await memberStatus(withdrawing.memberId)) === 'withdrawn');
  });

  describe('every rule of a sign-up has its clear error', () => {
    it.each([
      ['a country outside the network', { address: { street: 'x', postalCode: '1000', city: 'Berlin', country: 'DE' } }, 400, 'address.country'],
      ['an unknown role', { role: 'doctor' }, 400, 'role'],
      ['a patient under the consent age', { birthYear: 2013 }, 400, 'birthYear'],
      ['a patient without birth year', { birthYear: undefined }, 400, 'birthYear'],
      ['a phone of another country', { phone: '+46 8 123 456 78' }, 400, 'phone'],
      ['a malformed postal code', { address: { street: 'x', postalCode: '23000', city: 'y', country: 'DK' } }, 400, 'address.postalCode'],
      ['a malformed email', { email: 'not-an-email' }, 400, 'email'],
      ['consent not given', { consent: { textVersion: '1', given: false } }, 400, 'consent.given'],
      ['an unknown consent version', { consent: { textVersion: '0.9', given: true } }, 400, 'consent.textVersion'],
      ['an unknown diagnosis', { diagnosis: { diagnosisId: randomUUID() } }, 400, 'diagnosis.diagnosisId'],
      ['an unknown field', { isAdmin: true }, 400, 'isAdmin'],
      ['a channel without a secretariat key', { channel: 'paper' }, 403, 'channel'],
      ['a channel of null (not a web sign-up without one)', { channel: null }, 400, 'channel'],
      ['an email of null', { email: null }, 400, 'email'],
      ['a name of only white space', { name: ' \t ' }, 400, 'name'],
      ['a street of only white space', { address: { street: '   ', postalCode: '2300', city: 'København S', country: 'DK' } }, 400, 'address.street'],
    ])('refuses %s', async (_, overrides, status, field) => {
      const before = await service.app.get<EventStore>(EVENT_STORE).headPosition();
      const answer = await call('POST', '/commands/join-network', signUp({ diagnosis: { diagnosisId }, email: `rule.${tag}@example.org`, ...overrides }));
      expect(answer.status).toBe(status);
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(JSON.stringify(answer.body)).not.toContain(signUp().name);
      expect(await service.app.get<EventStore>(EVENT_STORE).headPosition()).toBe(before); // nothing written
    });

    it('a secretariat key records a paper sign-up without email, attested and admitted at once', async () => {
      const paper = signUp({ email: undefined, channel: 'paper', diagnosis: { diagnosisId }, name: `Papir Person-${tag}` });
      const answer = await call('POST', '/commands/join-network', paper, SECRETARIAT_KEY);
      expect(answer).toEqual(expect.objectContaining({ status: 202, body: { memberId: expect.any(String), status: 'admitted' } }));
      await eventually(async () => (await staff(`/members/${answer.body.memberId}`)).status === 200);
      const member = await staff(`/members/${answer.body.memberId}`);
      expect(member.body).toEqual(expect.objectContaining({ channel: 'paper', consent: expect.objectContaining({ attestedByStaff: true }) }));
    });
  });

  it('keeps every personal value out of stream names, metadata and plain event fields, and out of every table in clear text', async () => {
    const store = service.app.get<EventStore>(EVENT_STORE);
    const events = [];
    for (let after = 0n; ; ) {
      const batch = await store.readAll({ after, maxCount: 1000 });
      if (batch.length === 0) break;
      events.push(...batch);
      after = batch[batch.length - 1].position;
    }
    expect(events.length).toBeGreaterThan(20);
    const stored = JSON.stringify(events.map(({ streamId, metadata, data }) => ({ streamId, metadata, data })));
    const variants = PERSONAL_VALUES.flatMap((value) => [value, value.replace(/\s/g, '')]);
    expect(variants.filter((value) => stored.includes(value))).toEqual([]);

    const columns: Array<{ table_name: string; column_name: string }> = (
      await service.database.pool.query(
        `SELECT table_name, column_name FROM information_schema.columns
         WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
      )
    ).rows;
    const hits: string[] = [];
    for (const { table_name, column_name } of columns) {
      const rows = await service.database.pool.query(`SELECT "${column_name}"::text AS value FROM "${table_name}"`);
      for (const row of rows.rows) for (const value of variants) if (String(row.value).includes(value)) hits.push(`${table_name}.${column_name}`);
    }
    expect(hits).toEqual([]);
  });
});
