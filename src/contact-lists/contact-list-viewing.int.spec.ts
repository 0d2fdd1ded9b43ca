import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ContactListViewed } from '../../contracts/events/contact-list.events';
import type { ContactField, Country, PersonalData } from '../../contracts/events/membership.events';
import { ContactListPlannerProjector } from '../../projections/contact-list-planner/contact-list-planner.projector';
import { ProjectionRunner } from '../../projections/runner/projection-runner';
import { testEvent } from '../../test/support/events';
import { memberJoined } from '../../test/support/recorded-events';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { KeyVault } from '../crypto/key-vault';
import { RandomIds } from '../domain/clock';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store';
import { shownValues } from './contact-list-building';
import { ContactListViewing } from './contact-list-viewing';
import { entryDigest } from './contact-list-vault';

const GROUP = 'd1000000-0000-4000-8000-0000000000bb';

const person = (name: string, country: Country = 'DK'): PersonalData => ({
  name,
  email: `${name.split(' ')[0].toLowerCase()}@example.dk`,
  phone: '+4520123456',
  address: { street: 'Ærøvej 7', postalCode: country === 'GL' ? '3900' : '5000', city: country === 'GL' ? 'Nuuk' : 'Odense', country },
});

describe('viewing the contact list in self-service', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let vault: KeyVault;
  let runner: ProjectionRunner;
  let viewing: ContactListViewing;

  const context = () => ({ actorRole: 'member' as const, correlationId: randomUUID(), now: new Date() });
  const views = async () => (await store.readAll({ filter: { eventTypes: ['ContactListViewed'] }, maxCount: 1000 })).map((event) => event as unknown as ContactListViewed & typeof event);
  const member = async (name: string, options: { country?: Country; fields?: ContactField[]; greenland?: boolean } = {}): Promise<string> => {
    const memberId = randomUUID();
    const base = memberJoined(memberId, GROUP, { country: options.country ?? 'DK', personal: await vault.seal(memberId, person(name, options.country)) });
    const consent = { ...base.data.consent, sharedFields: options.fields ?? base.data.consent.sharedFields, allowTransferToGreenland: options.greenland ?? false };
    await store.append(
      `member-${memberId}`,
      [
        testEvent('MemberJoined', { ...base.data, consent }),
        testEvent('EmailVerified', { memberId, purpose: 'sign-up', verifiedAt: new Date().toISOString() }),
        testEvent('MemberAdmitted', { memberId, diagnosisId: GROUP, admittedAt: new Date().toISOString() }),
      ],
      'no_stream',
    );
    return memberId;
  };
  const fact = (memberId: string, type: string, data: Record<string, unknown>) => store.append(`member-${memberId}`, [testEvent(type, { memberId, ...data })], 'any');

  beforeEach(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
    store = new PostgresEventStore(database.pool, { pollIntervalMs: 20 });
    vault = new KeyVault(database.pool, randomBytes(32));
    viewing = new ContactListViewing(store, database.pool, vault, new RandomIds());
    await store.append(`diagnosis-${GROUP}`, [testEvent('DiagnosisRegistered', { diagnosisId: GROUP, name: 'Alström syndrom' })], 'no_stream');
    runner = new ProjectionRunner(new ContactListPlannerProjector(), store, dataSource, { connectionString: database.connectionString, standbyRetryMs: 50, batchSize: 100 });
    runner.start();
  });
  afterEach(async () => {
    await runner.stop();
    await store.close();
    await dataSource.destroy();
    await database.drop();
  });

  it('shows every other member with the fields they share, and records exactly that, at the planner’s position, before answering', async () => {
    const anna = await member('Anna Ødegård');
    const bo = await member('Bo Ærø', { fields: ['email'] });
    const carl = await member('Carl Åberg');

    const answer = await viewing.view(bo, context());
    expect(answer).toEqual({
      groups: [
        {
          diagnosisId: GROUP,
          diagnosisName: 'Alström syndrom',
          listReference: expect.stringMatching(/^SN-[0-9A-Z]{8}$/),
          builtAtPosition: expect.any(String),
          entries: [
            { number: 1, ...shownValues(person('Anna Ødegård'), ['address', 'phone', 'email']) },
            { number: 2, ...shownValues(person('Carl Åberg'), ['address', 'phone', 'email']) },
          ],
        },
      ],
    });
    const [viewed] = await views();
    const [{ position: checkpoint }] = await dataSource.query(`SELECT position::text FROM projection_checkpoints WHERE name = 'contact-list-planner'`);
    expect(viewed.streamId).toBe(`dispatch-${viewed.data.dispatchId}`);
    expect(viewed.metadata.actorRole).toBe('member');
    const digest = entryDigest(vault);
    expect(viewed.data).toEqual({
      dispatchId: expect.any(String),
      recipientId: bo,
      diagnosisId: GROUP,
      builtAtPosition: answer?.groups[0].builtAtPosition,
      entries: [
        { subjectId: anna, fields: ['address', 'phone', 'email'], digest: digest(JSON.stringify(shownValues(person('Anna Ødegård'), ['address', 'phone', 'email']))), greenland: false },
        { subjectId: carl, fields: ['address', 'phone', 'email'], digest: digest(JSON.stringify(shownValues(person('Carl Åberg'), ['address', 'phone', 'email']))), greenland: false },
      ],
      listReference: answer?.groups[0].listReference,
      channel: 'portal',
    });
    expect(BigInt(viewed.data.builtAtPosition)).toBeLessThan(viewed.position);
    expect(BigInt(viewed.data.builtAtPosition)).toBeLessThanOrEqual(BigInt(checkpoint));

    // Each view is a disclosure of its own.
    await viewing.view(bo, context());
    expect((await views()).map((event) => event.data.recipientId)).toEqual([bo, bo]);
  });

  it('shows a member in Greenland only those who allowed the transfer', async () => {
    await member('Anna Ødegård', { greenland: true });
    await member('Bo Ærø');
    const dora = await member('Dora Kristiansen', { country: 'GL' });
    const answer = await viewing.view(dora, context());
    expect(answer?.groups[0].entries.map((entry) => [entry.number, entry.name])).toEqual([[1, 'Anna Ødegård']]);
    expect((await views())[0].data.entries.map((entry) => entry.greenland)).toEqual([true]);
  });

  it('shows nothing and records nothing to a member who withdrew or is restricted, from the moment they did', async () => {
    const anna = await member('Anna Ødegård');
    const bo = await member('Bo Ærø');
    await fact(anna, 'ConsentWithdrawn', { withdrawnBy: 'member', withdrawnAt: new Date().toISOString() });
    expect(await viewing.view(anna, context())).toEqual({ groups: [] });
    await fact(bo, 'MemberRestricted', { reason: 'v1.x', restrictedAt: new Date().toISOString() });
    expect(await viewing.view(bo, context())).toEqual({ groups: [] });
    expect(await viewing.view(randomUUID(), context())).toEqual({ groups: [] });
    expect(await views()).toEqual([]);
  });

  it('leaves out a member who withdrew just before the view', async () => {
    const anna = await member('Anna Ødegård');
    const bo = await member('Bo Ærø');
    await member('Carl Åberg');
    await fact(anna, 'ConsentWithdrawn', { withdrawnBy: 'member', withdrawnAt: new Date().toISOString() });
    const answer = await viewing.view(bo, context());
    expect(answer?.groups[0].entries.map((entry) => entry.name)).toEqual(['Carl Åberg']);
  });
});
