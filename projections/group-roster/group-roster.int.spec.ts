import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import { memberJoined, recorded } from '../../test/support/recorded-events';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { GroupRosterProjector } from './group-roster.projector';

const GROUP = 'd1000000-0000-4000-8000-00000000000a';
const OTHER_GROUP = 'd1000000-0000-4000-8000-00000000000b';
const [ANNA, BO, CARL, DORA] = ['a', 'b', 'c', 'd'].map((letter) => `${letter.repeat(8)}-0000-4000-8000-000000000001`);
const AT = '2026-11-02T10:00:00.000Z';

/** Anna: admitted, rectified, restricted. Bo: joined only. Carl: admitted, then withdrew. Dora: admitted elsewhere, restricted and lifted. */
const history = (): RecordedEvent[] =>
  recorded([
    memberJoined(ANNA, GROUP, { consent: { ...memberJoined(ANNA, GROUP).data.consent, sharedFields: ['email'], scope: 'cluster', allowTransferToGreenland: true } }),
    { type: 'EmailVerified', data: { memberId: ANNA, purpose: 'sign-up', verifiedAt: AT } },
    { type: 'MemberAdmitted', data: { memberId: ANNA, diagnosisId: GROUP, admittedAt: AT } },
    memberJoined(BO, GROUP),
    memberJoined(CARL, GROUP),
    { type: 'MemberAdmitted', data: { memberId: CARL, diagnosisId: GROUP, admittedAt: AT } },
    { type: 'ContactDetailsUpdated', data: { memberId: ANNA, country: 'SE', fields: ['address'], personal: 'v1.anna-rectified' } },
    { type: 'MemberRestricted', data: { memberId: ANNA, reason: 'v1.reason', restrictedAt: AT } },
    { type: 'ConsentWithdrawn', data: { memberId: CARL, withdrawnBy: 'member', withdrawnAt: AT } },
    memberJoined(DORA, OTHER_GROUP, { role: 'relative', language: 'en' }),
    { type: 'MemberAdmitted', data: { memberId: DORA, diagnosisId: OTHER_GROUP, admittedAt: AT } },
    { type: 'MemberRestricted', data: { memberId: DORA, reason: 'v1.reason', restrictedAt: AT } },
    { type: 'RestrictionLifted', data: { memberId: DORA, liftedAt: AT } },
    { type: 'SuspicionReported', data: { memberId: BO, reportedBy: 'secretariat', note: 'v1.note', reportedAt: AT } },
  ]);

describe('the group-roster projection', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const projector = new GroupRosterProjector();

  const apply = (events: readonly RecordedEvent[]) => dataSource.transaction((tx) => projector.apply(events, tx));
  const roster = (): Promise<unknown[]> =>
    dataSource.query(
      `SELECT diagnosis_id::text, member_id::text, status, role, country, language, consent_scope, shared_fields,
              allow_transfer_to_greenland, email_verified, personal, admitted_at
       FROM group_roster ORDER BY diagnosis_id, member_id`,
    );
  const members = (): Promise<unknown[]> => dataSource.query('SELECT * FROM group_roster_members ORDER BY member_id');

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });
  beforeEach(() => dataSource.transaction((tx) => projector.reset(tx)));

  it('lists per group the admitted members whose consent stands, with their latest sealed data and status', async () => {
    await apply(history());
    expect(await roster()).toEqual([
      {
        diagnosis_id: GROUP,
        member_id: ANNA,
        status: 'restricted',
        role: 'patient',
        country: 'SE',
        language: 'da',
        consent_scope: 'cluster',
        shared_fields: ['email'],
        allow_transfer_to_greenland: true,
        email_verified: true,
        personal: 'v1.anna-rectified',
        admitted_at: new Date(AT),
      },
      {
        diagnosis_id: OTHER_GROUP,
        member_id: DORA,
        status: 'admitted',
        role: 'relative',
        country: 'DK',
        language: 'en',
        consent_scope: 'group',
        shared_fields: ['address', 'phone', 'email'],
        allow_transfer_to_greenland: false,
        email_verified: false,
        personal: `v1.sealed-personal-of-${DORA.slice(0, 8)}`,
        admitted_at: new Date(AT),
      },
    ]);
  });

  it('keeps a withdrawn member only as a tombstone without personal data', async () => {
    await apply(history());
    const [carl] = await dataSource.query('SELECT withdrawn, personal FROM group_roster_members WHERE member_id = $1', [CARL]);
    expect(carl).toEqual({ withdrawn: true, personal: null });
  });

  it('takes an erased member off the roster at once, keeping only a tombstone, and the same again changes nothing', async () => {
    const erasure = recorded([{ type: 'MemberErased', data: { memberId: DORA, erasedBy: 'member', erasedAt: AT } }]).map((event) => ({ ...event, position: 100n }));
    await apply([...history(), ...erasure]);
    expect(await dataSource.query('SELECT member_id FROM group_roster WHERE member_id = $1', [DORA])).toEqual([]);
    const tombstone = await members();
    await apply(erasure);
    expect(await members()).toEqual(tombstone);
    const [dora] = await dataSource.query('SELECT withdrawn, personal FROM group_roster_members WHERE member_id = $1', [DORA]);
    expect(dora).toEqual({ withdrawn: true, personal: null });
  });

  it('is idempotent: the same events applied twice, or a replayed old event, change nothing', async () => {
    const events = history();
    await apply(events);
    const [rosterOnce, membersOnce] = [await roster(), await members()];
    await apply(events);
    expect(await roster()).toEqual(rosterOnce);
    expect(await members()).toEqual(membersOnce);
    for (const event of events) await apply([event]);
    expect(await roster()).toEqual(rosterOnce);
    expect(await members()).toEqual(membersOnce);
  });

  it('gives the same result applied event by event as in one batch', async () => {
    const events = history();
    await apply(events);
    const [rosterBatch, membersBatch] = [await roster(), await members()];
    await dataSource.transaction((tx) => projector.reset(tx));
    for (const event of events) await apply([event]);
    expect(await roster()).toEqual(rosterBatch);
    expect(await members()).toEqual(membersBatch);
  });

  it('ignores events of members it never saw join, and other events', async () => {
    const stranger = randomUUID();
    await apply(recorded([{ type: 'MemberAdmitted', data: { memberId: stranger, diagnosisId: GROUP, admittedAt: AT } }]));
    expect(await roster()).toEqual([]);
    expect(await members()).toEqual([]);
  });
});
