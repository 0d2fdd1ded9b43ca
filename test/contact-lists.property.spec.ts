import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContactListDeliveryFailed, ContactListDispatched, ContactListVersionPublished, CorrectionDispatched, DeletionNoticeDispatched } from '../contracts/events/contact-list.events';
import type { RecordedEvent } from '../contracts/events/event-envelope';
import { type ContactField, memberStream } from '../contracts/events/membership.events';
import { KeyVault } from '../src/crypto/key-vault';
import { toNewEvents } from '../src/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port';
import { readMailSink, type SunkMail } from './support/mail-sink';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

/**
 * The real service (HTTP, projections, the contact-list sender, the file transport) driven by
 * random sequences of join / verify / withdraw / restrict / lift / update / erase, interleaved with
 * waits for the sender to go idle. After each sequence: the DPO's verification passes (every
 * dispatch lawful at its recorded position, the chain intact), every list, notice and correction
 * in the mail sink has its dispatch event (the log never under-reports), and no list or correction
 * went to, or showed, a member who was not taking part at the position it was built from.
 *
 * One service serves every run (starting one per run is too slow); each run opens two fresh
 * diagnosis groups and uses addresses of its own.
 */

const MEMBERS = 6;
type DispatchData = (ContactListDispatched | CorrectionDispatched | DeletionNoticeDispatched)['data'];
type Dispatch = { type: 'ContactListDispatched' | 'CorrectionDispatched' | 'DeletionNoticeDispatched'; position: bigint; data: DispatchData };

interface Person {
  group: 0 | 1;
  greenlander: boolean;
  allowsGreenland: boolean;
  shares: ContactField[];
}

type Operation =
  | { op: 'join' | 'verify' | 'withdraw' | 'restrict' | 'lift' | 'update' | 'erase'; member: number }
  | { op: 'settle' };

const personArb: fc.Arbitrary<Person> = fc.record({
  group: fc.constantFrom(0 as const, 1 as const),
  greenlander: fc.boolean(),
  allowsGreenland: fc.boolean(),
  shares: fc.subarray(['address', 'phone', 'email'] as ContactField[], { minLength: 1 }),
});
const member = fc.integer({ min: 0, max: MEMBERS - 1 });
const SURE_PEOPLE: Person[] = Array.from({ length: MEMBERS }, () => ({ group: 0, greenlander: false, allowsGreenland: false, shares: ['address', 'phone', 'email'] }));
const SURE_LATER: Operation[] = [{ op: 'settle' }, { op: 'withdraw', member: 0 }, { op: 'update', member: 1 }, { op: 'restrict', member: 2 }];
const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('join' as const), member }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('verify' as const), member }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('withdraw' as const), member }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('restrict' as const), member }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('lift' as const), member }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('update' as const), member }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('erase' as const), member }) },
  { weight: 2, arbitrary: fc.constant({ op: 'settle' as const }) },
);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('contact lists: random membership histories through the real service', () => {
  let service: TestApp;
  let store: EventStore;
  let vault: KeyVault;
  const mailDir = () => join(service.dataDir, 'mail');
  const parsed = new Map<string, SunkMail>();

  beforeAll(async () => {
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0' });
    store = service.app.get<EventStore>(EVENT_STORE);
    vault = service.app.get(KeyVault);
  });
  afterAll(() => service?.close());

  async function call(path: string, body?: unknown, key?: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await fetch(`${service.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }
  const staff = (name: string, body: unknown) => call(`/commands/${name}`, body, SECRETARIAT_KEY);

  async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await pause(50);
    }
  }

  /** Every message in the file sink so far, each .eml parsed once. */
  async function mails(): Promise<SunkMail[]> {
    const files = (await readdir(mailDir()).catch(() => [] as string[])).filter((file) => file.endsWith('.eml'));
    if (files.some((file) => !parsed.has(file))) for (const mail of await readMailSink(mailDir())) parsed.set(mail.file, mail);
    return [...parsed.values()];
  }

  async function readAll(eventTypes: string[]): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (let after = 0n; ; ) {
      const batch = await store.readAll({ after, filter: { eventTypes }, maxCount: 5000 });
      if (batch.length === 0) return events;
      events.push(...batch);
      after = batch[batch.length - 1].position;
    }
  }

  /** The sender is idle: nothing open in the outbox, every projection caught up, the log and the sink unchanged for a while. */
  async function settle(): Promise<void> {
    let stableSince = 0;
    let last = '';
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [{ rows }, health, files] = await Promise.all([
        service.database.pool.query<{ open: string }>(`SELECT count(*)::text AS open FROM contact_list_outbox WHERE state IN ('planned', 'dispatched')`),
        call('/health', undefined, DPO_KEY), // the lag is shown to staff only
        readdir(mailDir()).catch(() => [] as string[]),
      ]);
      const projections: Array<{ state: string; lag?: string }> = health.body?.info?.projections?.projections ?? health.body?.details?.projections?.projections ?? [];
      const idle = rows[0].open === '0' && projections.length > 0 && projections.every((p) => p.state === 'active' && p.lag === '0');
      const now = `${await store.headPosition()}/${files.length}`;
      if (idle && now === last) {
        if (Date.now() - stableSince >= 300) return;
      } else {
        stableSince = Date.now();
        last = now;
      }
      if (Date.now() > deadline) throw new Error(`the sender did not go idle (outbox open ${rows[0].open}, health ${JSON.stringify(projections)})`);
      await pause(50);
    }
  }

  /** One run: a fresh pair of groups and people of its own. */
  class Run {
    readonly tag = randomUUID().slice(0, 8);
    readonly groups: string[] = [];
    readonly memberIds = new Map<number, string>();
    readonly verified = new Set<number>();
    /** Withdrawn or erased: their sign-up is over, so no verification mail need come. */
    readonly gone = new Set<number>();
    updates = 0;

    constructor(readonly people: Person[]) {}

    name(n: number) {
      return `Ærø Þórðardóttir ${n} ${this.tag}`;
    }

    email(n: number) {
      return `p${n}.${this.tag}@example.org`;
    }

    address(n: number, street: string) {
      return this.people[n].greenlander
        ? { street, postalCode: '3900', city: 'Nuuk', country: 'GL' }
        : { street, postalCode: '2300', city: 'København S', country: 'DK' };
    }

    async open(): Promise<void> {
      for (const name of ['Alström syndrom', 'Fabrys sygdom']) {
        const registered = await staff('register-diagnosis', { name: `${name} ${this.tag}` });
        expect(registered.status).toBe(201);
        this.groups.push(registered.body.diagnosisId);
      }
      await until('the groups to open', async () => {
        const known = new Set(((await call('/diagnoses')).body as Array<{ diagnosisId: string }>).map((d) => d.diagnosisId));
        return this.groups.every((id) => known.has(id));
      });
    }

    async apply(operation: Operation): Promise<void> {
      if (operation.op === 'settle') return settle();
      const n = operation.member;
      const person = this.people[n];
      const memberId = this.memberIds.get(n);
      if (operation.op === 'join') {
        if (memberId) return;
        const joined = await call('/commands/join-network', {
          role: 'patient',
          birthYear: 1970 + n,
          name: this.name(n),
          email: this.email(n),
          phone: person.greenlander ? `+29932${String(1000 + n * 7).slice(-4)}` : `+452011${String(2200 + n).slice(-4)}`,
          address: this.address(n, `Ølandsgade ${n} ${this.tag}`),
          language: 'da',
          diagnosis: { diagnosisId: this.groups[person.group] },
          consent: { textVersion: '1', given: true, sharedFields: person.shares, allowTransferToGreenland: person.allowsGreenland },
        });
        expect(joined.status).toBe(202);
        this.memberIds.set(n, joined.body.memberId);
        return;
      }
      if (!memberId) return;
      switch (operation.op) {
        case 'verify': {
          if (this.verified.has(n) || this.gone.has(n)) return;
          const mail = await until(`the verification mail of ${n}`, async () => (await mails()).find((m) => m.to.includes(this.email(n)) && /token=/.test(m.text)));
          const token = decodeURIComponent(/token=([^\s"&<]+)/.exec(mail.text)?.[1] ?? '');
          const verified = await call('/commands/verify-email', { token });
          expect(verified.status).toBeLessThan(500);
          this.verified.add(n);
          return;
        }
        case 'withdraw':
          this.gone.add(n);
          return this.expectHandled(await staff('withdraw-consent', { memberId }));
        case 'restrict':
          return this.expectHandled(await staff('restrict-member', { memberId, reason: 'Undersøger en henvendelse' }));
        case 'lift':
          return this.expectHandled(await staff('lift-restriction', { memberId }));
        case 'update':
          this.updates++;
          return this.expectHandled(await staff('update-contact-details', { memberId, address: this.address(n, `Åboulevard ${this.updates} ${this.tag}`) }));
        case 'erase': {
          // Erased without the command's receipt mail (the key shredded, then MemberErased): the
          // command itself is tested in erasure.e2e.spec.ts.
          const stream = await store.readStream(memberStream(memberId));
          if (stream.some((event) => event.type === 'MemberErased')) return;
          this.gone.add(n);
          await vault.shred(memberId);
          const now = new Date();
          await store.append(
            memberStream(memberId),
            toNewEvents([{ type: 'MemberErased', data: { memberId, erasedBy: 'secretariat', erasedAt: now.toISOString() } }], { actorRole: 'secretariat', correlationId: randomUUID(), now }),
            'stream_exists',
          );
          return;
        }
      }
    }

    /** A command on a member in any state is answered, never with a server error. */
    private expectHandled(answer: { status: number; body: unknown }): void {
      if (answer.status >= 500) throw new Error(`the service failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  }

  /** Who may be listed and receive lists at a log position, from a member's own stream. */
  function standingAt(history: RecordedEvent[], position: bigint): { admitted: boolean; withdrawn: boolean; erased: boolean; restricted: boolean } {
    const known = history.filter((event) => event.position <= position);
    let restricted = false;
    for (const event of known) {
      if (event.type === 'MemberRestricted') restricted = true;
      if (event.type === 'RestrictionLifted') restricted = false;
    }
    return {
      admitted: known.some((event) => event.type === 'MemberAdmitted'),
      withdrawn: known.some((event) => event.type === 'ConsentWithdrawn'),
      erased: known.some((event) => event.type === 'MemberErased'),
      restricted,
    };
  }

  async function check(run: Run): Promise<void> {
    // (1) The DPO's verification: the chain and the lawfulness of every entry at its recorded position.
    const report = await call('/disclosures/verification', undefined, DPO_KEY);
    expect(report.status).toBe(200);
    expect(report.body.problems ?? []).toEqual([]);
    expect(report.body.ok).toBe(true);

    // (2) Every list, notice and correction in the sink has its dispatch event, to the one it reached.
    const dispatchEvents = await readAll(['ContactListDispatched', 'CorrectionDispatched', 'DeletionNoticeDispatched']);
    const dispatches = new Map<string, Dispatch>(
      dispatchEvents.map((event) => [(event.data as DispatchData).listReference, { type: event.type as Dispatch['type'], position: event.position, data: event.data as DispatchData }]),
    );
    const memberOfAddress = new Map<string, string>();
    for (const [n, memberId] of run.memberIds) memberOfAddress.set(run.email(n), memberId);
    const sent: Array<{ mail: SunkMail; dispatch: Dispatch }> = [];
    for (const mail of await mails()) {
      const references = mail.text.match(/SN-[0-9A-Z]{8}/g);
      if (!references) {
        expect({ file: mail.file, verification: /token=/.test(mail.text) }).toEqual({ file: mail.file, verification: true });
        continue;
      }
      const dispatch = dispatches.get(references[references.length - 1]);
      if (!dispatch) throw new Error(`a message in the sink has no dispatch record: ${mail.file} (${mail.subject})`);
      const addressee = [...memberOfAddress].find(([address]) => mail.to.includes(address));
      if (addressee) expect({ file: mail.file, recipientId: dispatch.data.recipientId }).toEqual({ file: mail.file, recipientId: addressee[1] });
      sent.push({ mail, dispatch });
    }

    // (3) No list or correction went to, or showed, anyone not taking part at the position it was built from.
    const histories = new Map<string, RecordedEvent[]>();
    for (const memberId of run.memberIds.values()) histories.set(memberId, await store.readStream(memberStream(memberId)));
    const greenlander = new Map([...run.memberIds].map(([n, memberId]) => [memberId, run.people[n].greenlander]));
    const versions = new Map<string, ContactListVersionPublished['data']>();
    for (const event of await readAll(['ContactListVersionPublished'])) {
      const data = event.data as ContactListVersionPublished['data'];
      if (run.groups.includes(data.diagnosisId)) versions.set(`${data.diagnosisId}/${data.version}`, data);
    }
    const notTakingPart = (memberId: string, position: bigint): string | undefined => {
      const history = histories.get(memberId);
      if (!history) return undefined;
      const standing = standingAt(history, position);
      if (!standing.admitted) return 'not admitted';
      if (standing.withdrawn) return 'withdrawn';
      if (standing.erased) return 'erased';
      if (standing.restricted) return 'restricted';
      return undefined;
    };
    const problems: string[] = [];
    for (const { mail, dispatch } of sent) {
      if (dispatch.type === 'DeletionNoticeDispatched') continue;
      const data = dispatch.data as ContactListDispatched['data'] | CorrectionDispatched['data'];
      const builtAt = BigInt(data.builtAtPosition);
      if (builtAt >= dispatch.position) problems.push(`${mail.file}: built at ${builtAt}, not before its dispatch at ${dispatch.position}`);
      const recipientWas = notTakingPart(data.recipientId, builtAt);
      if (recipientWas) problems.push(`${mail.file}: ${dispatch.type} to a member ${recipientWas} at ${builtAt}`);
      const list = dispatch.type === 'ContactListDispatched' ? (data as ContactListDispatched['data']) : undefined;
      const version = list ? versions.get(`${list.diagnosisId}/${list.listVersion}`) : undefined;
      if (list && histories.has(list.recipientId) && !version) problems.push(`${mail.file}: its list version was never published`);
      if (list && greenlander.get(list.recipientId) && !list.view.greenlandOnly) problems.push(`${mail.file}: a list to a recipient in Greenland not limited to those who allowed it`);
      // What the recipient was shown: their view of the version, or the corrected entry.
      const shown = list ? (version?.entries ?? []).filter((entry) => !list.view.greenlandOnly || entry.greenland) : [(data as CorrectionDispatched['data']).entry];
      for (const entry of shown) {
        if (entry.subjectId === data.recipientId) continue;
        const subjectWas = notTakingPart(entry.subjectId, builtAt);
        if (subjectWas) problems.push(`${mail.file}: shows a member ${subjectWas} at ${builtAt}`);
        if (greenlander.get(data.recipientId) && !entry.greenland) problems.push(`${mail.file}: shows to a recipient in Greenland a member who did not allow it`);
      }
      // And what the message itself says, independently of the log: no one it must not show.
      for (const [n, memberId] of run.memberIds) {
        if (memberId === data.recipientId || !mail.text.includes(run.name(n))) continue;
        const was = notTakingPart(memberId, builtAt);
        if (was) problems.push(`${mail.file}: names member ${n}, ${was} at ${builtAt}`);
        if (greenlander.get(data.recipientId) && !run.people[n].allowsGreenland) problems.push(`${mail.file}: names member ${n} to a recipient in Greenland, which ${n} did not allow`);
      }
    }
    expect(problems).toEqual([]);
  }

  it('logs every message it sends, and every dispatch is lawful at its recorded position', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(personArb, { minLength: MEMBERS, maxLength: MEMBERS }),
        fc.array(operationArb, { minLength: 4, maxLength: 12 }),
        fc.array(operationArb, { minLength: 2, maxLength: 8 }),
        async (people, operations, later) => {
          const run = new Run(people);
          await run.open();
          // Random operations; then everyone not gone joins and is verified; then more random operations on the admitted.
          const everyone = [...people.map((_, n) => ({ op: 'join' as const, member: n })), ...people.map((_, n) => ({ op: 'verify' as const, member: n }))];
          for (const operation of [...operations, ...everyone, ...later]) {
            await run.apply(operation);
          }
          await settle();
          await check(run);
        },
      ),
      // One fixed history always runs too, so that notices and corrections are exercised whatever
      // the random runs happen to draw: all join in one group, then a settled list, then a
      // withdrawal, a correction and a restriction among members who received it.
      { numRuns: 8, endOnFailure: true, examples: [[SURE_PEOPLE, [{ op: 'settle' }, { op: 'settle' }, { op: 'settle' }, { op: 'settle' }], SURE_LATER]] },
    );
    // Not vacuous: the runs did send lists, and notices or corrections, through the sink.
    const dispatched = await readAll(['ContactListDispatched', 'CorrectionDispatched', 'DeletionNoticeDispatched']);
    expect(dispatched.filter((event) => event.type === 'ContactListDispatched').length).toBeGreaterThan(0);
    expect(dispatched.filter((event) => event.type !== 'ContactListDispatched').length).toBeGreaterThan(0);
    // Every dispatch reached the sink, except one whose recipient was erased between its dispatch
    // and its send (NoAddress: the sender cannot address it any more), left the lists meanwhile
    // (RecipientLeft), or a correction whose entry may no longer be shown (EntryWithheld).
    const erased = new Set((await readAll(['MemberErased'])).map((event) => (event.data as { memberId: string }).memberId));
    const left = new Set((await readAll(['ConsentWithdrawn', 'ConsentLapsed', 'MemberRestricted', 'MemberErased'])).map((event) => (event.data as { memberId: string }).memberId));
    const recipientOf = new Map(dispatched.map((event) => [(event.data as DispatchData).dispatchId, (event.data as DispatchData).recipientId]));
    const subjectOf = new Map(dispatched.map((event) => [(event.data as DispatchData).dispatchId, (event.data as { subjectId?: string }).subjectId ?? '']));
    const unaddressable = (await readAll(['ContactListDeliveryFailed']))
      .map((event) => event.data as ContactListDeliveryFailed['data'])
      .filter((failure) => failure.final && recipientOf.has(failure.dispatchId));
    const explained = (failure: ContactListDeliveryFailed['data']): boolean =>
      (failure.reason === 'NoAddress' && erased.has(recipientOf.get(failure.dispatchId) ?? '')) ||
      (failure.reason === 'RecipientLeft' && left.has(recipientOf.get(failure.dispatchId) ?? '')) ||
      (failure.reason === 'EntryWithheld' && left.has(subjectOf.get(failure.dispatchId) ?? ''));
    expect(unaddressable.filter((failure) => !explained(failure))).toEqual([]);
    expect((await mails()).filter((mail) => /SN-[0-9A-Z]{8}/.test(mail.text)).length).toBe(dispatched.length - unaddressable.length);
  }, 120_000);
});
