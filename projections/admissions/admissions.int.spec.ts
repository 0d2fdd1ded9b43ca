import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { diagnosisStream } from '../../contracts/events/diagnosis.events';
import type { DomainEvent } from '../../contracts/events/domain-event';
import type { NewEvent, RecordedEvent } from '../../contracts/events/event-envelope';
import { memberStream } from '../../contracts/events/membership.events';
import type { Clock } from '../../src/domain/clock';
import type { EventStore, ExpectedRevision } from '../../src/event-store/event-store.port';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store';
import { assessed, awaiting, joined, proposed, restricted, stored, waitingApplicant, withdrawn } from '../../test/support/applicant-events';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { AdmissionsReactor } from './admissions.reactor';

const NOW = new Date('2026-11-30T08:00:00.000Z');
const clock: Clock = { now: () => NOW };

/** The store, except that the first append to `streamId` loses a race to another writer. */
function racingStore(store: EventStore, streamId: string, rival: DomainEvent): EventStore {
  let raced = false;
  return Object.assign(Object.create(store) as EventStore, {
    async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision) {
      if (stream === streamId && !raced) {
        raced = true;
        await store.append(stream, stored([rival]), 'any');
      }
      return store.append(stream, events, expected);
    },
  });
}

describe('the admissions reactor', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let seen = 0n;

  const append = (stream: string, events: DomainEvent[], correlationId = randomUUID()) => store.append(stream, stored(events, { correlationId }), 'any');
  const types = async (memberId: string) => (await store.readStream(memberStream(memberId))).map((event) => event.type);
  /** Applies every event not yet applied, in one transaction, as the runner would. */
  const react = async (reactor = new AdmissionsReactor(store, clock)): Promise<RecordedEvent[]> => {
    const events = await store.readAll({ after: seen });
    if (events.length > 0) {
      await dataSource.transaction((tx) => reactor.apply(events, tx));
      seen = events[events.length - 1].position;
    }
    return events;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
    store = new PostgresEventStore(database.pool);
  });
  afterAll(async () => {
    await store.close();
    await dataSource.destroy();
    await database.drop();
  });

  it('admits every verified applicant waiting for a diagnosis assessed as rare, once', async () => {
    const diagnosis = randomUUID();
    const [web, paper, unverified, gone, elsewhere] = Array.from({ length: 5 }, () => randomUUID());
    await append(diagnosisStream(diagnosis), [proposed(diagnosis, 'Alström syndrom')]);
    await append(memberStream(web), waitingApplicant(web, diagnosis));
    await append(memberStream(paper), [joined(paper, diagnosis, { attestedByStaff: true }), awaiting(paper, diagnosis)]);
    await append(memberStream(unverified), [joined(unverified, diagnosis), awaiting(unverified, diagnosis)]);
    await append(memberStream(gone), [...waitingApplicant(gone, diagnosis), withdrawn(gone)]);
    const other = randomUUID();
    await append(memberStream(elsewhere), waitingApplicant(elsewhere, other));
    await react();
    const correlationId = randomUUID();
    await append(diagnosisStream(diagnosis), [assessed(diagnosis, 'rare')], correlationId);
    const batch = await react();

    const [admittedWeb] = (await store.readStream(memberStream(web))).slice(-1);
    expect(admittedWeb).toEqual(
      expect.objectContaining({
        type: 'MemberAdmitted',
        data: { memberId: web, diagnosisId: diagnosis, admittedAt: NOW.toISOString() },
        metadata: { correlationId, causationId: batch[batch.length - 1].id, actorRole: 'system', occurredAt: NOW.toISOString() },
      }),
    );
    expect(await types(paper)).toEqual(['MemberJoined', 'MemberAwaitingAssessment', 'MemberAdmitted']);
    expect(await types(unverified)).toEqual(['MemberJoined', 'MemberAwaitingAssessment']);
    expect(await types(gone)).toEqual(['MemberJoined', 'EmailVerified', 'MemberAwaitingAssessment', 'ConsentWithdrawn']);
    expect(await types(elsewhere)).toEqual(['MemberJoined', 'EmailVerified', 'MemberAwaitingAssessment']);

    // The same events again (a crash before the checkpoint committed): nothing more is appended.
    const head = await store.headPosition();
    await dataSource.transaction((tx) => new AdmissionsReactor(store, clock).apply(batch, tx));
    expect(await store.headPosition()).toBe(head);
    // Its own appended events flow back through it and take the applicants off its waiting list.
    await react();
    expect(await dataSource.query('SELECT member_id FROM admissions_waiting WHERE diagnosis_id = $1', [diagnosis])).toEqual([{ member_id: unverified }]);
  });

  it('refers an applicant who starts waiting after the diagnosis was assessed (has-association)', async () => {
    const diagnosis = randomUUID();
    const late = randomUUID();
    await append(diagnosisStream(diagnosis), [proposed(diagnosis, 'Cystisk fibrose'), assessed(diagnosis, 'has-association', { name: 'Foreningen' })]);
    await react();
    const correlationId = randomUUID();
    await append(memberStream(late), waitingApplicant(late, diagnosis), correlationId);
    await react();
    const [referred] = (await store.readStream(memberStream(late))).slice(-1);
    expect(referred).toEqual(
      expect.objectContaining({
        type: 'MemberReferred',
        data: { memberId: late, diagnosisId: diagnosis },
        metadata: expect.objectContaining({ correlationId, actorRole: 'system' }),
      }),
    );
  });

  it('declines waiting applicants of a diagnosis that is not rare, also when both arrive in one batch', async () => {
    const diagnosis = randomUUID();
    const [first, second] = [randomUUID(), randomUUID()];
    await append(diagnosisStream(diagnosis), [proposed(diagnosis, 'Astma')]);
    await append(memberStream(first), waitingApplicant(first, diagnosis));
    await append(diagnosisStream(diagnosis), [assessed(diagnosis, 'not-rare')]);
    await append(memberStream(second), waitingApplicant(second, diagnosis));
    await react();
    for (const memberId of [first, second]) {
      const [declined] = (await store.readStream(memberStream(memberId))).slice(-1);
      expect(declined).toEqual(expect.objectContaining({ type: 'MemberDeclined', data: { memberId, diagnosisId: diagnosis, reason: 'not-rare' } }));
    }
  });

  it('reads the member again and retries once when the member changed concurrently', async () => {
    const diagnosis = randomUUID();
    const member = randomUUID();
    await append(diagnosisStream(diagnosis), [proposed(diagnosis, 'Alström syndrom')]);
    await append(memberStream(member), waitingApplicant(member, diagnosis));
    await react();
    await append(diagnosisStream(diagnosis), [assessed(diagnosis, 'rare')]);
    await react(new AdmissionsReactor(racingStore(store, memberStream(member), restricted(member)), clock));
    expect(await types(member)).toEqual(['MemberJoined', 'EmailVerified', 'MemberAwaitingAssessment', 'MemberRestricted', 'MemberAdmitted']);
  });

  it('empties its tables on reset', async () => {
    await dataSource.transaction((tx) => new AdmissionsReactor(store, clock).reset(tx));
    expect(await dataSource.query('SELECT count(*)::int AS n FROM admissions_waiting')).toEqual([{ n: 0 }]);
    expect(await dataSource.query('SELECT count(*)::int AS n FROM admissions_decisions')).toEqual([{ n: 0 }]);
  });
});
