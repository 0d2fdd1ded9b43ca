import { DataSource } from 'typeorm';
import type { MemberEvent } from '../../contracts/events/membership.events';
import { memberJoined, recorded } from '../../test/support/recorded-events';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { ConsentHandOversProjector } from './consent-hand-overs.projector';
import { ConsentHandOvers } from './consent-hand-overs.queries';

const DIAGNOSIS = 'd1000000-0000-4000-8000-000000000001';
const [asked, self, withdrew, confirmed, lapsed, waiting] = ['a', 'b', 'c', 'd', 'e', 'f'].map((letter) => `${letter.repeat(8)}-0000-4000-8000-000000000000`);
const REQUESTED_AT = '2028-01-01T03:00:00.000Z';
const LAPSES_AT = '2028-03-01T03:00:00.000Z';

const byRelative = (memberId: string): MemberEvent => {
  const joined = memberJoined(memberId, DIAGNOSIS, { role: 'relative' });
  return { ...joined, data: { ...joined.data, consent: { ...joined.data.consent, givenBy: 'relative' } } };
};
const requested = (memberId: string): MemberEvent => ({
  type: 'ConsentHandOverRequested',
  data: { memberId, consentAge: 15, tokenHash: 'hash', requestedAt: REQUESTED_AT, lapsesAt: LAPSES_AT, sealed: 'v1.sealed' },
});
const history: MemberEvent[] = [
  byRelative(asked),
  memberJoined(self, DIAGNOSIS),
  byRelative(withdrew),
  byRelative(confirmed),
  byRelative(lapsed),
  byRelative(waiting),
  requested(asked),
  { type: 'ConsentWithdrawn', data: { memberId: withdrew, withdrawnBy: 'member', withdrawnAt: REQUESTED_AT } },
  requested(confirmed),
  { type: 'ConsentHandOverConfirmed', data: { memberId: confirmed, textVersion: '1', language: 'da', channel: 'web', attestedByStaff: false, confirmedAt: REQUESTED_AT } },
  requested(lapsed),
  { type: 'ConsentLapsed', data: { memberId: lapsed, lapsedAt: LAPSES_AT } },
  // A withdrawal after the confirmation leaves the settled hand-over as it was.
  { type: 'ConsentWithdrawn', data: { memberId: confirmed, withdrawnBy: 'member', withdrawnAt: LAPSES_AT } },
];

describe('the consent-hand-overs read model', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let handOvers: ConsentHandOvers;
  const projector = new ConsentHandOversProjector();
  const events = recorded(history);
  const apply = (batch: typeof events) => dataSource.transaction((tx) => projector.apply(batch, tx));
  const table = () => dataSource.query('SELECT member_id::text, stage, requested_at, lapses_at, position::int FROM consent_hand_overs ORDER BY member_id');

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
    handOvers = new ConsentHandOvers(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });
  beforeEach(() => dataSource.transaction((tx) => projector.reset(tx)));

  it('keeps, for each consent a relative gave, where its hand-over stands: ids and dates only', async () => {
    await apply(events);
    expect(await table()).toEqual([
      { member_id: asked, stage: 'requested', requested_at: new Date(REQUESTED_AT), lapses_at: new Date(LAPSES_AT), position: 7 },
      { member_id: withdrew, stage: 'ended', requested_at: null, lapses_at: null, position: 8 },
      { member_id: confirmed, stage: 'confirmed', requested_at: new Date(REQUESTED_AT), lapses_at: new Date(LAPSES_AT), position: 10 },
      { member_id: lapsed, stage: 'lapsed', requested_at: new Date(REQUESTED_AT), lapses_at: new Date(LAPSES_AT), position: 12 },
      { member_id: waiting, stage: 'awaiting-age', requested_at: null, lapses_at: null, position: 6 },
    ]);
  });

  it('tells the daily check whom to look at, and the secretariat which hand-overs wait', async () => {
    await apply(events);
    expect(await handOvers.due(new Date('2028-02-01T03:00:00.000Z'))).toEqual([waiting]);
    expect(await handOvers.due(new Date(LAPSES_AT))).toEqual([asked, waiting]);
    expect(await handOvers.open()).toEqual([{ memberId: asked, requestedAt: REQUESTED_AT, lapsesAt: LAPSES_AT }]);
  });

  it('is idempotent: the same events again, or in other batches, change nothing', async () => {
    await apply(events);
    const once = await table();
    await apply(events);
    expect(await table()).toEqual(once);
    await dataSource.transaction((tx) => projector.reset(tx));
    for (const event of events) await apply([event]);
    expect(await table()).toEqual(once);
  });
});
