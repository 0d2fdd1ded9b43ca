import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DomainEvent } from '../../contracts/events/domain-event';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import { rightsRequestStream } from '../../contracts/events/rights-request.events';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store';
import { stored } from '../../test/support/applicant-events';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { RightsRequestsProjector } from './rights-requests.projector';
import { RightsRequests } from './rights-requests.queries';

describe('the rights-request register', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let register: RightsRequests;
  const projector = new RightsRequestsProjector();

  const MEMBER = randomUUID();
  const [due, extended, answered, overdue] = Array.from({ length: 4 }, () => randomUUID());
  const recorded = (requestId: string, receivedAt: string, dueBy: string, memberId?: string): DomainEvent => ({
    type: 'RightsRequestRecorded',
    data: { requestId, ...(memberId ? { memberId } : {}), right: 'access', channel: 'email', receivedAt, dueBy },
  });
  const history: Array<[string, DomainEvent[]]> = [
    [rightsRequestStream(due), [recorded(due, '2026-01-31', '2026-02-28', MEMBER)]],
    [
      rightsRequestStream(extended),
      [recorded(extended, '2026-01-31', '2026-02-28'), { type: 'RightsRequestExtended', data: { requestId: extended, reason: 'complex', dueBy: '2026-04-30', extendedAt: '2026-02-10T09:00:00.000Z' } }],
    ],
    [
      rightsRequestStream(answered),
      [recorded(answered, '2026-01-05', '2026-02-05'), { type: 'RightsRequestCompleted', data: { requestId: answered, outcome: 'fulfilled', completedAt: '2026-01-20T09:00:00.000Z' } }],
    ],
    [rightsRequestStream(overdue), [recorded(overdue, '2026-01-10', '2026-02-10')]],
  ];

  const applyInOneTransaction = (events: readonly RecordedEvent[]) => dataSource.transaction((tx) => projector.apply(events, tx));
  const table = () => dataSource.query('SELECT * FROM rights_requests ORDER BY request_id');

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
    store = new PostgresEventStore(database.pool);
    register = new RightsRequests(dataSource);
    for (const [stream, events] of history) await store.append(stream, stored(events), 'no_stream');
  });
  afterAll(async () => {
    await store.close();
    await dataSource.destroy();
    await database.drop();
  });
  beforeEach(() => dataSource.transaction((tx) => projector.reset(tx)));

  it('lists every request with its deadline, the days left and whether it is overdue on the day asked', async () => {
    await applyInOneTransaction(await store.readAll());
    expect(await register.list(undefined, '2026-02-20')).toEqual([
      {
        requestId: answered,
        memberId: null,
        right: 'access',
        channel: 'email',
        receivedAt: '2026-01-05',
        dueBy: '2026-02-05',
        extensionReason: null,
        status: 'completed',
        outcome: 'fulfilled',
        completedAt: '2026-01-20T09:00:00.000Z',
        daysLeft: null,
        overdue: false,
      },
      expect.objectContaining({ requestId: overdue, status: 'open', dueBy: '2026-02-10', daysLeft: -10, overdue: true }),
      {
        requestId: due,
        memberId: MEMBER,
        right: 'access',
        channel: 'email',
        receivedAt: '2026-01-31',
        dueBy: '2026-02-28',
        extensionReason: null,
        status: 'open',
        outcome: null,
        completedAt: null,
        daysLeft: 8,
        overdue: false,
      },
      expect.objectContaining({ requestId: extended, dueBy: '2026-04-30', extensionReason: 'complex', daysLeft: 69, overdue: false }),
    ]);
  });

  it('filters by status: open (overdue included), overdue, completed', async () => {
    await applyInOneTransaction(await store.readAll());
    const ids = async (status: 'open' | 'overdue' | 'completed', today: string) => (await register.list(status, today)).map((request) => request.requestId);
    expect(await ids('open', '2026-02-20')).toEqual([overdue, due, extended]);
    expect(await ids('overdue', '2026-02-20')).toEqual([overdue]);
    // On its due date a request is not yet overdue; the day after it is.
    expect(await ids('overdue', '2026-02-28')).toEqual([overdue]);
    expect(await ids('overdue', '2026-03-01')).toEqual([overdue, due]);
    expect(await ids('completed', '2026-02-20')).toEqual([answered]);
  });

  it('changes nothing when the same events are applied twice, in one batch or one by one', async () => {
    const events = await store.readAll();
    await applyInOneTransaction(events);
    const once = await table();
    expect(once).toHaveLength(4);
    await applyInOneTransaction(events);
    expect(await table()).toEqual(once);
    await dataSource.transaction((tx) => projector.reset(tx));
    for (const event of events) await applyInOneTransaction([event]);
    for (const event of events) await applyInOneTransaction([event]);
    expect(await table()).toEqual(once);
  });
});
