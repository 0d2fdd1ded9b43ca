import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { ListEntry } from '../../contracts/events/contact-list.events';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { Country } from '../../contracts/events/membership.events';
import { deletionKey, dispatchIdOf, listKey } from '../../src/contact-lists/dispatch-keys';
import { memberJoined } from '../../test/support/recorded-events';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { ContactListPlannerProjector } from './contact-list-planner.projector';
import { PLANNER_TABLES } from './planner-tables';

const GROUP = 'd1000000-0000-4000-8000-00000000000a';
const LINKED = 'd1000000-0000-4000-8000-00000000000b';
const [ANNA, BO, CARL, DORA, ERIK] = ['a', 'b', 'c', 'd', 'e'].map((letter) => `${letter.repeat(8)}-0000-4000-8000-000000000001`);
const AT = '2026-11-29T12:00:00.000Z';

/** A log written event by event: positions from 1, streams named as the service names them. */
class Log {
  readonly events: RecordedEvent[] = [];
  add(type: string, data: Record<string, unknown>, streamId = `member-${String(data.memberId ?? data.diagnosisId ?? data.dispatchId)}`, at = AT): RecordedEvent {
    const event: RecordedEvent = {
      id: randomUUID(),
      type,
      schemaVersion: 1,
      data,
      metadata: { correlationId: randomUUID(), actorRole: 'system', occurredAt: at },
      streamId,
      revision: 0,
      position: BigInt(this.events.length + 1),
      recordedAt: new Date(at),
    };
    this.events.push(event);
    return event;
  }
  get head(): bigint {
    return BigInt(this.events.length);
  }
  admit(memberId: string, options: { country?: Country; greenland?: boolean; scope?: 'group' | 'cluster'; diagnosisId?: string; at?: string } = {}): void {
    const diagnosisId = options.diagnosisId ?? GROUP;
    const base = memberJoined(memberId, diagnosisId);
    this.add('MemberJoined', {
      ...base.data,
      country: options.country ?? 'DK',
      consent: { ...base.data.consent, allowTransferToGreenland: options.greenland ?? false, scope: options.scope ?? 'group' },
    });
    this.add('EmailVerified', { memberId, purpose: 'sign-up', verifiedAt: AT });
    this.add('MemberAdmitted', { memberId, diagnosisId, admittedAt: options.at ?? AT });
  }
  /** A version as the sender publishes it, and its dispatch to each recipient. */
  publish(version: number, entries: Array<{ subjectId: string; greenland?: boolean }>, newcomers: string[], recipients: Array<{ id: string; greenlandOnly?: boolean }>, builtAt = this.head) {
    const listEntries: ListEntry[] = entries.map((entry) => ({ subjectId: entry.subjectId, fields: ['address', 'phone', 'email'], digest: `d-${entry.subjectId}`, greenland: entry.greenland ?? false }));
    this.add('ContactListVersionPublished', { diagnosisId: GROUP, version, builtAtPosition: builtAt.toString(), entries: listEntries, newcomers }, `contact-list-${GROUP}`);
    return this.dispatch(version, recipients, builtAt);
  }
  dispatch(version: number, recipients: Array<{ id: string; greenlandOnly?: boolean }>, builtAt: bigint): Record<string, string> {
    const references: Record<string, string> = {};
    for (const recipient of recipients) {
      const idempotencyKey = listKey(recipient.id, GROUP, version);
      const dispatchId = dispatchIdOf(idempotencyKey);
      references[recipient.id] = `SN-V${version}${recipient.id.slice(0, 4).toUpperCase()}`;
      this.add(
        'ContactListDispatched',
        {
          dispatchId,
          recipientId: recipient.id,
          diagnosisId: GROUP,
          listVersion: version,
          builtAtPosition: builtAt.toString(),
          view: { greenlandOnly: recipient.greenlandOnly ?? false },
          listReference: references[recipient.id],
          idempotencyKey,
          channel: 'email',
        },
        `dispatch-${dispatchId}`,
      );
    }
    return references;
  }
  /** A self-service view of the group's list, as the viewing records it (entries in the order shown). */
  view(recipientId: string, subjectIds: string[], builtAt = this.head): string {
    const dispatchId = randomUUID();
    const listReference = `SN-VIEW${String(this.events.length).padStart(4, '0')}`;
    const entries: ListEntry[] = subjectIds.map((subjectId) => ({ subjectId, fields: ['address', 'phone', 'email'], digest: `d-${subjectId}`, greenland: false }));
    this.add('ContactListViewed', { dispatchId, recipientId, diagnosisId: GROUP, builtAtPosition: builtAt.toString(), entries, listReference, channel: 'portal' }, `dispatch-${dispatchId}`);
    return listReference;
  }
}

describe('the contact-list planner', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const planner = new ContactListPlannerProjector();

  const apply = (events: readonly RecordedEvent[]) => dataSource.transaction((tx) => planner.apply(events, tx));
  const rows = (sql: string) => dataSource.query(sql);
  const newcomers = () => rows('SELECT diagnosis_id::text, member_id::text FROM contact_list_newcomers ORDER BY diagnosis_id, member_id');
  const notices = () =>
    rows(`SELECT recipient_id::text, subject_id::text, reason, list_reference, entry_number, dispatched_position::text FROM contact_list_notices ORDER BY subject_id, recipient_id, list_reference, reason`);
  const corrections = () =>
    rows(`SELECT recipient_id::text, subject_id::text, due_position::text, done_position::text, list_reference, entry_number FROM contact_list_corrections ORDER BY subject_id, recipient_id`);
  /** Every planner table, to compare whole states (the planned position of a notice is only an order). */
  const everything = async () => {
    const state: Record<string, unknown[]> = {};
    for (const table of PLANNER_TABLES) {
      const all: Array<Record<string, unknown>> = await rows(`SELECT * FROM ${table}`);
      state[table] = all
        .map((row) => JSON.stringify({ ...row, planned_position: undefined }))
        .sort()
        .map((row) => JSON.parse(row));
    }
    return state;
  };
  /** Rebuilds the planner from `events`, in one batch or one event at a time, and returns everything it then holds. */
  const replayed = async (events: readonly RecordedEvent[], how: 'in one batch' | 'event by event') => {
    await dataSource.transaction((tx) => planner.reset(tx));
    if (how === 'in one batch') await apply(events);
    else for (const event of events) await apply([event]);
    return everything();
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });
  beforeEach(() => dataSource.transaction((tx) => planner.reset(tx)));

  it('keeps the listability facts and the newcomers of a group, cleared by the version built after them', async () => {
    const log = new Log();
    log.add('DiagnosisRegistered', { diagnosisId: GROUP, name: 'Alström syndrom' }, `diagnosis-${GROUP}`);
    log.admit(ANNA);
    log.admit(BO);
    log.add('MemberJoined', memberJoined(CARL, GROUP).data);
    await apply(log.events);

    expect(await rows('SELECT member_id::text, listable, facts FROM contact_list_members ORDER BY member_id')).toEqual([
      expect.objectContaining({ member_id: ANNA, listable: true, facts: expect.objectContaining({ admitted: true, diagnosisId: GROUP, sharedFields: ['address', 'phone', 'email'] }) }),
      expect.objectContaining({ member_id: BO, listable: true }),
      expect.objectContaining({ member_id: CARL, listable: false }),
    ]);
    expect(await newcomers()).toEqual([
      { diagnosis_id: GROUP, member_id: ANNA },
      { diagnosis_id: GROUP, member_id: BO },
    ]);
    expect(await rows('SELECT name FROM contact_list_diagnoses')).toEqual([{ name: 'Alström syndrom' }]);

    const builtAt = log.head;
    const start = log.events.length;
    log.admit(DORA); // admitted after the build: still news
    log.publish(1, [{ subjectId: ANNA }, { subjectId: BO }], [ANNA, BO], [{ id: ANNA }, { id: BO }], builtAt);
    await apply(log.events.slice(start));

    expect(await newcomers()).toEqual([{ diagnosis_id: GROUP, member_id: DORA }]);
    expect(await rows('SELECT diagnosis_id::text, version, built_at_position::text FROM contact_list_groups')).toEqual([
      { diagnosis_id: GROUP, version: 1, built_at_position: builtAt.toString() },
    ]);
    expect(await rows('SELECT recipient_id::text, list_version FROM contact_list_list_dispatches ORDER BY recipient_id')).toEqual([
      { recipient_id: ANNA, list_version: 1 },
      { recipient_id: BO, list_version: 1 },
    ]);
  });

  it('drops a newcomer who withdraws before the list, brings back one whose restriction is lifted, and makes cluster members news for linked groups', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    log.add('ConsentWithdrawn', { memberId: BO, withdrawnBy: 'member', withdrawnAt: AT });
    log.admit(CARL);
    log.add('MemberRestricted', { memberId: CARL, reason: 'v1.x', restrictedAt: AT });
    await apply(log.events);
    expect(await newcomers()).toEqual([{ diagnosis_id: GROUP, member_id: ANNA }]);

    const start = log.events.length;
    log.add('RestrictionLifted', { memberId: CARL, liftedAt: '2026-11-30T09:00:00.000Z' });
    log.admit(DORA, { diagnosisId: LINKED, scope: 'cluster' });
    log.admit(ERIK, { diagnosisId: LINKED });
    log.add('DiagnosesLinked', { clusterId: 'cluster-1', name: 'Ciliopatier', diagnosisIds: [GROUP, LINKED] }, 'cluster-cluster-1', '2026-11-30T10:00:00.000Z');
    await apply(log.events.slice(start));
    expect(await newcomers()).toEqual([
      { diagnosis_id: GROUP, member_id: ANNA },
      { diagnosis_id: GROUP, member_id: CARL },
      { diagnosis_id: GROUP, member_id: DORA },
      { diagnosis_id: LINKED, member_id: DORA },
      { diagnosis_id: LINKED, member_id: ERIK },
    ]);
    expect(await rows(`SELECT since_at FROM contact_list_newcomers WHERE member_id = '${CARL}'`)).toEqual([{ since_at: new Date('2026-11-30T09:00:00.000Z') }]);
  });

  it('plans a deletion notice for every earlier recipient of a withdrawn, restricted or erased member, citing their copy, and no correction for them', async () => {
    const log = new Log();
    log.admit(ANNA, { greenland: true });
    log.admit(BO);
    log.admit(CARL, { greenland: true });
    log.admit(DORA, { country: 'GL' });
    // Sorted list: Anna, Bo, Carl, Dora. Dora in Greenland sees Anna and Carl only.
    const refs = log.publish(
      1,
      [{ subjectId: ANNA, greenland: true }, { subjectId: BO }, { subjectId: CARL, greenland: true }, { subjectId: DORA }],
      [ANNA, BO, CARL, DORA],
      [{ id: ANNA }, { id: BO }, { id: CARL }, { id: DORA, greenlandOnly: true }],
    );
    log.add('ConsentWithdrawn', { memberId: BO, withdrawnBy: 'member', withdrawnAt: AT });
    log.add('MemberRestricted', { memberId: CARL, reason: 'v1.x', restrictedAt: AT });
    await apply(log.events);

    expect(await notices()).toEqual([
      { recipient_id: ANNA, subject_id: BO, reason: 'withdrawn', list_reference: refs[ANNA], entry_number: 1, dispatched_position: null },
      { recipient_id: CARL, subject_id: BO, reason: 'withdrawn', list_reference: refs[CARL], entry_number: 2, dispatched_position: null },
      { recipient_id: ANNA, subject_id: CARL, reason: 'restricted', list_reference: refs[ANNA], entry_number: 2, dispatched_position: null },
      { recipient_id: BO, subject_id: CARL, reason: 'restricted', list_reference: refs[BO], entry_number: 2, dispatched_position: null },
      { recipient_id: DORA, subject_id: CARL, reason: 'restricted', list_reference: refs[DORA], entry_number: 2, dispatched_position: null },
    ]);
    const [first] = await rows(`SELECT dispatch_id::text FROM contact_list_notices WHERE recipient_id = '${ANNA}' AND subject_id = '${BO}'`);
    expect(first.dispatch_id).toBe(dispatchIdOf(deletionKey(ANNA, BO, 'withdrawn', refs[ANNA])));

    // Sent: marked so. Erasure later is a new reason: one more notice per holder; a correction is never planned.
    const start = log.events.length;
    log.add('DeletionNoticeDispatched', { dispatchId: first.dispatch_id, recipientId: ANNA, subjectId: BO, reason: 'withdrawn', listReference: 'SN-NOTICE1', channel: 'email' }, `dispatch-${first.dispatch_id}`);
    log.add('MemberErased', { memberId: BO, erasedBy: 'member', erasedAt: AT });
    await apply(log.events.slice(start));
    const bo = (await notices()).filter((notice: { subject_id: string }) => notice.subject_id === BO);
    expect(bo.map((n: { recipient_id: string; reason: string; dispatched_position: string | null }) => [n.recipient_id, n.reason, n.dispatched_position !== null])).toEqual([
      [ANNA, 'erased', false],
      [ANNA, 'withdrawn', true],
      [CARL, 'erased', false],
      [CARL, 'withdrawn', false],
    ]);
    expect(await rows(`SELECT personal FROM contact_list_members WHERE member_id = '${BO}'`)).toEqual([{ personal: null }]);
    expect(await corrections()).toEqual([]);
  });

  it('judges a list dispatched while a member it shows was restricted as the member stood then, even when the restriction is lifted in the same batch', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    const built = log.head;
    log.add('MemberRestricted', { memberId: BO, reason: 'v1.x', restrictedAt: AT });
    const refs = log.publish(1, [{ subjectId: ANNA }, { subjectId: BO }], [ANNA, BO], [{ id: ANNA }], built);
    log.add('RestrictionLifted', { memberId: BO, liftedAt: AT });
    for (const event of log.events) await apply([event]);
    const stepwise = await everything();
    expect(await notices()).toEqual([
      { recipient_id: ANNA, subject_id: BO, reason: 'restricted', list_reference: refs[ANNA], entry_number: 1, dispatched_position: null },
    ]);
    expect(await replayed(log.events, 'in one batch')).toEqual(stepwise);
  });

  it('plans the same notices whatever the batch boundaries: a restriction lifted in the same batch still leaves its notice', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    const refs = log.publish(1, [{ subjectId: ANNA }, { subjectId: BO }], [ANNA, BO], [{ id: ANNA }, { id: BO }]);
    log.add('MemberRestricted', { memberId: BO, reason: 'v1.x', restrictedAt: AT });
    log.add('RestrictionLifted', { memberId: BO, liftedAt: AT });
    await apply(log.events);
    const inOneBatch = await everything();
    expect(await notices()).toEqual([
      { recipient_id: ANNA, subject_id: BO, reason: 'restricted', list_reference: refs[ANNA], entry_number: 1, dispatched_position: null },
    ]);
    expect(await replayed(log.events, 'event by event')).toEqual(inOneBatch);
  });

  it('takes two versions of a group in one batch, both built before a rectification and dispatched after it: one correction citing the first copy, the same plan event by event', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    const builtFirst = log.head;
    log.publish(1, [{ subjectId: ANNA }, { subjectId: BO }], [ANNA, BO], []);
    log.admit(CARL); // a first admission: nobody held CARL's entry
    const builtSecond = log.head;
    log.publish(2, [{ subjectId: ANNA }, { subjectId: BO }, { subjectId: CARL }], [CARL], []);
    const update = log.add('ContactDetailsUpdated', { memberId: BO, country: 'DK', fields: ['phone'], personal: 'v1.bo-new' });
    const first = log.dispatch(1, [{ id: ANNA }], builtFirst);
    const second = log.dispatch(2, [{ id: ANNA }, { id: CARL }], builtSecond);
    await apply(log.events);
    expect(await corrections()).toEqual([
      { recipient_id: ANNA, subject_id: BO, due_position: update.position.toString(), done_position: '0', list_reference: first[ANNA], entry_number: 1 },
      { recipient_id: CARL, subject_id: BO, due_position: update.position.toString(), done_position: '0', list_reference: second[CARL], entry_number: 2 },
    ]);
    expect(await rows('SELECT version FROM contact_list_groups')).toEqual([{ version: 2 }]);
    const inOneBatch = await everything();
    expect(await replayed(log.events, 'event by event')).toEqual(inOneBatch);
  });

  it('settles a correction with a newer copy when several come in one batch, as event by event: done up to the position it was due', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    log.publish(1, [{ subjectId: ANNA }, { subjectId: BO }], [ANNA, BO], [{ id: ANNA }]);
    const update = log.add('ContactDetailsUpdated', { memberId: BO, country: 'DK', fields: ['phone'], personal: 'v1.bo-new' });
    const start = log.events.length;
    log.admit(CARL);
    log.publish(2, [{ subjectId: ANNA }, { subjectId: BO }, { subjectId: CARL }], [CARL], [{ id: ANNA }]);
    log.admit(DORA);
    log.publish(3, [{ subjectId: ANNA }, { subjectId: BO }, { subjectId: CARL }, { subjectId: DORA }], [DORA], [{ id: ANNA }]);
    await apply(log.events.slice(0, start));
    for (const event of log.events.slice(start)) await apply([event]);
    const stepwise = await everything();
    expect((await corrections()).map((row: { due_position: string; done_position: string }) => [row.due_position, row.done_position])).toEqual([
      [update.position.toString(), update.position.toString()],
    ]);
    expect(await replayed(log.events, 'in one batch')).toEqual(stepwise);
  });

  it('plans the corrected entry for earlier recipients when a field they were shown changes, settled by the correction or a newer list', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    log.admit(CARL);
    const refs = log.publish(1, [{ subjectId: ANNA }, { subjectId: BO }, { subjectId: CARL }], [ANNA, BO, CARL], [{ id: ANNA }, { id: BO }, { id: CARL }]);
    const update = log.add('ContactDetailsUpdated', { memberId: BO, country: 'DK', fields: ['phone'], personal: 'v1.bo-new' });
    await apply(log.events);
    expect(await corrections()).toEqual([
      { recipient_id: ANNA, subject_id: BO, due_position: update.position.toString(), done_position: '0', list_reference: refs[ANNA], entry_number: 1, due: undefined },
      { recipient_id: CARL, subject_id: BO, due_position: update.position.toString(), done_position: '0', list_reference: refs[CARL], entry_number: 2, due: undefined },
    ].map(({ due: _due, ...row }) => row));

    const start = log.events.length;
    log.add('CorrectionDispatched', {
      dispatchId: randomUUID(),
      recipientId: ANNA,
      subjectId: BO,
      entry: { subjectId: BO, fields: ['phone'], digest: 'x', greenland: false },
      builtAtPosition: update.position.toString(),
      listReference: 'SN-CORR0001',
      channel: 'email',
    });
    log.admit(DORA);
    log.publish(2, [{ subjectId: ANNA }, { subjectId: BO }, { subjectId: CARL }, { subjectId: DORA }], [DORA], [{ id: CARL }]);
    await apply(log.events.slice(start));
    expect((await corrections()).map((row: { recipient_id: string; due_position: string; done_position: string }) => [row.recipient_id, BigInt(row.done_position) >= BigInt(row.due_position)])).toEqual([
      [ANNA, true],
      [CARL, true],
    ]);
  });

  it('catches a list built before a change but dispatched after it', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    log.admit(CARL);
    const builtAt = log.head;
    log.add('MemberRestricted', { memberId: BO, reason: 'v1.x', restrictedAt: AT });
    const update = log.add('ContactDetailsUpdated', { memberId: CARL, country: 'DK', fields: ['name'], personal: 'v1.carl-new' });
    const refs = log.publish(1, [{ subjectId: ANNA }, { subjectId: BO }, { subjectId: CARL }], [ANNA, BO, CARL], [{ id: ANNA }, { id: CARL }], builtAt);
    // One event at a time, as a runner that follows the log closely would see them.
    for (const event of log.events) await apply([event]);

    expect((await notices()).map((n: { recipient_id: string; subject_id: string; reason: string; list_reference: string }) => [n.recipient_id, n.subject_id, n.reason, n.list_reference])).toEqual([
      [ANNA, BO, 'restricted', refs[ANNA]],
      [CARL, BO, 'restricted', refs[CARL]],
    ]);
    expect((await corrections()).map((row: { recipient_id: string; due_position: string; list_reference: string; entry_number: number }) => [row.recipient_id, row.due_position, row.list_reference, row.entry_number])).toEqual([
      [ANNA, update.position.toString(), refs[ANNA], 2],
    ]);
  });

  it('cites the copy a recipient held when the change came, whatever the batch boundaries', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    const first = log.publish(1, [{ subjectId: ANNA }, { subjectId: BO }], [ANNA, BO], [{ id: ANNA }, { id: BO }]);
    const builtAt = log.head;
    const update = log.add('ContactDetailsUpdated', { memberId: BO, country: 'DK', fields: ['phone'], personal: 'v1.bo-new' });
    // A version built before the change is dispatched after it (a sender resuming after a crash).
    log.publish(2, [{ subjectId: ANNA }, { subjectId: BO }], [], [{ id: ANNA }], builtAt);
    for (const event of log.events) await apply([event]);
    const stepwise = await everything();
    expect((await corrections()).map((row: { recipient_id: string; due_position: string; list_reference: string }) => [row.recipient_id, row.due_position, row.list_reference])).toEqual([
      [ANNA, update.position.toString(), first[ANNA]],
    ]);
    expect(await replayed(log.events, 'in one batch')).toEqual(stepwise);
  });

  it('lets a copy or a message settle what was planned earlier in the same batch', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    log.admit(CARL);
    const stale = log.head;
    log.add('ContactDetailsUpdated', { memberId: BO, country: 'DK', fields: ['phone'], personal: 'v1.bo-new' });
    log.publish(1, [{ subjectId: ANNA }, { subjectId: BO }, { subjectId: CARL }], [ANNA, BO, CARL], [], stale);
    log.admit(DORA);
    // Carl is sent a list built before Bo's change (a correction is due), then a newer one (it is settled).
    log.dispatch(1, [{ id: CARL }], stale);
    log.publish(2, [{ subjectId: ANNA }, { subjectId: BO }, { subjectId: CARL }, { subjectId: DORA }], [DORA], [{ id: CARL }]);
    log.admit(ERIK);
    // Anna is sent a list built before Bo withdrew (a notice is due), and her notice goes out (Carl's is still due).
    const built = log.head;
    log.add('ConsentWithdrawn', { memberId: BO, withdrawnBy: 'member', withdrawnAt: AT });
    const held = log.publish(3, [{ subjectId: ANNA }, { subjectId: BO }, { subjectId: CARL }, { subjectId: DORA }, { subjectId: ERIK }], [ERIK], [{ id: ANNA }], built);
    const noticeId = dispatchIdOf(deletionKey(ANNA, BO, 'withdrawn', held[ANNA]));
    log.add('DeletionNoticeDispatched', { dispatchId: noticeId, recipientId: ANNA, subjectId: BO, reason: 'withdrawn', listReference: 'SN-NOTICE1', channel: 'email' }, `dispatch-${noticeId}`);

    for (const event of log.events) await apply([event]);
    const stepwise = await everything();
    expect((await corrections()).map((row: { recipient_id: string; due_position: string; done_position: string }) => [row.recipient_id, BigInt(row.done_position) >= BigInt(row.due_position)])).toEqual([
      [CARL, true],
    ]);
    expect((await notices()).map((row: { recipient_id: string; dispatched_position: string | null }) => [row.recipient_id, row.dispatched_position !== null])).toEqual([
      [ANNA, true],
      [CARL, false],
    ]);
    expect(await replayed(log.events, 'in one batch')).toEqual(stepwise);
  });

  it('keeps each member\'s choice of delivery for the sender', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    log.add('ListDeliveryChosen', { memberId: ANNA, delivery: 'portal', chosenAt: AT });
    await apply(log.events);
    const deliveries = () => rows('SELECT member_id::text, list_delivery FROM contact_list_members ORDER BY member_id');
    expect(await deliveries()).toEqual([
      { member_id: ANNA, list_delivery: 'portal' },
      { member_id: BO, list_delivery: null },
    ]);
    const start = log.events.length;
    log.add('ListDeliveryChosen', { memberId: ANNA, delivery: 'email', chosenAt: AT });
    await apply(log.events.slice(start));
    await apply(log.events);
    expect((await deliveries())[0]).toEqual({ member_id: ANNA, list_delivery: 'email' });
  });

  it('counts a self-service view as a copy: notices and corrections cite it, a later view or a correction notice settles them', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    log.admit(CARL);
    log.publish(1, [{ subjectId: ANNA }, { subjectId: BO }, { subjectId: CARL }], [ANNA, BO, CARL], []); // portal: nobody got the list itself
    const annasView = log.view(ANNA, [BO, CARL]);
    const carlsView = log.view(CARL, [ANNA, BO]);
    const update = log.add('ContactDetailsUpdated', { memberId: CARL, country: 'DK', fields: ['phone'], personal: 'v1.carl-new' });
    log.add('ConsentWithdrawn', { memberId: BO, withdrawnBy: 'member', withdrawnAt: AT });
    await apply(log.events);

    expect((await notices()).map((n: { recipient_id: string; subject_id: string; reason: string; list_reference: string; entry_number: number }) => [n.recipient_id, n.subject_id, n.reason, n.list_reference, n.entry_number])).toEqual([
      [ANNA, BO, 'withdrawn', annasView, 1],
      [CARL, BO, 'withdrawn', carlsView, 2],
    ]);
    expect(await corrections()).toEqual([
      { recipient_id: ANNA, subject_id: CARL, due_position: update.position.toString(), done_position: '0', list_reference: annasView, entry_number: 2 },
    ]);

    // Anna is told of the correction (a portal notice, no data): settled.
    const start = log.events.length;
    const dispatchId = randomUUID();
    log.add(
      'ListNoticeDispatched',
      { dispatchId, recipientId: ANNA, diagnosisId: GROUP, reason: 'entry-corrected', subjectId: CARL, correctedAtPosition: update.position.toString(), listReference: 'SN-NOTICE2', idempotencyKey: 'k', channel: 'email' },
      `dispatch-${dispatchId}`,
    );
    // Carl rectifies again, and Anna looks before being told: the view shows the new entry, settling it.
    const again = log.add('ContactDetailsUpdated', { memberId: CARL, country: 'DK', fields: ['name'], personal: 'v1.carl-newer' });
    log.view(ANNA, [CARL]);
    await apply(log.events.slice(start));
    expect((await corrections()).map((row: { due_position: string; done_position: string }) => [row.due_position, BigInt(row.done_position) >= BigInt(row.due_position)])).toEqual([
      [again.position.toString(), true],
    ]);

    // A view built before a restriction but recorded after it is caught, as a list would be: Carl
    // is told about his earlier view and about this one.
    const next = log.events.length;
    const builtAt = log.head;
    log.add('MemberRestricted', { memberId: ANNA, reason: 'v1.x', restrictedAt: AT });
    const late = log.view(CARL, [ANNA], builtAt);
    for (const event of log.events.slice(next)) await apply([event]);
    expect((await notices()).filter((n: { subject_id: string }) => n.subject_id === ANNA).map((n: { recipient_id: string; reason: string; list_reference: string }) => [n.recipient_id, n.reason, n.list_reference])).toEqual([
      [CARL, 'restricted', carlsView],
      [CARL, 'restricted', late],
    ]);
  });

  it('gives every copy that shows a member who may no longer be shown a notice of its own, whatever the batch boundaries', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    log.admit(CARL);
    log.admit(ERIK);
    const built = log.head;
    log.add('ConsentWithdrawn', { memberId: BO, withdrawnBy: 'member', withdrawnAt: AT });
    // Built before the withdrawal, sent or viewed after it, twice each.
    const entries = [{ subjectId: ANNA }, { subjectId: BO }, { subjectId: CARL }, { subjectId: ERIK }];
    const first = log.publish(1, entries, [ANNA, BO, CARL, ERIK], [{ id: CARL }], built);
    const second = log.publish(2, entries, [], [{ id: CARL }], built);
    const views = [log.view(ERIK, [ANNA, BO, CARL], built), log.view(ERIK, [ANNA, BO, CARL], built)];
    for (const event of log.events) await apply([event]);
    const stepwise = await everything();
    expect((await notices()).map((n: { recipient_id: string; subject_id: string; list_reference: string }) => [n.recipient_id, n.subject_id, n.list_reference])).toEqual([
      [CARL, BO, first[CARL]],
      [CARL, BO, second[CARL]],
      [ERIK, BO, views[0]],
      [ERIK, BO, views[1]],
    ]);
    expect(await replayed(log.events, 'in one batch')).toEqual(stepwise);
  });

  it('settles a correction with a corrected entry sent after the copy that made it due in the same batch, as event by event', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    const built = log.head;
    log.add('ContactDetailsUpdated', { memberId: BO, country: 'DK', fields: ['phone'], personal: 'v1.bo-new' });
    log.publish(1, [{ subjectId: ANNA }, { subjectId: BO }], [ANNA, BO], [{ id: ANNA }], built); // stale: a correction is due
    const dispatchId = randomUUID();
    log.add('CorrectionDispatched', {
      dispatchId,
      recipientId: ANNA,
      subjectId: BO,
      entry: { subjectId: BO, fields: ['phone'], digest: 'x', greenland: false },
      builtAtPosition: log.head.toString(),
      listReference: 'SN-CORR0001',
      channel: 'email',
    }, `dispatch-${dispatchId}`);
    for (const event of log.events) await apply([event]);
    const stepwise = await everything();
    expect((await corrections()).map((row: { due_position: string; done_position: string }) => BigInt(row.done_position) >= BigInt(row.due_position))).toEqual([true]);
    expect(await replayed(log.events, 'in one batch')).toEqual(stepwise);
  });

  it('takes a recipient\'s stale view and stale list in log order in one batch: the correction cites the first of them', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    log.admit(CARL);
    const built = log.head;
    log.publish(1, [{ subjectId: ANNA }, { subjectId: BO }, { subjectId: CARL }], [ANNA, BO, CARL], [], built);
    log.add('ContactDetailsUpdated', { memberId: BO, country: 'DK', fields: ['phone'], personal: 'v1.bo-new' });
    // Both built before Bo's change: Anna looks first and is sent the list next, Carl the other way round.
    const annasView = log.view(ANNA, [BO, CARL], built);
    const lists = log.dispatch(1, [{ id: ANNA }, { id: CARL }], built);
    log.view(CARL, [ANNA, BO], built);
    for (const event of log.events) await apply([event]);
    const stepwise = await everything();
    expect((await corrections()).map((row: { recipient_id: string; list_reference: string }) => [row.recipient_id, row.list_reference])).toEqual([
      [ANNA, annasView],
      [CARL, lists[CARL]],
    ]);
    expect(await replayed(log.events, 'in one batch')).toEqual(stepwise);
  });

  it('keeps a correction due when a recipient is sent an older list after a newer one in the same batch, as event by event', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    const older = log.head;
    log.publish(1, [{ subjectId: ANNA }, { subjectId: BO }], [ANNA, BO], [], older);
    const update = log.add('ContactDetailsUpdated', { memberId: BO, country: 'DK', fields: ['phone'], personal: 'v1.bo-new' });
    log.admit(CARL);
    const newer = log.head;
    log.publish(2, [{ subjectId: ANNA }, { subjectId: BO }, { subjectId: CARL }], [CARL], [], newer);
    // A sender resuming after a crash sends the newer version first: the older one Anna holds last shows Bo's old phone.
    log.dispatch(2, [{ id: ANNA }], newer);
    const stale = log.dispatch(1, [{ id: ANNA }], older);
    for (const event of log.events) await apply([event]);
    const stepwise = await everything();
    expect(await corrections()).toEqual([
      { recipient_id: ANNA, subject_id: BO, due_position: update.position.toString(), done_position: '0', list_reference: stale[ANNA], entry_number: 1 },
    ]);
    expect(await replayed(log.events, 'in one batch')).toEqual(stepwise);
  });

  it('ends in the same state whatever the batch boundaries and whichever instance applies a batch, for random histories of two linked groups and their sender (property)', async () => {
    // Another instance (the runner hands over) and a batch rolled back (a failed commit) leave
    // a planner's memory older than its tables: it must load them again.
    const other = new ContactListPlannerProjector();
    const rolledBack = new Error('the commit failed');
    const applyBy = async (batch: readonly RecordedEvent[], how: 'this instance' | 'the other instance' | 'rolled back first') => {
      if (how === 'the other instance') return dataSource.transaction((tx) => other.apply(batch, tx));
      if (how === 'rolled back first') {
        await expect(dataSource.transaction(async (tx) => {
          await planner.apply(batch, tx);
          throw rolledBack;
        })).rejects.toBe(rolledBack);
      }
      return apply(batch);
    };
    const howArb = fc.constantFrom('this instance' as const, 'the other instance' as const, 'rolled back first' as const);
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 20, maxLength: 60, size: 'max' }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(howArb, { maxLength: 7 }), async (steps, cuts, hows) => {
        const events = historyOf(steps);
        const stepwise = await replayed(events, 'event by event');
        await dataSource.transaction((tx) => planner.reset(tx));
        for (const [index, batch] of batchesOf(events, cuts).entries()) await applyBy(batch, hows[index] ?? 'this instance');
        expect(await everything()).toEqual(stepwise);
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  it('loads its tables again after a batch whose writes failed half-way, and ends as it does event by event', async () => {
    const log = new Log();
    log.admit(ANNA);
    log.admit(BO);
    log.publish(1, [{ subjectId: ANNA }, { subjectId: BO }], [ANNA, BO], [{ id: ANNA }, { id: BO }]);
    await apply(log.events);
    const start = log.events.length;
    log.add('ContactDetailsUpdated', { memberId: ANNA, country: 'DK', fields: ['phone'], personal: 'v1.anna-new' });
    log.add('ConsentWithdrawn', { memberId: BO, withdrawnBy: 'member', withdrawnAt: AT });
    // The notice is the last table written: every other table's rows were written, then rolled back.
    const lost = new Error('the connection was lost');
    const failingAtNotices = (tx: EntityManager) =>
      new Proxy(tx, {
        get: (target, key, receiver) =>
          key === 'query' ? (sql: string, parameters?: unknown[]) => (sql.includes('INSERT INTO contact_list_notices') ? Promise.reject(lost) : target.query(sql, parameters)) : Reflect.get(target, key, receiver),
      });
    await expect(dataSource.transaction((tx) => planner.apply(log.events.slice(start), failingAtNotices(tx)))).rejects.toBe(lost);
    await apply(log.events.slice(start));
    const resumed = await everything();
    expect(resumed.contact_list_notices).toHaveLength(1);
    expect(resumed.contact_list_corrections).toHaveLength(1);
    expect(await replayed(log.events, 'event by event')).toEqual(resumed);
  });

  it('applies the same events twice without changing anything, and ends as it does event by event', async () => {
    const log = new Log();
    log.add('DiagnosisRegistered', { diagnosisId: GROUP, name: 'Alström syndrom' }, `diagnosis-${GROUP}`);
    log.admit(ANNA, { greenland: true });
    log.admit(BO, { scope: 'cluster' });
    log.admit(CARL, { country: 'GL' });
    log.admit(ERIK, { diagnosisId: LINKED });
    log.publish(1, [{ subjectId: ANNA, greenland: true }, { subjectId: BO }, { subjectId: CARL }], [ANNA, BO, CARL], [{ id: ANNA }, { id: BO }, { id: CARL, greenlandOnly: true }]);
    log.add('ContactDetailsUpdated', { memberId: ANNA, country: 'DK', fields: ['address'], personal: 'v1.anna-new' });
    log.add('MemberRestricted', { memberId: BO, reason: 'v1.x', restrictedAt: AT });
    log.add('RestrictionLifted', { memberId: BO, liftedAt: AT });
    log.add('DiagnosesLinked', { clusterId: 'cluster-1', name: 'C', diagnosisIds: [GROUP, LINKED] }, 'cluster-cluster-1');
    log.admit(DORA);
    log.view(DORA, [ANNA, BO]);
    log.add('ListDeliveryChosen', { memberId: DORA, delivery: 'portal', chosenAt: AT });
    log.add('ConsentWithdrawn', { memberId: CARL, withdrawnBy: 'member', withdrawnAt: AT });

    await apply(log.events);
    const once = await everything();
    expect(once.contact_list_views.length).toBe(2);
    expect(once.contact_list_notices.length).toBeGreaterThan(0);
    expect(once.contact_list_corrections.length).toBeGreaterThan(0);
    await apply(log.events);
    expect(await everything()).toEqual(once);

    // Event by event, everything comes out the same.
    expect(await replayed(log.events, 'event by event')).toEqual(once);
  });
});

/**
 * One step of a group's history as the service writes it (eight members; a second group the first
 * may be linked with): a member joins and is admitted (in group or cluster scope), moves to the
 * other group, rectifies, withdraws, is restricted or let back, is erased, or looks at the list
 * in self-service (as it stood a few steps ago, at most); the groups are linked; the sender builds
 * a version, sends a recipient a version built for them that they have not had (late, after other
 * events, and now and then a later one first, as a sender resuming after a crash may), a
 * correction (by email, or a notice of it to the member who uses self-service), or a deletion
 * notice for the copy a recipient holds. `pick` chooses among those the step can apply to (modulo
 * their number); a step that applies to nobody writes nothing.
 */
interface Step {
  kind: 'admit' | 'link' | 'move' | 'update' | 'withdraw' | 'restrict' | 'lift' | 'erase' | 'view' | 'build' | 'send' | 'correct' | 'notice';
  pick: number;
}

const MEMBERS = [ANNA, BO, CARL, DORA, ERIK, ...['1', '2', '3'].map((digit) => `${digit.repeat(8)}-0000-4000-8000-000000000001`)];
/** The member who takes the lists in self-service: never sent one by email (every member may look at the list in self-service). */
const PORTAL = ERIK;
/** Lives in Greenland: sent only the entries of members who allow their data to go there. */
const IN_GREENLAND = DORA;
const ALLOWS_GREENLAND = new Set([ANNA, CARL]);
/** The members a recipient is shown of `subjects`. */
const shownTo = (recipient: string, subjects: readonly string[]) => (recipient === IN_GREENLAND ? subjects.filter((id) => ALLOWS_GREENLAND.has(id)) : subjects);
/** How often each kind of step comes: the ones that end a member's part in the group less often. */
const STEP_WEIGHTS: Record<Step['kind'], number> = {
  send: 6,
  admit: 5,
  build: 3,
  update: 2,
  view: 2,
  correct: 2,
  notice: 2,
  withdraw: 1,
  restrict: 1,
  lift: 1,
  erase: 1,
  move: 1,
  link: 1,
};
const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.oneof(...Object.entries(STEP_WEIGHTS).map(([kind, weight]) => ({ weight, arbitrary: fc.constant(kind as Step['kind']) }))),
  pick: fc.nat(),
});

/** The log a history writes. */
function historyOf(steps: readonly Step[]): RecordedEvent[] {
  const log = new Log();
  const admitted = new Set<string>();
  const withdrawn = new Set<string>();
  const restricted = new Set<string>();
  const erased = new Set<string>();
  const moved = new Set<string>();
  let linked = false;
  const listable = (id: string) => admitted.has(id) && !moved.has(id) && !withdrawn.has(id) && !restricted.has(id) && !erased.has(id);
  /** Who was on the list after each of the last few steps, and where the log stood. */
  const recent: Array<{ head: bigint; listable: string[] }> = [];
  let version = 0;
  const built = new Map<number, { builtAt: bigint; subjects: string[] }>();
  /** Per recipient, the versions built for them and not yet sent, oldest first. */
  const unsent = new Map<string, number[]>();
  /** The reference of the latest copy each recipient holds of each member's entry. */
  const held = new Map<string, { recipient: string; subject: string; reference: string }>();
  const hold = (recipient: string, subjects: readonly string[], reference: string) => {
    for (const subject of subjects) if (subject !== recipient) held.set(`${recipient}|${subject}`, { recipient, subject, reference });
  };
  const reasonFor = (subject: string) =>
    erased.has(subject) ? 'erased' : withdrawn.has(subject) ? 'withdrawn' : restricted.has(subject) ? 'restricted' : moved.has(subject) ? 'left' : undefined;
  /** Deletion notices sent: each goes out once (its dispatch stream is its own). */
  const sent = new Set<string>();
  /** The notice a recipient may be sent for a copy they hold, unless it went out already. */
  const noticeOf = ({ recipient, subject, reference }: { recipient: string; subject: string; reference: string }) => {
    const reason = reasonFor(subject);
    if (!reason) return undefined;
    const dispatchId = dispatchIdOf(deletionKey(recipient, subject, reason, reference));
    return sent.has(dispatchId) ? undefined : { reason, dispatchId };
  };
  for (const { kind, pick } of steps) {
    recent.push({ head: log.head, listable: MEMBERS.filter(listable) });
    recent.splice(0, recent.length - 3);
    const candidates: readonly string[] = {
      admit: MEMBERS.filter((id) => !admitted.has(id) && !erased.has(id)),
      move: MEMBERS.filter(listable),
      link: linked ? [] : ['the groups'],
      update: MEMBERS.filter((id) => admitted.has(id) && !erased.has(id)),
      withdraw: MEMBERS.filter((id) => admitted.has(id) && !withdrawn.has(id) && !erased.has(id)),
      restrict: MEMBERS.filter((id) => admitted.has(id) && !restricted.has(id) && !erased.has(id)),
      lift: MEMBERS.filter((id) => restricted.has(id) && !erased.has(id)),
      erase: MEMBERS.filter((id) => admitted.has(id) && !erased.has(id)),
      view: MEMBERS.filter(listable),
      build: MEMBERS.some(listable) ? ['the sender'] : [],
      send: MEMBERS.filter((id) => listable(id) && (unsent.get(id)?.length ?? 0) > 0),
      correct: [...held.keys()].filter((key) => listable(held.get(key)!.recipient) && listable(held.get(key)!.subject)),
      notice: [...held.keys()].filter((key) => listable(held.get(key)!.recipient) && noticeOf(held.get(key)!) !== undefined),
    }[kind];
    if (candidates.length === 0) continue;
    const chosen = candidates[pick % candidates.length];
    switch (kind) {
      case 'admit':
        log.admit(chosen, { scope: pick % 2 === 0 ? 'cluster' : 'group', country: chosen === IN_GREENLAND ? 'GL' : 'DK', greenland: ALLOWS_GREENLAND.has(chosen) });
        admitted.add(chosen);
        break;
      case 'link':
        log.add('DiagnosesLinked', { clusterId: 'cluster-1', name: 'C', diagnosisIds: [GROUP, LINKED] }, 'cluster-cluster-1');
        linked = true;
        break;
      case 'move':
        log.add('MemberAdmitted', { memberId: chosen, diagnosisId: LINKED, admittedAt: AT });
        moved.add(chosen);
        break;
      case 'update':
        log.add('ContactDetailsUpdated', { memberId: chosen, country: 'DK', fields: ['phone'], personal: `v1.${chosen.slice(0, 4)}-${log.events.length}` });
        break;
      case 'withdraw':
        log.add('ConsentWithdrawn', { memberId: chosen, withdrawnBy: 'member', withdrawnAt: AT });
        withdrawn.add(chosen);
        break;
      case 'restrict':
        log.add('MemberRestricted', { memberId: chosen, reason: 'v1.x', restrictedAt: AT });
        restricted.add(chosen);
        break;
      case 'lift':
        log.add('RestrictionLifted', { memberId: chosen, liftedAt: AT });
        restricted.delete(chosen);
        break;
      case 'erase':
        log.add('MemberErased', { memberId: chosen, erasedBy: 'member', erasedAt: AT });
        erased.add(chosen);
        break;
      case 'view': {
        const { head, listable: then } = recent[pick % recent.length];
        const subjects = shownTo(chosen, then).filter((other) => other !== chosen);
        if (subjects.length > 0) hold(chosen, subjects, log.view(chosen, subjects, head));
        break;
      }
      case 'build': {
        const subjects = MEMBERS.filter(listable);
        version += 1;
        built.set(version, { builtAt: log.head, subjects });
        log.publish(version, subjects.map((subjectId) => ({ subjectId, greenland: ALLOWS_GREENLAND.has(subjectId) })), subjects, [], log.head);
        for (const recipient of subjects) if (recipient !== PORTAL) unsent.set(recipient, [...(unsent.get(recipient) ?? []), version]);
        break;
      }
      case 'send': {
        // Usually the oldest; now and then a later one first, as a sender resuming after a crash may.
        const waiting = unsent.get(chosen)!;
        const [next] = waiting.splice(pick % 4 === 0 ? Math.floor(pick / 4) % waiting.length : 0, 1);
        const list = built.get(next)!;
        hold(chosen, shownTo(chosen, list.subjects), log.dispatch(next, [{ id: chosen, greenlandOnly: chosen === IN_GREENLAND }], list.builtAt)[chosen]);
        break;
      }
      case 'correct': {
        const { recipient, subject } = held.get(chosen)!;
        const dispatchId = randomUUID();
        const listReference = `SN-C${log.events.length}`;
        if (recipient === PORTAL) {
          const data = { dispatchId, recipientId: recipient, diagnosisId: GROUP, reason: 'entry-corrected', subjectId: subject, correctedAtPosition: log.head.toString(), listReference, idempotencyKey: dispatchId, channel: 'email' };
          log.add('ListNoticeDispatched', data, `dispatch-${dispatchId}`);
          break;
        }
        const entry = { subjectId: subject, fields: ['address', 'phone', 'email'], digest: `d-${subject}`, greenland: false };
        log.add('CorrectionDispatched', { dispatchId, recipientId: recipient, subjectId: subject, entry, builtAtPosition: log.head.toString(), listReference, channel: 'email' }, `dispatch-${dispatchId}`);
        break;
      }
      case 'notice': {
        const { recipient, subject } = held.get(chosen)!;
        const { reason, dispatchId } = noticeOf(held.get(chosen)!)!;
        log.add('DeletionNoticeDispatched', { dispatchId, recipientId: recipient, subjectId: subject, reason, listReference: `SN-N${log.events.length}`, channel: 'email' }, `dispatch-${dispatchId}`);
        sent.add(dispatchId);
        break;
      }
    }
  }
  return log.events;
}

/** `events` cut into batches at the given offsets (taken modulo its length). */
function batchesOf(events: readonly RecordedEvent[], cuts: readonly number[]): RecordedEvent[][] {
  const at = [...new Set(cuts.map((cut) => cut % Math.max(events.length, 1)))].filter((cut) => cut > 0).sort((a, b) => a - b);
  return [0, ...at].map((start, index) => events.slice(start, at[index] ?? events.length)).filter((batch) => batch.length > 0);
}
