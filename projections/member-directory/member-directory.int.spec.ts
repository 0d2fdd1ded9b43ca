import { DataSource } from 'typeorm';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import { memberJoined, recorded } from '../../test/support/recorded-events';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { MemberDirectoryProjector } from './member-directory.projector';

const GROUP = 'd1000000-0000-4000-8000-00000000000a';
const PENDING_GROUP = 'd1000000-0000-4000-8000-00000000000c';
const [ANNA, BO, CARL] = ['a', 'b', 'c'].map((letter) => `${letter.repeat(8)}-0000-4000-8000-000000000002`);
const AT = '2026-11-02T10:00:00.000Z';
const JOINED = '2026-11-29T12:00:00.000Z';

/** Anna: admitted, rectified, email change pending, restricted. Bo: awaiting assessment. Carl: paper sign-up, admitted, withdrew. */
const history = (): RecordedEvent[] =>
  recorded(
    [
      memberJoined(ANNA, GROUP),
      { type: 'EmailVerificationRequested', data: { memberId: ANNA, purpose: 'sign-up', tokenHash: 'ab', expiresAt: AT, sealed: 'v1.t' } },
      { type: 'EmailVerified', data: { memberId: ANNA, purpose: 'sign-up', verifiedAt: AT } },
      { type: 'MemberAdmitted', data: { memberId: ANNA, diagnosisId: GROUP, admittedAt: AT } },
      memberJoined(BO, PENDING_GROUP, { role: 'relative', relation: 'parent' }),
      { type: 'EmailVerified', data: { memberId: BO, purpose: 'sign-up', verifiedAt: AT } },
      { type: 'MemberAwaitingAssessment', data: { memberId: BO, diagnosisId: PENDING_GROUP } },
      memberJoined(CARL, GROUP, { consent: { ...memberJoined(CARL, GROUP).data.consent, channel: 'paper', attestedByStaff: true } }),
      { type: 'MemberAdmitted', data: { memberId: CARL, diagnosisId: GROUP, admittedAt: AT } },
      { type: 'ContactDetailsUpdated', data: { memberId: ANNA, country: 'NO', fields: ['address', 'phone'], personal: 'v1.anna-rectified' } },
      { type: 'EmailVerificationRequested', data: { memberId: ANNA, purpose: 'email-change', tokenHash: 'cd', expiresAt: AT, sealed: 'v1.t2' } },
      { type: 'MemberRestricted', data: { memberId: ANNA, reason: 'v1.reason', restrictedAt: AT } },
      { type: 'ConsentWithdrawn', data: { memberId: CARL, withdrawnBy: 'secretariat', withdrawnAt: AT } },
    ],
    JOINED,
  );

describe('the member-directory projection', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const projector = new MemberDirectoryProjector();

  const apply = (events: readonly RecordedEvent[]) => dataSource.transaction((tx) => projector.apply(events, tx));
  const directory = (): Promise<Array<Record<string, unknown>>> =>
    dataSource.query('SELECT * FROM member_directory ORDER BY member_id').then((rows: Array<Record<string, unknown>>) =>
      rows.map(({ member_id, status, restricted, role, relation, channel, country, email_verified, email_change_pending, personal, consent_attested_by_staff }) => ({
        member_id,
        status,
        restricted,
        role,
        relation,
        channel,
        country,
        email_verified,
        email_change_pending,
        personal,
        consent_attested_by_staff,
      })),
    );
  const everything = async (): Promise<unknown[]> => [
    await dataSource.query('SELECT * FROM member_directory ORDER BY member_id'),
    await dataSource.query('SELECT member_id::text, diagnosis_id::text, status FROM member_directory_memberships ORDER BY member_id, diagnosis_id'),
  ];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });
  beforeEach(() => dataSource.transaction((tx) => projector.reset(tx)));

  it('keeps each member’s status, consent, verification and latest sealed data', async () => {
    await apply(history());
    expect(await directory()).toEqual([
      {
        member_id: ANNA,
        status: 'admitted',
        restricted: true,
        role: 'patient',
        relation: null,
        channel: 'web',
        country: 'NO',
        email_verified: true,
        email_change_pending: true,
        personal: 'v1.anna-rectified',
        consent_attested_by_staff: false,
      },
      {
        member_id: BO,
        status: 'awaiting-assessment',
        restricted: false,
        role: 'relative',
        relation: 'parent',
        channel: 'web',
        country: 'DK',
        email_verified: true,
        email_change_pending: false,
        personal: `v1.sealed-personal-of-${BO.slice(0, 8)}`,
        consent_attested_by_staff: false,
      },
      {
        member_id: CARL,
        status: 'withdrawn',
        restricted: false,
        role: 'patient',
        relation: null,
        channel: 'paper',
        country: 'DK',
        email_verified: false,
        email_change_pending: false,
        personal: `v1.sealed-personal-of-${CARL.slice(0, 8)}`,
        consent_attested_by_staff: true,
      },
    ]);
    const [anna] = await dataSource.query(
      `SELECT consent_text_version, consent_given_at, consent_given_by, consent_scope, shared_fields, allow_transfer_to_greenland,
              opt_in_newsletter, opt_in_meetups, opt_in_facebook_invite, joined_at, position::text
       FROM member_directory WHERE member_id = $1`,
      [ANNA],
    );
    expect(anna).toEqual({
      consent_text_version: '1',
      consent_given_at: new Date('2026-11-01T10:00:00.000Z'),
      consent_given_by: 'self',
      consent_scope: 'group',
      shared_fields: ['address', 'phone', 'email'],
      allow_transfer_to_greenland: false,
      opt_in_newsletter: true,
      opt_in_meetups: false,
      opt_in_facebook_invite: false,
      joined_at: new Date(JOINED),
      position: '12',
    });
  });

  it('keeps each diagnosis with its membership status', async () => {
    await apply(history());
    expect((await everything())[1]).toEqual([
      { member_id: ANNA, diagnosis_id: GROUP, status: 'admitted' },
      { member_id: BO, diagnosis_id: PENDING_GROUP, status: 'awaiting-assessment' },
      { member_id: CARL, diagnosis_id: GROUP, status: 'withdrawn' },
    ]);
  });

  it('a verified email change clears the pending flag', async () => {
    const events = history();
    await apply([...events, ...recorded([{ type: 'EmailVerified', data: { memberId: ANNA, purpose: 'email-change', verifiedAt: AT } }]).map((event) => ({ ...event, position: 100n }))]);
    expect((await directory())[0]).toEqual(expect.objectContaining({ member_id: ANNA, email_change_pending: false, email_verified: true }));
  });

  it('turns off only the opt-in a member withdraws', async () => {
    const withdrawal = recorded([{ type: 'OptInWithdrawn', data: { memberId: BO, optIn: 'newsletter', withdrawnBy: 'member', withdrawnAt: AT } }]);
    await apply([...history(), ...withdrawal.map((event) => ({ ...event, position: 100n }))]);
    const optIns = await dataSource.query('SELECT member_id::text, opt_in_newsletter, opt_in_meetups FROM member_directory WHERE member_id IN ($1, $2) ORDER BY member_id', [ANNA, BO]);
    expect(optIns).toEqual([
      { member_id: ANNA, opt_in_newsletter: true, opt_in_meetups: false },
      { member_id: BO, opt_in_newsletter: false, opt_in_meetups: false },
    ]);
  });

  it('keeps of an erased member no sealed data, memberships or opt-ins; nothing changes them afterwards, nor the same events again', async () => {
    const later = recorded([
      { type: 'MemberErased', data: { memberId: ANNA, erasedBy: 'secretariat', erasedAt: AT } },
      { type: 'RestrictionLifted', data: { memberId: ANNA, liftedAt: AT } },
    ]).map((event, index) => ({ ...event, position: 100n + BigInt(index) }));
    const events = [...history(), ...later];
    await apply(events);
    const [anna] = await dataSource.query(
      'SELECT status, personal, email_change_pending, opt_in_newsletter, restricted FROM member_directory WHERE member_id = $1',
      [ANNA],
    );
    expect(anna).toEqual({ status: 'erased', personal: '', email_change_pending: false, opt_in_newsletter: false, restricted: true });
    expect(await dataSource.query('SELECT * FROM member_directory_memberships WHERE member_id = $1', [ANNA])).toEqual([]);
    const once = await everything();
    await apply(events);
    expect(await everything()).toEqual(once);
  });

  it('is idempotent: the same events applied twice, or a replayed old event, change nothing', async () => {
    const events = history();
    await apply(events);
    const once = await everything();
    await apply(events);
    expect(await everything()).toEqual(once);
    for (const event of events) await apply([event]);
    expect(await everything()).toEqual(once);
  });

  it('gives the same result applied event by event as in one batch', async () => {
    const events = history();
    await apply(events);
    const batch = await everything();
    await dataSource.transaction((tx) => projector.reset(tx));
    for (const event of events) await apply([event]);
    expect(await everything()).toEqual(batch);
  });
});
