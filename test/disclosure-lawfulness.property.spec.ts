import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  type ContactListDispatched,
  type ContactListVersionPublished,
  type ContactListViewed,
  contactListStream,
  type CorrectionDispatched,
  dispatchStream,
} from '../contracts/events/contact-list.events';
import { clusterStream } from '../contracts/events/diagnosis.events';
import type { DomainEvent } from '../contracts/events/domain-event';
import { type ContactField, type Country, memberStream } from '../contracts/events/membership.events';
import { DISPATCH_EVENT_TYPES } from '../projections/disclosure-log/disclosure-entry';
import { DisclosureLogProjector } from '../projections/disclosure-log/disclosure-log.projector';
import { DisclosureVerification, type VerificationReport } from '../projections/disclosure-log/disclosure-verification';
import type { ListableMember } from '../src/contact-lists/listability';
import { InMemoryEventStore } from '../src/event-store/in-memory/in-memory-event-store';
import { admittedTo, erasedFact, joinedWith, liftedFact, linkedFact, restrictedFact, updatedFact, withdrew } from './support/membership-facts';
import { appendAt, listEntry, ReferenceSender } from './support/reference-sender';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Random histories of membership facts (join, admit, withdraw, restrict, lift, update, erase,
 * clusters linked, members in Greenland, portal delivery chosen) interleaved with sender runs and
 * views in self-service. Property 1: the
 * verification finds every dispatch of an honest sender lawful at the position it recorded.
 * Property 2: one unlawful dispatch injected anywhere is always caught, and nothing else is.
 *
 * The sender is a small reference sender (test/support/reference-sender.ts) that decides with
 * the fold's groupList / recipients / recipientView; the verification judges with `unlawfulness`.
 */
const GROUPS = [randomUUID(), randomUUID(), randomUUID()];
const CLUSTERS = [randomUUID(), randomUUID()];
/** At most this many people join in one history. */
const MAX_MEMBERS = 12;
const FIELDS: ContactField[] = ['address', 'phone', 'email'];
const COUNTRIES: Country[] = ['DK', 'SE', 'NO', 'GL', 'FO'];

/** `member` picks one of the members who joined so far (modulo their number), so every command acts on someone. */
type Command =
  | { kind: 'join'; group: number; fields: ContactField[]; scope: 'group' | 'cluster'; greenland: boolean; country: Country }
  | { kind: 'admit' | 'withdraw' | 'restrict' | 'lift' | 'erase' | 'portal' | 'view'; member: number }
  | { kind: 'update'; member: number; country: Country }
  | { kind: 'link'; cluster: number; groups: number[] }
  | { kind: 'send'; group: number };

const member = fc.nat({ max: MAX_MEMBERS - 1 });
/** Groups 0 and 1 get most members, so lists have people on them; group 2 mostly matters through clusters. */
const group = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.constant(1), weight: 2 }, { arbitrary: fc.constant(2), weight: 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('join' as const),
      group,
      fields: fc.subarray(FIELDS, { minLength: 1 }),
      scope: fc.constantFrom('group' as const, 'cluster' as const),
      greenland: fc.boolean(),
      country: fc.constantFrom(...COUNTRIES),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('admit' as const), member }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constantFrom('withdraw' as const, 'restrict' as const, 'lift' as const, 'erase' as const), member }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('update' as const), member, country: fc.constantFrom(...COUNTRIES) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('link' as const), cluster: fc.nat({ max: CLUSTERS.length - 1 }), groups: fc.subarray([0, 1, 2], { minLength: 2 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('send' as const), group }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constantFrom('portal' as const, 'view' as const), member }), weight: 2 },
);

type InjectionKind = 'inactive-subject' | 'inactive-recipient' | 'other-group' | 'greenland' | 'field-not-shared' | 'stale-position' | 'inactive-correction' | 'inactive-view';
const INJECTIONS: InjectionKind[] = ['inactive-subject', 'inactive-recipient', 'other-group', 'greenland', 'field-not-shared', 'stale-position', 'inactive-correction', 'inactive-view'];

/** One history: the store, the sender that followed it, and the members' facts the commands may act on. */
class World {
  readonly store = new InMemoryEventStore();
  readonly sender = new ReferenceSender(this.store);
  private readonly joined: string[] = [];
  private readonly admitted = new Set<string>();
  private forgedVersions = 1000;

  async apply(command: Command): Promise<void> {
    if (command.kind === 'send') {
      await this.sender.run(GROUPS[command.group]);
      return;
    }
    if (command.kind === 'link') {
      await appendAt(this.store, clusterStream(CLUSTERS[command.cluster]), [linkedFact(CLUSTERS[command.cluster], command.groups.map((index) => GROUPS[index]))]);
      return;
    }
    if (command.kind === 'join') {
      if (this.joined.length === MAX_MEMBERS) return;
      const memberId = randomUUID();
      this.joined.push(memberId);
      const { fields: sharedFields, scope, greenland: allowTransferToGreenland, country } = command;
      await appendAt(this.store, memberStream(memberId), [joinedWith(memberId, GROUPS[command.group], { sharedFields, scope, allowTransferToGreenland, country })]);
      return;
    }
    if (this.joined.length === 0) return;
    const memberId = this.joined[command.member % this.joined.length];
    if (command.kind === 'view') {
      await this.sender.view(memberId);
      return;
    }
    const facts: Record<Exclude<Command['kind'], 'join' | 'send' | 'link' | 'view'>, () => DomainEvent | undefined> = {
      admit: () => {
        if (this.admitted.has(memberId)) return undefined;
        this.admitted.add(memberId);
        const joinedEvent = this.sender.fold.member(memberId);
        return admittedTo(memberId, joinedEvent?.diagnosisId ?? GROUPS[0]);
      },
      withdraw: () => withdrew(memberId),
      restrict: () => restrictedFact(memberId),
      lift: () => liftedFact(memberId),
      erase: () => erasedFact(memberId),
      update: () => updatedFact(memberId, (command as { country: Country }).country),
      portal: () => ({ type: 'ListDeliveryChosen', data: { memberId, delivery: 'portal', chosenAt: '2026-12-01T09:00:00.000Z' } }),
    };
    await this.sender.catchUp();
    const fact = facts[command.kind]();
    if (fact) await appendAt(this.store, memberStream(memberId), [fact]);
  }

  /**
   * Appends one dispatch that was unlawful at the position it records, picked from the members
   * as they stand (or, when none fit, from new members made for it). Returns its position.
   */
  async inject(kind: InjectionKind, pick: number): Promise<bigint> {
    let builtAt = await this.sender.catchUp();
    const fold = this.sender.fold;
    const known = this.joined.map((memberId) => fold.member(memberId)).filter((found): found is ListableMember => found !== undefined);
    const listable = known.filter((found) => fold.isListable(found.memberId));
    const inactive = known.filter((found) => !fold.isListable(found.memberId));
    const visibleTo = (recipient: ListableMember) => fold.groupList(recipient.diagnosisId).filter((listed) => listed.memberId !== recipient.memberId);
    const choose = <T>(candidates: T[]): T | undefined => (candidates.length === 0 ? undefined : candidates[pick % candidates.length]);
    let pair: { recipient: ListableMember; subject: ListableMember } | undefined;
    switch (kind) {
      case 'inactive-subject':
      case 'inactive-correction':
      case 'inactive-view': {
        const subject = choose(inactive);
        const recipient = choose(listable);
        pair = subject && recipient ? { recipient, subject } : undefined;
        pair ??= await this.fresh({ recipient: {}, subject: { admitted: false } });
        break;
      }
      case 'inactive-recipient': {
        const recipient = choose(inactive);
        const subject = choose(known.filter((found) => found.memberId !== recipient?.memberId));
        pair = subject && recipient ? { recipient, subject } : undefined;
        pair ??= await this.fresh({ recipient: { admitted: false }, subject: {} });
        break;
      }
      case 'other-group':
        pair = choose(listable.flatMap((recipient) => listable.filter((subject) => subject !== recipient && !visibleTo(recipient).includes(subject)).map((subject) => ({ recipient, subject }))));
        pair ??= await this.fresh({ recipient: {}, subject: { otherGroup: true } });
        break;
      case 'greenland':
        pair = choose(listable.filter((recipient) => recipient.country === 'GL').flatMap((recipient) => visibleTo(recipient).filter((subject) => !subject.allowTransferToGreenland).map((subject) => ({ recipient, subject }))));
        pair ??= await this.fresh({ recipient: { country: 'GL' }, subject: {} });
        break;
      case 'field-not-shared':
        pair = choose(listable.flatMap((recipient) => visibleTo(recipient).filter((subject) => subject.sharedFields.length < FIELDS.length).map((subject) => ({ recipient, subject }))));
        pair ??= await this.fresh({ recipient: {}, subject: { sharedFields: ['email'] } });
        break;
      case 'stale-position': {
        pair = choose(listable.flatMap((recipient) => visibleTo(recipient).map((subject) => ({ recipient, subject }))));
        pair ??= await this.fresh({ recipient: {}, subject: {} });
        // Built from just before the subject was admitted.
        const admission = (await this.store.readStream(memberStream(pair.subject.memberId))).find((event) => event.type === 'MemberAdmitted');
        builtAt = (admission?.position ?? 1n) - 1n;
        break;
      }
    }
    const { recipient, subject } = pair;
    // The Greenland flag as the member set it for the Greenland case (the sender forgot the recipient's view),
    // and claimed for the others, so that the entry is in the recipient's view.
    const shown = { ...listEntry(subject), ...(kind === 'field-not-shared' ? { fields: FIELDS } : {}), greenland: kind === 'greenland' ? subject.allowTransferToGreenland : true };
    const dispatchId = randomUUID();
    if (kind === 'inactive-correction') {
      const correction: CorrectionDispatched = {
        type: 'CorrectionDispatched',
        data: { dispatchId, recipientId: recipient.memberId, subjectId: subject.memberId, entry: shown, builtAtPosition: builtAt.toString(), listReference: 'INJECTED', channel: 'email' },
      };
      return appendAt(this.store, dispatchStream(dispatchId), [correction]);
    }
    if (kind === 'inactive-view') {
      const viewed: ContactListViewed = {
        type: 'ContactListViewed',
        data: { dispatchId, recipientId: recipient.memberId, diagnosisId: recipient.diagnosisId, builtAtPosition: builtAt.toString(), entries: [shown], listReference: 'INJECTED', channel: 'portal' },
      };
      return appendAt(this.store, dispatchStream(dispatchId), [viewed]);
    }
    const version = ++this.forgedVersions;
    const diagnosisId = recipient.diagnosisId;
    const published: ContactListVersionPublished = {
      type: 'ContactListVersionPublished',
      data: { diagnosisId, version, builtAtPosition: builtAt.toString(), entries: [shown], newcomers: [] },
    };
    await appendAt(this.store, contactListStream(diagnosisId), [published]);
    const dispatched: ContactListDispatched = {
      type: 'ContactListDispatched',
      data: {
        dispatchId,
        recipientId: recipient.memberId,
        diagnosisId,
        listVersion: version,
        builtAtPosition: builtAt.toString(),
        view: { greenlandOnly: false },
        listReference: 'INJECTED',
        idempotencyKey: `${recipient.memberId}:${diagnosisId}:${version}`,
        channel: 'email',
      },
    };
    return appendAt(this.store, dispatchStream(dispatchId), [dispatched]);
  }

  /** New members for an injection when none of the history's fit. */
  private async fresh(spec: {
    recipient: { admitted?: boolean; country?: Country };
    subject: { admitted?: boolean; otherGroup?: boolean; sharedFields?: ContactField[] };
  }): Promise<{ recipient: ListableMember; subject: ListableMember }> {
    const group = randomUUID();
    const [recipientId, subjectId] = [randomUUID(), randomUUID()];
    await appendAt(this.store, memberStream(recipientId), [
      joinedWith(recipientId, group, { country: spec.recipient.country ?? 'DK' }),
      ...(spec.recipient.admitted === false ? [] : [admittedTo(recipientId, group)]),
    ]);
    const subjectGroup = spec.subject.otherGroup ? randomUUID() : group;
    await appendAt(this.store, memberStream(subjectId), [
      joinedWith(subjectId, subjectGroup, { sharedFields: spec.subject.sharedFields }),
      ...(spec.subject.admitted === false ? [] : [admittedTo(subjectId, subjectGroup)]),
    ]);
    await this.sender.catchUp();
    return { recipient: this.sender.fold.member(recipientId) as ListableMember, subject: this.sender.fold.member(subjectId) as ListableMember };
  }
}

describe('lawfulness of every dispatch (property)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const projector = new DisclosureLogProjector();

  /** Projects the world's log in batches of `batch` events, sets the checkpoint, and verifies. */
  const verifyWorld = async (world: World, batch: number, verificationBatch: number): Promise<VerificationReport> => {
    await dataSource.transaction((tx) => projector.reset(tx));
    const events = await world.store.readAll({ maxCount: 1_000_000 });
    for (let index = 0; index < events.length; index += batch) await dataSource.transaction((tx) => projector.apply(events.slice(index, index + batch), tx));
    await dataSource.query(
      `INSERT INTO projection_checkpoints (name, version, position) VALUES ('disclosure-log', 1, $1)
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`,
      [(await world.store.headPosition()).toString()],
    );
    return new DisclosureVerification(dataSource, world.store).verify({ batchSize: verificationBatch });
  };
  const dispatchCount = async (world: World): Promise<number> =>
    (await world.store.readAll({ maxCount: 1_000_000 })).filter((event) => DISPATCH_EVENT_TYPES.has(event.type)).length;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('finds every dispatch of an honest sender lawful at the position it recorded', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 10, maxLength: 80, size: 'max' }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 50 }), async (commands, batch, verificationBatch) => {
        const world = new World();
        for (const next of commands) await world.apply(next);
        for (const group of GROUPS) await world.sender.run(group);
        const report = await verifyWorld(world, batch, verificationBatch);
        expect(report.problems ?? []).toEqual([]);
        expect(report).toEqual(expect.objectContaining({ ok: true, entries: await dispatchCount(world) }));
      }),
      { numRuns: 60 },
    );
  });

  it('always catches one unlawful dispatch injected anywhere in the history, and nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 5, maxLength: 60, size: 'max' }),
        fc.nat(),
        fc.constantFrom(...INJECTIONS),
        fc.nat(),
        fc.integer({ min: 1, max: 40 }),
        async (commands, at, kind, pick, batch) => {
          const world = new World();
          const injectAt = at % (commands.length + 1);
          let injected = 0n;
          for (const [index, next] of commands.entries()) {
            if (index === injectAt) injected = await world.inject(kind, pick);
            await world.apply(next);
          }
          if (injectAt === commands.length) injected = await world.inject(kind, pick);
          for (const group of GROUPS) await world.sender.run(group);
          const report = await verifyWorld(world, batch, 1 + (pick % 30));
          expect(report.ok).toBe(false);
          expect(report.firstBrokenEntry).toEqual(expect.objectContaining({ position: injected.toString(), check: 'lawfulness', reason: 'unlawful' }));
          expect(report.problems?.map((problem) => problem.position)).toEqual([injected.toString()]);
        },
      ),
      { numRuns: 80 },
    );
  });
});
