import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dispatchStream } from '../../contracts/events/contact-list.events';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import { memberStream } from '../../contracts/events/membership.events';
import { InMemoryEventStore } from '../../src/event-store/in-memory/in-memory-event-store';
import { admittedTo, joinedWith, updatedFact, withdrew } from '../../test/support/membership-facts';
import { appendAt, deliveryFailed, ReferenceSender, type SenderRun } from '../../test/support/reference-sender';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { chainHash, GENESIS_HASH } from './disclosure-entry';
import { DisclosureLogProjector } from './disclosure-log.projector';
import { DisclosureQueries } from './disclosure-log.queries';
import { ENTRY_COLUMNS, type EntryRow, entryOfRow } from './disclosure-rows';

const GROUP = randomUUID();
const [ANNA, BO, CARL, DORA] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];

interface History {
  events: RecordedEvent[];
  runs: SenderRun[];
}

/**
 * Anna, Bo and Carl (in Greenland) are admitted; Dora only joined. Run 1 lists Anna and Bo (Carl
 * sees only Bo, who allows Greenland). Bo rectifies: run 2 sends corrections, then list v2.
 * Anna withdraws: run 3 sends deletion notices, then v3, whose dispatches are not delivered:
 * one fails for good after a retry.
 */
async function history(): Promise<History> {
  const store = new InMemoryEventStore();
  const sender = new ReferenceSender(store);
  await appendAt(store, memberStream(ANNA), [joinedWith(ANNA, GROUP), admittedTo(ANNA, GROUP)]);
  await appendAt(store, memberStream(BO), [joinedWith(BO, GROUP, { sharedFields: ['email'], allowTransferToGreenland: true }), admittedTo(BO, GROUP)]);
  await appendAt(store, memberStream(CARL), [joinedWith(CARL, GROUP, { country: 'GL' }), admittedTo(CARL, GROUP)]);
  await appendAt(store, memberStream(DORA), [joinedWith(DORA, GROUP)]);
  const runs = [await sender.run(GROUP)];
  await appendAt(store, memberStream(BO), [updatedFact(BO, 'DK')]);
  runs.push(await sender.run(GROUP));
  await appendAt(store, memberStream(ANNA), [withdrew(ANNA)]);
  runs.push(await sender.run(GROUP, { deliver: false }));
  const failing = runs[2].dispatches.find((dispatch) => dispatch.kind === 'ContactListDispatched')?.dispatchId as string;
  await appendAt(store, dispatchStream(failing), [deliveryFailed(failing, 1, false)]);
  await appendAt(store, dispatchStream(failing), [deliveryFailed(failing, 2, true)]);
  return { events: await store.readAll({ maxCount: 100_000 }), runs };
}

describe('the disclosure-log projection', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let recorded: History;
  const projector = new DisclosureLogProjector();

  const apply = (events: readonly RecordedEvent[]) => dataSource.transaction((tx) => projector.apply(events, tx));
  const rows = (): Promise<EntryRow[]> => dataSource.query(`SELECT ${ENTRY_COLUMNS} FROM disclosure_log ORDER BY disclosure_log.seq`);
  const tables = async (): Promise<unknown[]> => [
    await rows(),
    await dataSource.query('SELECT * FROM disclosure_list_versions ORDER BY diagnosis_id, version'),
    await dataSource.query('SELECT * FROM disclosure_list_entries ORDER BY diagnosis_id, version, ordinal'),
    await dataSource.query('SELECT * FROM disclosure_deliveries ORDER BY position'),
    await dataSource.query('SELECT * FROM disclosure_view_entries ORDER BY dispatch_id, ordinal'),
  ];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
    recorded = await history();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });
  beforeEach(() => dataSource.transaction((tx) => projector.reset(tx)));

  it('appends one chained row per dispatch, in log order, deletion notices marked as disclosing no data', async () => {
    await apply(recorded.events);
    const log = await rows();
    const dispatches = recorded.runs.flatMap((run) => run.dispatches);
    expect(log.map((row) => [row.seq, row.position, row.kind, row.discloses_data, row.recipient_id])).toEqual(
      dispatches.map((dispatch, index) => [
        String(index + 1),
        dispatch.position.toString(),
        { ContactListDispatched: 'contact-list', CorrectionDispatched: 'correction', DeletionNoticeDispatched: 'deletion-notice' }[dispatch.kind],
        dispatch.kind !== 'DeletionNoticeDispatched',
        dispatch.recipientId,
      ]),
    );
    // Run 1: v1 to Anna, Bo and Carl. Run 2: Bo's corrected entry to Anna and Carl, then v2 to all three.
    // Run 3: a deletion notice about Anna to Bo (Carl, in Greenland, never saw her), then v3 to Bo and Carl.
    const [list, correction, notice] = ['contact-list', 'correction', 'deletion-notice'];
    expect(log.map((row) => row.kind)).toEqual([list, list, list, correction, correction, list, list, list, notice, list, list]);
    let prevHash = GENESIS_HASH;
    for (const row of log) {
      expect(row.prev_hash).toBe(prevHash);
      expect(row.hash).toBe(chainHash(row.prev_hash, entryOfRow(row)));
      prevHash = row.hash;
    }
  });

  it('records what each message was: the version and view of a list, the entry of a correction, the reason of a notice', async () => {
    await apply(recorded.events);
    const log = await rows();
    const carlsFirst = log.find((row) => row.kind === 'contact-list' && row.recipient_id === CARL) as EntryRow;
    expect(carlsFirst).toEqual(
      expect.objectContaining({
        diagnosis_id: GROUP,
        list_version: 1,
        built_at_position: recorded.runs[0].builtAtPosition.toString(),
        greenland_only: true,
        version_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        subject_id: null,
        channel: 'email',
        idempotency_key: `${CARL}:${GROUP}:1`,
      }),
    );
    const correction = log.find((row) => row.kind === 'correction') as EntryRow;
    expect(correction).toEqual(
      expect.objectContaining({ subject_id: BO, subject_fields: ['email'], subject_greenland: true, built_at_position: recorded.runs[1].builtAtPosition.toString(), list_version: null }),
    );
    const notice = log.find((row) => row.kind === 'deletion-notice') as EntryRow;
    expect(notice).toEqual(expect.objectContaining({ subject_id: ANNA, recipient_id: BO, notice_reason: 'withdrawn', discloses_data: false, built_at_position: null }));
  });

  it('stores each list version once, whatever the number of recipients', async () => {
    await apply(recorded.events);
    const versions: Array<{ version: number; entry_count: number; built_at_position: string }> = await dataSource.query(
      'SELECT version, entry_count, built_at_position::text FROM disclosure_list_versions WHERE diagnosis_id = $1 ORDER BY version',
      [GROUP],
    );
    expect(versions).toEqual([
      { version: 1, entry_count: 3, built_at_position: recorded.runs[0].builtAtPosition.toString() },
      { version: 2, entry_count: 3, built_at_position: recorded.runs[1].builtAtPosition.toString() },
      { version: 3, entry_count: 2, built_at_position: recorded.runs[2].builtAtPosition.toString() },
    ]);
    const [{ count }] = await dataSource.query('SELECT count(*)::int AS count FROM disclosure_list_entries');
    expect(count).toBe(3 + 3 + 2);
    const entries = await dataSource.query('SELECT subject_id, fields, greenland FROM disclosure_list_entries WHERE version = 1 ORDER BY ordinal');
    expect(entries).toEqual([
      { subject_id: ANNA, fields: ['address', 'phone', 'email'], greenland: false },
      { subject_id: BO, fields: ['email'], greenland: true },
      { subject_id: CARL, fields: ['address', 'phone', 'email'], greenland: false },
    ]);
  });

  it('keeps deliveries apart from the chain', async () => {
    await apply(recorded.events);
    const deliveries: Array<{ outcome: string; attempt: number; final: boolean }> = await dataSource.query(
      'SELECT outcome, attempt, final FROM disclosure_deliveries ORDER BY position',
    );
    expect(deliveries.filter((delivery) => delivery.outcome === 'delivered')).toHaveLength(8);
    expect(deliveries.filter((delivery) => delivery.outcome === 'failed')).toEqual([
      { outcome: 'failed', attempt: 1, final: false },
      { outcome: 'failed', attempt: 2, final: true },
    ]);
  });

  it('is idempotent: the same events applied twice, or again one by one, change nothing', async () => {
    await apply(recorded.events);
    const once = await tables();
    await apply(recorded.events);
    expect(await tables()).toEqual(once);
    for (const event of recorded.events) await apply([event]);
    expect(await tables()).toEqual(once);
  });

  it('gives the same chain applied event by event as in one batch', async () => {
    await apply(recorded.events);
    const batch = await tables();
    await dataSource.transaction((tx) => projector.reset(tx));
    for (let index = 0; index < recorded.events.length; index += 3) await apply(recorded.events.slice(index, index + 3));
    expect(await tables()).toEqual(batch);
  });

  it('refuses to update or delete a chained row; only a rebuild (reset) empties the table', async () => {
    await apply(recorded.events);
    await expect(dataSource.query('UPDATE disclosure_log SET recipient_id = $1 WHERE seq = 1', [DORA])).rejects.toThrow(/append-only/);
    await expect(dataSource.query('DELETE FROM disclosure_log WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(dataSource.query('TRUNCATE disclosure_log')).rejects.toThrow(/append-only/);
    await dataSource.transaction((tx) => projector.reset(tx));
    expect(await rows()).toEqual([]);
    // The permission ended with the reset's transaction.
    await apply(recorded.events);
    await expect(dataSource.query('DELETE FROM disclosure_log')).rejects.toThrow(/append-only/);
  });

  it('ignores events it does not need', async () => {
    await apply(recorded.events.filter((event) => event.type.startsWith('Member')));
    expect(await tables()).toEqual([[], [], [], [], []]);
  });

  it('records a view in self-service with the entries it showed, found by subject and in a breach scope; a portal notice discloses nothing', async () => {
    const store = new InMemoryEventStore();
    const sender = new ReferenceSender(store);
    const portal = { type: 'ListDeliveryChosen', data: { memberId: ANNA, delivery: 'portal', chosenAt: '2026-12-01T09:00:00.000Z' } };
    await appendAt(store, memberStream(ANNA), [joinedWith(ANNA, GROUP), admittedTo(ANNA, GROUP), portal]);
    await appendAt(store, memberStream(BO), [joinedWith(BO, GROUP, { sharedFields: ['email'] }), admittedTo(BO, GROUP)]);
    await sender.run(GROUP); // Anna: a notice; Bo: the list
    const view = await sender.view(ANNA);
    const events = await store.readAll({ maxCount: 1000 });
    await apply(events);
    await apply(events);

    expect((await rows()).map((row) => [row.kind, row.recipient_id, row.discloses_data, row.channel])).toEqual([
      ['list-notice', ANNA, false, 'email'],
      ['contact-list', BO, true, 'email'],
      ['contact-list-view', ANNA, true, 'portal'],
    ]);
    expect(await dataSource.query('SELECT dispatch_id, ordinal, subject_id, fields FROM disclosure_view_entries')).toEqual([
      { dispatch_id: view?.dispatchId, ordinal: 0, subject_id: BO, fields: ['email'] },
    ]);
    const queries = new DisclosureQueries(dataSource);
    const aboutBo = await queries.entries({ subjectId: BO }, { limit: 10 });
    expect(aboutBo.entries.map((entry) => [entry.kind, entry.recipientId, entry.subject, entry.delivery.status])).toEqual([
      ['contact-list-view', ANNA, { subjectId: BO, fields: ['email'] }, 'shown'],
    ]);
    expect(await queries.breachScope({ listReference: view?.listReference as string })).toEqual({
      messages: 1,
      recipients: [ANNA],
      subjects: [{ subjectId: BO, fields: ['email'], recipients: [ANNA] }],
    });
  });
});
