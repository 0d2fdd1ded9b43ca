import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  type ContactListDispatched,
  type ContactListVersionPublished,
  type ContactListViewed,
  contactListStream,
  type CorrectionDispatched,
  dispatchStream,
  type ListEntry,
} from '../../contracts/events/contact-list.events';
import { clusterStream } from '../../contracts/events/diagnosis.events';
import { memberStream } from '../../contracts/events/membership.events';
import { InMemoryEventStore } from '../../src/event-store/in-memory/in-memory-event-store';
import { admittedTo, joinedWith, linkedFact, restrictedFact, updatedFact, withdrew } from '../../test/support/membership-facts';
import { appendAt, digestOf, ReferenceSender } from '../../test/support/reference-sender';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { chainHash } from './disclosure-entry';
import { DisclosureLogProjector } from './disclosure-log.projector';
import { ENTRY_COLUMNS, type EntryRow, entryOfRow } from './disclosure-rows';
import { DisclosureVerification, type VerificationReport } from './disclosure-verification';

const GROUP = randomUUID();
const LINKED_GROUP = randomUUID();
const [ANNA, BO, CARL, DORA, EVA, FINN] = Array.from({ length: 6 }, () => randomUUID());

const entry = (subjectId: string, fields: ListEntry['fields'] = ['email'], greenland = false): ListEntry => ({ subjectId, fields, digest: digestOf(subjectId, fields), greenland });

describe('the verification of the disclosure log', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: InMemoryEventStore;
  let sender: ReferenceSender;
  const projector = new DisclosureLogProjector();

  /** Projects the whole log (in batches of 5, as a runner would) and sets the checkpoint to its head. */
  const project = async (): Promise<void> => {
    await dataSource.transaction((tx) => projector.reset(tx));
    const events = await store.readAll({ maxCount: 100_000 });
    for (let index = 0; index < events.length; index += 5) await dataSource.transaction((tx) => projector.apply(events.slice(index, index + 5), tx));
    await dataSource.query(
      `INSERT INTO projection_checkpoints (name, version, position) VALUES ('disclosure-log', 1, $1)
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`,
      [(await store.headPosition()).toString()],
    );
  };
  const verify = (options = {}): Promise<VerificationReport> => new DisclosureVerification(dataSource, store).verify({ batchSize: 4, ...options });
  /** Changes the table as someone with the database owner's rights could: around the append-only trigger. */
  const tamper = async (sql: string, parameters: unknown[] = []): Promise<void> => {
    await dataSource.transaction(async (tx) => {
      await tx.query('ALTER TABLE disclosure_log DISABLE TRIGGER disclosure_log_no_change');
      await tx.query(sql, parameters);
      await tx.query('ALTER TABLE disclosure_log ENABLE TRIGGER disclosure_log_no_change');
    });
  };
  const rows = (): Promise<EntryRow[]> => dataSource.query(`SELECT ${ENTRY_COLUMNS} FROM disclosure_log ORDER BY disclosure_log.seq`);
  const dispatchTo = async (recipientId: string, diagnosisId: string, version: number, builtAtPosition: bigint, greenlandOnly = false): Promise<bigint> => {
    const dispatchId = randomUUID();
    const event: ContactListDispatched = {
      type: 'ContactListDispatched',
      data: {
        dispatchId,
        recipientId,
        diagnosisId,
        listVersion: version,
        builtAtPosition: builtAtPosition.toString(),
        view: { greenlandOnly },
        listReference: `FORGED-${dispatchId.slice(0, 6)}`,
        idempotencyKey: `${recipientId}:${diagnosisId}:${version}`,
        channel: 'email',
      },
    };
    return appendAt(store, dispatchStream(dispatchId), [event]);
  };
  /** A view in self-service, recorded as the viewing records it. */
  const viewBy = (recipientId: string, builtAtPosition: bigint, entries: ListEntry[], diagnosisId = GROUP): Promise<bigint> => {
    const dispatchId = randomUUID();
    const event: ContactListViewed = {
      type: 'ContactListViewed',
      data: { dispatchId, recipientId, diagnosisId, builtAtPosition: builtAtPosition.toString(), entries, listReference: `VIEW-${dispatchId.slice(0, 6)}`, channel: 'portal' },
    };
    return appendAt(store, dispatchStream(dispatchId), [event]);
  };
  const publish = (diagnosisId: string, version: number, builtAtPosition: bigint, entries: ListEntry[]): Promise<bigint> => {
    const event: ContactListVersionPublished = {
      type: 'ContactListVersionPublished',
      data: { diagnosisId, version, builtAtPosition: builtAtPosition.toString(), entries, newcomers: [] },
    };
    return appendAt(store, contactListStream(diagnosisId), [event]);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  /**
   * An honest history: Anna, Bo (email only, allows Greenland) and Carl (Greenland) in GROUP;
   * Dora in LINKED_GROUP with cluster scope; lists sent, Bo rectifies, Anna withdraws, Dora is
   * restricted, with a list run after each.
   */
  beforeEach(async () => {
    store = new InMemoryEventStore();
    sender = new ReferenceSender(store);
    await appendAt(store, memberStream(ANNA), [joinedWith(ANNA, GROUP), admittedTo(ANNA, GROUP)]);
    await appendAt(store, memberStream(BO), [joinedWith(BO, GROUP, { sharedFields: ['email'], allowTransferToGreenland: true }), admittedTo(BO, GROUP)]);
    await appendAt(store, memberStream(CARL), [joinedWith(CARL, GROUP, { country: 'GL' }), admittedTo(CARL, GROUP)]);
    await appendAt(store, memberStream(DORA), [joinedWith(DORA, LINKED_GROUP, { scope: 'cluster', sharedFields: ['phone'] }), admittedTo(DORA, LINKED_GROUP)]);
    await appendAt(store, clusterStream(randomUUID()), [linkedFact(randomUUID(), [GROUP, LINKED_GROUP])]);
    await sender.run(GROUP);
    await sender.run(LINKED_GROUP);
    await appendAt(store, memberStream(BO), [updatedFact(BO, 'DK')]);
    await sender.run(GROUP);
    await appendAt(store, memberStream(ANNA), [withdrew(ANNA)]);
    await sender.run(GROUP);
    await appendAt(store, memberStream(DORA), [restrictedFact(DORA)]);
    await sender.run(GROUP);
  });

  it('passes an honest log: the chain holds, every entry matches its event and was lawful where it was built', async () => {
    await project();
    const report = await verify();
    const dispatches = (await store.readAll({ maxCount: 100_000 })).filter((event) => event.type.endsWith('Dispatched'));
    const head = (await store.headPosition()).toString();
    expect(report).toEqual({ ok: true, entries: dispatches.length, checkedUpToPosition: head, logHeadPosition: head, eventsReplayed: expect.any(Number) });
    expect(report.entries).toBeGreaterThan(10);
    expect(report.eventsReplayed).toBe((await store.readAll({ maxCount: 100_000 })).length);
  });

  it('catches a row changed by hand (a recipient id) as the first broken entry', async () => {
    await project();
    await tamper('UPDATE disclosure_log SET recipient_id = $1 WHERE seq = 3', [EVA]);
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.firstBrokenEntry).toEqual(expect.objectContaining({ seq: '3', check: 'chain', reason: 'hash-mismatch' }));
    // The changed row also fails its event, and, read as it now stands, its lawfulness (Eva is no member).
    expect(report.problems?.map((problem) => [problem.seq, problem.check, problem.reason, problem.rule])).toEqual([
      ['3', 'chain', 'hash-mismatch', undefined],
      ['3', 'event-log', 'differs-from-event-log', undefined],
      ['3', 'lawfulness', 'unlawful', 'recipient-not-admitted'],
    ]);
  });

  it('catches a chain rewritten with fresh hashes: the rows no longer say what the event log says', async () => {
    await project();
    await tamper('UPDATE disclosure_log SET recipient_id = $1 WHERE seq = 2', [EVA]);
    // Recompute every hash from seq 2 on, as a careful forger would.
    let prevHash = (await rows())[0].hash;
    for (const row of (await rows()).slice(1)) {
      const hash = chainHash(prevHash, entryOfRow({ ...row, prev_hash: prevHash }));
      await tamper('UPDATE disclosure_log SET prev_hash = $1, hash = $2 WHERE seq = $3', [prevHash, hash, row.seq]);
      prevHash = hash;
    }
    const report = await verify();
    expect(report.firstBrokenEntry).toEqual(expect.objectContaining({ seq: '2', check: 'event-log', reason: 'differs-from-event-log' }));
    expect(report.problems?.map((problem) => [problem.seq, problem.check])).toEqual([
      ['2', 'event-log'],
      ['2', 'lawfulness'],
    ]);
  });

  it('catches a deleted row: the log would under-report a dispatch', async () => {
    await project();
    await tamper('DELETE FROM disclosure_log WHERE seq = 4');
    const report = await verify();
    expect(report.firstBrokenEntry).toEqual(expect.objectContaining({ seq: '4', check: 'event-log', reason: 'missing-from-disclosure-log' }));
    expect(report.problems?.map((problem) => problem.reason)).toEqual(['missing-from-disclosure-log', 'sequence-gap']);
  });

  it('catches a list version whose stored entries were changed, on every dispatch of it', async () => {
    await project();
    await dataSource.query(`UPDATE disclosure_list_entries SET fields = '{email}' WHERE diagnosis_id = $1 AND version = 1 AND subject_id = $2`, [GROUP, ANNA]);
    const report = await verify();
    const altered = report.problems?.filter((problem) => problem.reason === 'list-version-altered') ?? [];
    expect(altered.length).toBe(3);
    expect(report.firstBrokenEntry).toEqual(expect.objectContaining({ seq: '1', check: 'lawfulness', reason: 'list-version-altered' }));
  });

  it('reports a dispatch that showed a member who had withdrawn before the position it was built from', async () => {
    const builtAt = await sender.catchUp(); // Anna withdrew before this position
    await publish(GROUP, 99, builtAt, [entry(ANNA, ['address']), entry(BO)]);
    const position = await dispatchTo(BO, GROUP, 99, builtAt);
    await project();
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.firstBrokenEntry).toEqual(
      expect.objectContaining({ position: position.toString(), check: 'lawfulness', reason: 'unlawful', rule: 'subject-inactive', subjectId: ANNA, unlawfulSubjects: 1, builtAtPosition: builtAt.toString() }),
    );
    expect(report.problemCount).toBe(1);
  });

  it('judges at the recorded position: a list built before a withdrawal is lawful, the same list recorded as built after it is not', async () => {
    const anna = await store.readStream(memberStream(ANNA));
    const beforeWithdrawal = anna[anna.length - 1].position - 1n;
    await publish(GROUP, 50, beforeWithdrawal, [entry(ANNA), entry(BO)]);
    await dispatchTo(BO, GROUP, 50, beforeWithdrawal);
    await project();
    expect((await verify()).ok).toBe(true);

    await publish(GROUP, 51, beforeWithdrawal + 1n, [entry(ANNA), entry(BO)]);
    const late = await dispatchTo(BO, GROUP, 51, beforeWithdrawal + 1n);
    await project();
    expect((await verify()).firstBrokenEntry).toEqual(expect.objectContaining({ position: late.toString(), rule: 'subject-inactive', subjectId: ANNA }));
  });

  it('reports a list to a recipient who was not yet admitted at its position', async () => {
    await appendAt(store, memberStream(EVA), [joinedWith(EVA, GROUP)]);
    const builtAt = await sender.catchUp();
    await appendAt(store, memberStream(EVA), [admittedTo(EVA, GROUP)]);
    await publish(GROUP, 77, builtAt, [entry(BO)]);
    await dispatchTo(EVA, GROUP, 77, builtAt);
    await project();
    expect((await verify()).firstBrokenEntry).toEqual(expect.objectContaining({ reason: 'unlawful', rule: 'recipient-not-admitted', subjectId: BO }));
  });

  it('reports a list to Greenland that showed a member who did not allow it', async () => {
    await appendAt(store, memberStream(FINN), [joinedWith(FINN, GROUP, { allowTransferToGreenland: false }), admittedTo(FINN, GROUP)]);
    const builtAt = await sender.catchUp();
    await publish(GROUP, 66, builtAt, [entry(FINN), entry(BO, ['email'], true)]);
    await dispatchTo(CARL, GROUP, 66, builtAt, false);
    await project();
    const report = await verify();
    expect(report.firstBrokenEntry).toEqual(expect.objectContaining({ reason: 'unlawful', rule: 'greenland-transfer-not-allowed', subjectId: FINN }));

    // The same version seen through a Greenland view shows only Bo: lawful.
    await dispatchTo(CARL, GROUP, 66, builtAt, true);
    await project();
    expect((await verify()).problemCount).toBe(1);
  });

  it('reports a correction that showed a restricted member, and a field the member does not share', async () => {
    const builtAt = await sender.catchUp(); // Dora is restricted by now
    const correct = async (recipientId: string, subject: ListEntry): Promise<void> => {
      const correction: CorrectionDispatched = {
        type: 'CorrectionDispatched',
        data: { dispatchId: randomUUID(), recipientId, subjectId: subject.subjectId, entry: subject, builtAtPosition: builtAt.toString(), listReference: 'FORGED', channel: 'email' },
      };
      await appendAt(store, dispatchStream(correction.data.dispatchId), [correction]);
    };
    await correct(BO, entry(DORA, ['phone']));
    await correct(BO, entry(CARL, ['address', 'phone', 'email'])); // lawful
    await correct(CARL, entry(BO, ['email', 'phone'], true)); // Bo shares only his email
    await project();
    const report = await verify();
    expect(report.problems?.map((problem) => [problem.rule, problem.subjectId])).toEqual([
      ['subject-inactive', DORA],
      ['field-not-shared', BO],
    ]);
  });

  it('reports a list of one group sent to a member of another', async () => {
    const builtAt = await sender.catchUp();
    await appendAt(store, memberStream(EVA), [joinedWith(EVA, LINKED_GROUP), admittedTo(EVA, LINKED_GROUP)]);
    await publish(GROUP, 88, builtAt, [entry(BO)]);
    await dispatchTo(DORA, GROUP, 88, builtAt); // Dora: restricted, and of the other group
    const evaToOtherGroup = await sender.catchUp();
    await publish(GROUP, 89, evaToOtherGroup, [entry(BO)]);
    await dispatchTo(EVA, GROUP, 89, evaToOtherGroup);
    // Finn, of Eva's group, shares with the cluster: lawful to show Eva, but not as GROUP's list.
    await appendAt(store, memberStream(FINN), [joinedWith(FINN, LINKED_GROUP, { scope: 'cluster' }), admittedTo(FINN, LINKED_GROUP)]);
    const withFinn = await sender.catchUp();
    await publish(GROUP, 90, withFinn, [entry(FINN)]);
    await dispatchTo(EVA, GROUP, 90, withFinn);
    await project();
    const report = await verify();
    expect(report.problems?.map((problem) => problem.rule)).toEqual(['recipient-inactive', 'not-same-group', 'recipient-not-in-group']);
  });

  it('judges a view in self-service by the entries it recorded, at its position: a withdrawn member shown after the withdrawal is caught', async () => {
    const anna = await store.readStream(memberStream(ANNA));
    const beforeWithdrawal = anna[anna.length - 1].position - 1n;
    await viewBy(BO, beforeWithdrawal, [entry(ANNA), entry(CARL, ['address', 'phone', 'email'])]); // lawful then
    const afterWithdrawal = await sender.catchUp();
    await viewBy(CARL, afterWithdrawal, [entry(BO, ['email'], true)]); // lawful: Bo allows Greenland
    const unlawful = await viewBy(BO, afterWithdrawal, [entry(CARL, ['address', 'phone', 'email']), entry(ANNA, ['address'])]);
    await project();
    const report = await verify();
    expect(report.problems).toEqual([
      expect.objectContaining({
        position: unlawful.toString(),
        check: 'lawfulness',
        reason: 'unlawful',
        rule: 'subject-inactive',
        subjectId: ANNA,
        unlawfulSubjects: 1,
        builtAtPosition: afterWithdrawal.toString(),
      }),
    ]);
    const [row] = (await rows()).filter((found) => found.position === unlawful.toString());
    expect([row.kind, row.channel, row.discloses_data]).toEqual(['contact-list-view', 'portal', true]);
  });

  it('catches a view whose stored entries were changed, and a view of another group or by the subject themselves', async () => {
    const builtAt = await sender.catchUp();
    await viewBy(CARL, builtAt, [entry(BO, ['email'], true)]);
    await viewBy(BO, builtAt, [entry(BO, ['email'])]); // one's own entry
    await viewBy(BO, builtAt, [entry(CARL, ['address'])], LINKED_GROUP); // Bo is not of that group
    await project();
    const tampered = (await rows()).filter((row) => row.kind === 'contact-list-view');
    await dataSource.query(`UPDATE disclosure_view_entries SET fields = '{address,email}' WHERE dispatch_id = $1`, [tampered[0].dispatch_id]);
    const report = await verify();
    expect(report.problems?.map((problem) => [problem.seq, problem.reason, problem.rule])).toEqual([
      [tampered[0].seq, 'list-version-altered', undefined],
      [tampered[0].seq, 'unlawful', 'field-not-shared'],
      [tampered[1].seq, 'unlawful', 'own-entry'],
      [tampered[2].seq, 'unlawful', 'recipient-not-in-group'],
    ]);
  });

  it('records a portal notice as disclosing nothing, matched one to one with its event', async () => {
    const dispatchId = randomUUID();
    await appendAt(store, dispatchStream(dispatchId), [
      {
        type: 'ListNoticeDispatched',
        data: { dispatchId, recipientId: BO, diagnosisId: GROUP, reason: 'list-updated', listVersion: 3, listReference: 'NOTICE', idempotencyKey: 'k', channel: 'email' },
      },
    ]);
    await project();
    expect((await verify()).ok).toBe(true);
    const [row] = (await rows()).filter((found) => found.dispatch_id === dispatchId);
    expect([row.kind, row.discloses_data, row.list_version, row.notice_reason]).toEqual(['list-notice', false, 3, 'list-updated']);
    await tamper('UPDATE disclosure_log SET list_version = 4 WHERE seq = $1', [row.seq]);
    expect((await verify()).problems?.map((problem) => [problem.seq, problem.reason])).toEqual([
      [row.seq, 'hash-mismatch'],
      [row.seq, 'differs-from-event-log'],
    ]);
  });

  it('reports a dispatch of a version the log never published', async () => {
    const builtAt = await sender.catchUp();
    await dispatchTo(BO, GROUP, 404, builtAt);
    await project();
    expect((await verify()).firstBrokenEntry).toEqual(expect.objectContaining({ check: 'lawfulness', reason: 'list-version-unknown' }));
  });

  it('keeps the report bounded: the first problems by seq, and the count of all', async () => {
    await project();
    await tamper(`UPDATE disclosure_log SET list_reference = list_reference || '-x'`);
    const report = await verify({ maxProblems: 3 });
    expect(report.problems?.map((problem) => problem.seq)).toEqual(['1', '1', '2']);
    expect(report.problemCount).toBe(2 * report.entries);
  });

  it('is not ok while the disclosure log is stopped at a failing event, however intact what it holds', async () => {
    await project();
    await dataSource.query(`UPDATE projection_checkpoints SET failed_at_position = position + 1 WHERE name = 'disclosure-log'`);
    const report = await verify();
    expect(report).toEqual(expect.objectContaining({ ok: false, projectionFailedAtPosition: (BigInt(report.checkedUpToPosition) + 1n).toString() }));
    expect(report.problems).toBeUndefined();
    await dataSource.query(`UPDATE projection_checkpoints SET failed_at_position = NULL WHERE name = 'disclosure-log'`);
    expect((await verify()).ok).toBe(true);
  });

  it('checks only what the projection has applied (up to its checkpoint)', async () => {
    await project();
    const builtAt = await sender.catchUp();
    await publish(GROUP, 99, builtAt, [entry(ANNA)]);
    await dispatchTo(BO, GROUP, 99, builtAt);
    const report = await verify();
    expect(report.ok).toBe(true);
    expect(BigInt(report.checkedUpToPosition)).toBeLessThan(await store.headPosition());
    expect(report.logHeadPosition).toBe((await store.headPosition()).toString());
  });
});
