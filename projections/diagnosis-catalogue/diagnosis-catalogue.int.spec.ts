import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { clusterStream, diagnosisStream } from '../../contracts/events/diagnosis.events';
import type { DomainEvent } from '../../contracts/events/domain-event';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import { memberStream } from '../../contracts/events/membership.events';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store';
import { admitted, assessed, proposed, registered, restricted, stored, waitingApplicant, withdrawn } from '../../test/support/applicant-events';
import { erasedFact } from '../../test/support/membership-facts';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { DiagnosisCatalogueEntry, DiagnosisCatalogueMember } from './diagnosis-catalogue.entity';
import { DiagnosisCatalogueProjector } from './diagnosis-catalogue.projector';
import { DiagnosisCatalogue } from './diagnosis-catalogue.queries';

const id = (prefix: string): string => `${prefix}${randomUUID().slice(prefix.length)}`;

describe('the diagnosis catalogue', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let catalogue: DiagnosisCatalogue;
  const projector = new DiagnosisCatalogueProjector();

  const MARFAN = id('a');
  const ALSTROM = id('b');
  const NOT_RARE = id('c');
  const CLUSTER = id('e');
  const [m1, m2, m3, m4, m5, m6, m7] = Array.from({ length: 7 }, () => id('f'));

  /** The history: a registered group with members, two proposals (one assessed), a cluster. */
  const history: Array<[string, DomainEvent[]]> = [
    [diagnosisStream(MARFAN), [registered(MARFAN, 'Marfan  syndrom', { orphaCode: 'ORPHA:558', icd10: 'Q87.4', description: 'Bindevævssygdom.' })]],
    [diagnosisStream(ALSTROM), [proposed(ALSTROM, 'Alström syndrom', { orphaCode: '64' })]],
    [diagnosisStream(NOT_RARE), [proposed(NOT_RARE, 'Astma')]],
    [memberStream(m1), [...waitingApplicant(m1, ALSTROM)]],
    [memberStream(m2), [...waitingApplicant(m2, ALSTROM)]],
    [memberStream(m3), [...waitingApplicant(m3, ALSTROM), withdrawn(m3)]],
    [memberStream(m4), [admitted(m4, MARFAN)]],
    [memberStream(m5), [admitted(m5, MARFAN), withdrawn(m5)]],
    [memberStream(m6), [admitted(m6, MARFAN), restricted(m6)]],
    [memberStream(m7), [...waitingApplicant(m7, NOT_RARE)]],
    [diagnosisStream(NOT_RARE), [assessed(NOT_RARE, 'not-rare')]],
    [memberStream(m7), [{ type: 'MemberDeclined', data: { memberId: m7, diagnosisId: NOT_RARE, reason: 'not-rare' } }]],
    [clusterStream(CLUSTER), [{ type: 'DiagnosesLinked', data: { clusterId: CLUSTER, name: 'Bindevæv', diagnosisIds: [MARFAN] } }]],
  ];

  const applyInOneTransaction = (events: readonly RecordedEvent[]) => dataSource.transaction((tx) => projector.apply(events, tx));
  const tables = async () => ({
    diagnoses: await dataSource.query('SELECT * FROM diagnosis_catalogue ORDER BY diagnosis_id'),
    members: await dataSource.query('SELECT * FROM diagnosis_catalogue_members ORDER BY member_id'),
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString, entities: [DiagnosisCatalogueEntry, DiagnosisCatalogueMember] }).initialize();
    store = new PostgresEventStore(database.pool);
    catalogue = new DiagnosisCatalogue(dataSource.getRepository(DiagnosisCatalogueEntry), dataSource);
    for (const [stream, events] of history) await store.append(stream, stored(events), 'any');
  });
  afterAll(async () => {
    await store.close();
    await dataSource.destroy();
    await database.drop();
  });
  beforeEach(() => dataSource.transaction((tx) => projector.reset(tx)));

  it('lists open groups publicly without sizes, and every group with its size for the secretariat', async () => {
    await applyInOneTransaction(await store.readAll());
    expect(await catalogue.openDiagnoses()).toEqual([
      { diagnosisId: MARFAN, name: 'Marfan  syndrom', orphaCode: 'ORPHA:558', icd10: 'Q87.4', description: 'Bindevævssygdom.' },
    ]);
    expect(await catalogue.groups()).toEqual([
      { diagnosisId: ALSTROM, name: 'Alström syndrom', orphaCode: '64', status: 'pending', clusterIds: [], memberCount: 0 },
      { diagnosisId: NOT_RARE, name: 'Astma', status: 'not-rare', clusterIds: [], memberCount: 0 },
      // m4 and the restricted m6 count; m5 withdrew.
      {
        diagnosisId: MARFAN,
        name: 'Marfan  syndrom',
        orphaCode: 'ORPHA:558',
        icd10: 'Q87.4',
        description: 'Bindevævssygdom.',
        status: 'open',
        clusterIds: [CLUSTER],
        memberCount: 2,
      },
    ]);
  });

  it('lists proposed diagnoses with the applicants still waiting for them', async () => {
    await applyInOneTransaction(await store.readAll());
    expect(await catalogue.pendingAssessments()).toEqual([
      { diagnosisId: ALSTROM, name: 'Alström syndrom', orphaCode: '64', proposedAt: '2026-11-29T12:00:00.000Z', waitingCount: 2, waitingMemberIds: [m1, m2] },
    ]);
  });

  it('changes nothing when the same events are applied twice', async () => {
    const events = await store.readAll();
    await applyInOneTransaction(events);
    const once = await tables();
    await applyInOneTransaction(events);
    expect(await tables()).toEqual(once);
  });

  it('ends the same whether the events come in one batch or one by one', async () => {
    const events = await store.readAll();
    await applyInOneTransaction(events);
    const batched = await tables();
    await dataSource.transaction((tx) => projector.reset(tx));
    for (const event of events) await applyInOneTransaction([event]);
    expect(await tables()).toEqual(batched);
    for (const event of events) await applyInOneTransaction([event]);
    expect(await tables()).toEqual(batched);
  });

  it('opens an assessed group and counts its admitted applicants', async () => {
    await applyInOneTransaction(await store.readAll());
    const head = await store.headPosition();
    await store.append(diagnosisStream(ALSTROM), stored([assessed(ALSTROM, 'rare')]), 'any');
    await store.append(memberStream(m1), stored([admitted(m1, ALSTROM)]), 'any');
    await store.append(memberStream(m2), stored([admitted(m2, ALSTROM), withdrawn(m2)]), 'any');
    await store.append(memberStream(m4), stored([withdrawn(m4)]), 'any');
    const later = await store.readAll({ after: head });
    await applyInOneTransaction(later);
    await applyInOneTransaction(later);
    const groups = await catalogue.groups();
    expect(groups.map((group) => [group.name, group.status, group.memberCount])).toEqual([
      ['Alström syndrom', 'open', 1],
      ['Astma', 'not-rare', 0],
      ['Marfan  syndrom', 'open', 1],
    ]);
    expect(await catalogue.pendingAssessments()).toEqual([]);
    expect((await catalogue.openDiagnoses()).map((diagnosis) => diagnosis.diagnosisId)).toEqual([ALSTROM, MARFAN]);
  });

  it('finds a diagnosis in any status by ORPHAcode number or by name, ignoring case and spacing', async () => {
    await applyInOneTransaction(await store.readAll());
    expect(await catalogue.findByCodes({ name: 'something else', orphaCode: '558' })).toBe(MARFAN);
    expect(await catalogue.findByCodes({ name: 'something else', orphaCode: 'ORPHA:64' })).toBe(ALSTROM);
    expect(await catalogue.findByCodes({ name: '  marfan SYNDROM ' })).toBe(MARFAN);
    expect(await catalogue.findByCodes({ name: 'ASTMA' })).toBe(NOT_RARE);
    expect(await catalogue.findByCodes({ name: 'Astma', orphaCode: '64' })).toBe(ALSTROM);
    expect(await catalogue.findByCodes({ name: 'Ukendt', orphaCode: '999999' })).toBeUndefined();
  });

  it('takes an erased member out of their group and its size, and the same events again change nothing', async () => {
    await applyInOneTransaction(await store.readAll());
    const marfanSize = async () => (await catalogue.groups()).find((group) => group.diagnosisId === MARFAN)?.memberCount;
    const before = (await marfanSize()) ?? 0;
    const head = await store.headPosition();
    await store.append(memberStream(m6), stored([erasedFact(m6)]), 'any');
    const later = await store.readAll({ after: head });
    await applyInOneTransaction(later);
    await applyInOneTransaction(later);
    expect(await marfanSize()).toBe(before - 1);
    const { members } = await tables();
    expect(members.find((row: { member_id: string }) => row.member_id === m6)).toEqual(expect.objectContaining({ diagnosis_id: MARFAN, status: 'withdrawn' }));
  });

  it('keeps no row for a withdrawal of a member it never saw wait or be admitted', async () => {
    const stray = id('f');
    await store.append(memberStream(stray), stored([withdrawn(stray)]), 'any');
    await applyInOneTransaction(await store.readAll());
    const { members } = await tables();
    expect(members.map((row: { member_id: string }) => row.member_id)).not.toContain(stray);
  });

  it('marks an open group that became an association, once: its members stay counted, it leaves the public list', async () => {
    await applyInOneTransaction(await store.readAll());
    const marfan = async () => (await catalogue.groups()).find((group) => group.diagnosisId === MARFAN);
    const before = await marfan();
    const head = await store.headPosition();
    const association = { name: 'Marfan Foreningen', url: 'https://marfan.example.dk' };
    await store.append(diagnosisStream(MARFAN), stored([{ type: 'GroupBecameAssociation', data: { diagnosisId: MARFAN, association, recordedAt: '2026-11-29T12:00:00.000Z' } }]), 'any');
    const later = await store.readAll({ after: head });
    await applyInOneTransaction(later);
    await applyInOneTransaction(later);
    expect(await marfan()).toEqual({ ...before, status: 'has-association', association });
    expect((await catalogue.openDiagnoses()).map((diagnosis) => diagnosis.diagnosisId)).not.toContain(MARFAN);
  });
});
