import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DomainEvent } from '../../contracts/events/domain-event';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import { memberStream } from '../../contracts/events/membership.events';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store';
import { admitted, joined, stored, verified, withdrawn } from '../../test/support/applicant-events';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { RetentionCandidatesProjector } from './retention-candidates.projector';
import { RetentionCandidates } from './retention-candidates.queries';

describe('the retention candidates', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let candidates: RetentionCandidates;
  const projector = new RetentionCandidatesProjector();

  const GROUP = randomUUID();
  const [unverified, member, leaver, referred, erased] = Array.from({ length: 5 }, () => randomUUID());
  const at = (day: string) => ({ occurredAt: `2026-${day}T12:00:00.000Z` });
  const history: Array<[string, DomainEvent[], { occurredAt: string }]> = [
    [memberStream(unverified), [joined(unverified, GROUP)], at('01-01')],
    [memberStream(member), [joined(member, GROUP)], at('01-02')],
    [memberStream(member), [verified(member), admitted(member, GROUP)], at('01-03')],
    [memberStream(leaver), [joined(leaver, GROUP), verified(leaver), admitted(leaver, GROUP)], at('01-04')],
    [memberStream(referred), [joined(referred, GROUP), verified(referred), { type: 'MemberReferred', data: { memberId: referred, diagnosisId: GROUP } }], at('01-05')],
    [memberStream(leaver), [withdrawn(leaver)], at('02-01')],
    [memberStream(erased), [joined(erased, GROUP)], at('01-06')],
    [memberStream(erased), [{ type: 'MemberErased', data: { memberId: erased, erasedBy: 'retention', erasedAt: '2026-02-06T12:00:00.000Z' } }], at('02-06')],
  ];

  const applyInOneTransaction = (events: readonly RecordedEvent[]) => dataSource.transaction((tx) => projector.apply(events, tx));
  const table = () => dataSource.query('SELECT member_id::text, stage, since, position FROM retention_candidates ORDER BY member_id');

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
    store = new PostgresEventStore(database.pool);
    candidates = new RetentionCandidates(dataSource);
    for (const [stream, events, metadata] of history) await store.append(stream, stored(events, metadata), 'any');
  });
  afterAll(async () => {
    await store.close();
    await dataSource.destroy();
    await database.drop();
  });
  beforeEach(() => dataSource.transaction((tx) => projector.reset(tx)));

  it('keeps each member’s stage and since when, from the events’ times', async () => {
    await applyInOneTransaction(await store.readAll());
    const rows: Array<{ member_id: string; stage: string; since: Date }> = await table();
    const stages = Object.fromEntries(rows.map((row) => [row.member_id, [row.stage, row.since.toISOString()]]));
    expect(stages).toEqual({
      [unverified]: ['unverified', '2026-01-01T12:00:00.000Z'],
      [member]: ['active', '2026-01-03T12:00:00.000Z'],
      [leaver]: ['withdrawn', '2026-02-01T12:00:00.000Z'],
      [referred]: ['referred', '2026-01-05T12:00:00.000Z'],
      [erased]: ['erased', '2026-02-06T12:00:00.000Z'],
    });
  });

  it('finds the members who reached a stage before a cutoff', async () => {
    await applyInOneTransaction(await store.readAll());
    expect(await candidates.reachedBefore('unverified', new Date('2026-01-01T12:00:00.000Z'))).toEqual([]);
    expect(await candidates.reachedBefore('unverified', new Date('2026-01-01T12:00:00.001Z'))).toEqual([unverified]);
    expect(await candidates.reachedBefore('withdrawn', new Date('2026-03-01T00:00:00.000Z'))).toEqual([leaver]);
    expect(await candidates.reachedBefore('referred', new Date('2026-01-04T00:00:00.000Z'))).toEqual([]);
  });

  it('changes nothing when the same events are applied twice, and ends the same in one batch or one by one', async () => {
    const events = await store.readAll();
    await applyInOneTransaction(events);
    const once = await table();
    await applyInOneTransaction(events);
    expect(await table()).toEqual(once);
    await dataSource.transaction((tx) => projector.reset(tx));
    for (const event of events) await applyInOneTransaction([event]);
    expect(await table()).toEqual(once);
    for (const event of events) await applyInOneTransaction([event]);
    expect(await table()).toEqual(once);
  });
});
