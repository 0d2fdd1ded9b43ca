import { SchedulerRegistry } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type DiagnosisRegistered, diagnosisStream } from '../contracts/events/diagnosis.events';
import type { DomainEvent } from '../contracts/events/domain-event';
import { memberStream, type PersonalData } from '../contracts/events/membership.events';
import { KeyVault } from '../src/crypto/key-vault';
import { Clock } from '../src/domain/clock';
import { addMonths } from '../src/domain/calendar';
import { toNewEvents } from '../src/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port';
import { RetentionEngine } from '../src/retention/retention-engine';
import { RETENTION_POLICY } from '../src/retention/retention-policy';
import { RetentionSchedule } from '../src/retention/retention-schedule';
import { memberJoined } from './support/recorded-events';
import { replayWithoutEventTypeFilters } from './support/event-type-filters';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

const DAY_MS = 24 * 60 * 60 * 1000;
const GROUP = randomUUID();

interface Answer {
  status: number;
  contentType: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

describe('members’ rights: the rights-request register, the retention engine and the records of processing, over HTTP', () => {
  let service: TestApp;
  let store: EventStore;
  let clock: Clock;

  const call = async (method: 'GET' | 'POST', path: string, { key, body, accept }: { key?: string; body?: unknown; accept?: string } = {}): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (accept) headers.accept = accept;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${service.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return { status: response.status, contentType, text, body: contentType.includes('json') && text ? JSON.parse(text) : undefined };
  };
  const command = (name: string, body: unknown, key = SECRETARIAT_KEY) => call('POST', `/commands/${name}`, { key, body });
  const register = (status: string, key = SECRETARIAT_KEY) => call('GET', `/rights-requests?status=${status}`, { key });

  /** Appends events as if they happened at `at` (their occurredAt). */
  const appendAt = async (at: Date, streamId: string, events: DomainEvent[]): Promise<void> => {
    await store.append(streamId, toNewEvents(events, { actorRole: 'system', correlationId: randomUUID(), now: at }), 'any');
  };

  /** Waits until these projections have applied everything in the log. */
  const settled = async (...names: string[]): Promise<void> => {
    const head = await store.headPosition();
    for (let attempt = 0; attempt < 400; attempt++) {
      const { rows } = await service.database.pool.query<{ position: string }>(
        'SELECT min(position)::text AS position FROM projection_checkpoints WHERE name = ANY($1) HAVING count(*) = $2',
        [names, names.length],
      );
      if (rows[0] && BigInt(rows[0].position) >= head) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the projections did not catch up');
  };

  beforeAll(async () => {
    service = await startTestApp();
    store = service.app.get<EventStore>(EVENT_STORE);
    clock = service.app.get(Clock);
    // Runs start only when a test starts them, even at 03:30.
    await service.app.get(SchedulerRegistry).getCronJob('retention').stop();
    const registered: DiagnosisRegistered = { type: 'DiagnosisRegistered', data: { diagnosisId: GROUP, name: `Testsyndrom ${randomUUID().slice(0, 6)}` } };
    await appendAt(new Date(), diagnosisStream(GROUP), [registered]);
  });
  afterAll(() => service.close());
  afterEach(() => jest.restoreAllMocks());

  describe('the rights-request register', () => {
    /** The service's clock, set to a moment. */
    const setClock = (iso: string) => jest.spyOn(clock, 'now').mockImplementation(() => new Date(iso));

    it('records a request due in a month, shows it open, overdue once the clock passes the due date, and completed', async () => {
      setClock('2026-01-31T09:00:00.000Z');
      const recorded = await command('record-rights-request', { right: 'access', channel: 'letter' });
      expect(recorded.status).toBe(201);
      expect(recorded.body).toEqual({ requestId: expect.any(String), dueBy: '2026-02-28' });
      const { requestId } = recorded.body;
      await settled('rights-requests');

      const open = await register('open');
      expect(open.status).toBe(200);
      expect(open.body).toEqual([
        {
          requestId,
          memberId: null,
          right: 'access',
          channel: 'letter',
          receivedAt: '2026-01-31',
          dueBy: '2026-02-28',
          extensionReason: null,
          status: 'open',
          outcome: null,
          completedAt: null,
          daysLeft: 28,
          overdue: false,
        },
      ]);
      expect((await register('overdue')).body).toEqual([]);

      // The day after the due date, in Denmark.
      setClock('2026-02-28T23:30:00.000Z');
      const overdue = await register('overdue', DPO_KEY);
      expect(overdue.status).toBe(200);
      expect(overdue.body).toEqual([expect.objectContaining({ requestId, dueBy: '2026-02-28', daysLeft: -1, overdue: true })]);
      expect((await command('extend-rights-request', { requestId, reason: 'complex' })).body.type).toMatch(/rights-request-overdue$/);

      const completed = await command('complete-rights-request', { requestId, outcome: 'fulfilled' });
      expect(completed.status).toBe(201);
      expect(completed.body).toEqual({ requestId, outcome: 'fulfilled', completedAt: '2026-02-28T23:30:00.000Z' });
      await settled('rights-requests');
      expect((await register('overdue')).body).toEqual([]);
      expect((await register('open')).body).toEqual([]);
      expect((await register('completed')).body).toEqual([
        expect.objectContaining({ requestId, status: 'completed', outcome: 'fulfilled', completedAt: '2026-02-28T23:30:00.000Z', daysLeft: null, overdue: false }),
      ]);
      expect((await command('complete-rights-request', { requestId, outcome: 'refused' })).status).toBe(409);
    });

    it('extends a request once by two further months, for a known member', async () => {
      setClock('2026-05-10T09:00:00.000Z');
      const memberId = randomUUID();
      await appendAt(new Date(), memberStream(memberId), [memberJoined(memberId, GROUP), { type: 'MemberAdmitted', data: { memberId, diagnosisId: GROUP, admittedAt: new Date().toISOString() } }]);
      const recorded = await command('record-rights-request', { memberId, right: 'portability', channel: 'email', receivedAt: '2026-05-01' });
      expect(recorded.body.dueBy).toBe('2026-06-01');
      const extended = await command('extend-rights-request', { requestId: recorded.body.requestId, reason: 'many-requests' });
      expect(extended.status).toBe(201);
      expect(extended.body).toEqual({ requestId: recorded.body.requestId, dueBy: '2026-08-01' });
      expect((await command('extend-rights-request', { requestId: recorded.body.requestId, reason: 'complex' })).status).toBe(409);
      await settled('rights-requests');
      expect((await register('open')).body).toEqual([
        expect.objectContaining({ requestId: recorded.body.requestId, memberId, right: 'portability', dueBy: '2026-08-01', extensionReason: 'many-requests', daysLeft: 83 }),
      ]);
    });

    it('refuses a future day of receipt, an unknown member or right, and callers who are not the secretariat', async () => {
      setClock('2026-05-10T09:00:00.000Z');
      const future = await command('record-rights-request', { right: 'erasure', channel: 'phone', receivedAt: '2026-05-11' });
      expect(future.status).toBe(400);
      expect(future.body.errors).toEqual([{ field: 'receivedAt', message: expect.any(String) }]);
      expect((await command('record-rights-request', { right: 'erasure', channel: 'phone', memberId: randomUUID() })).status).toBe(404);
      const invalid = await command('record-rights-request', { right: 'forgetting', channel: 'pigeon', receivedAt: '2026-02-30' });
      expect(invalid.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['channel', 'receivedAt', 'right']);
      expect((await command('record-rights-request', { right: 'access', channel: 'email' }, DPO_KEY)).status).toBe(403);
      expect((await call('POST', '/commands/record-rights-request', { body: { right: 'access', channel: 'email' } })).status).toBe(401);
      expect((await call('GET', '/rights-requests')).status).toBe(401);
      expect((await register('late')).status).toBe(400);
    });
  });

  describe('the retention engine', () => {
    const vault = () => service.app.get(KeyVault);
    const person = (): PersonalData => {
      const tag = randomUUID().slice(0, 8);
      return { name: `Retention ${tag}`, email: `retention.${tag}@example.org`, phone: '+4520112233', address: { street: `Vej ${tag}`, postalCode: '2200', city: 'København N', country: 'DK' } };
    };
    const joinedAt = async (memberId: string, at: Date) =>
      appendAt(at, memberStream(memberId), [memberJoined(memberId, GROUP, { personal: await vault().seal(memberId, person()) })]);
    const admittedAt = async (memberId: string, at: Date) => {
      await joinedAt(memberId, at);
      await appendAt(at, memberStream(memberId), [
        { type: 'EmailVerified', data: { memberId, purpose: 'sign-up', verifiedAt: at.toISOString() } },
        { type: 'MemberAdmitted', data: { memberId, diagnosisId: GROUP, admittedAt: at.toISOString() } },
      ]);
    };
    const withdrawnAt = (memberId: string, at: Date) =>
      appendAt(at, memberStream(memberId), [{ type: 'ConsentWithdrawn', data: { memberId, withdrawnBy: 'member', withdrawnAt: at.toISOString() } }]);
    const erasedBy = async (memberId: string) => (await store.readStream(memberStream(memberId))).find((event) => event.type === 'MemberErased')?.data;
    const accessLogRow = async (at: Date): Promise<string> => {
      const { rows } = await service.database.pool.query<{ id: string }>(
        `INSERT INTO staff_access_log (at, role, key_index, kind, subject, purpose, member_ids) VALUES ($1, 'secretariat', 0, 'roster', $2, NULL, '{}') RETURNING id::text`,
        [at.toISOString(), GROUP],
      );
      return rows[0].id;
    };
    const accessLogIds = async () => (await service.database.pool.query<{ id: string }>('SELECT id::text FROM staff_access_log ORDER BY id')).rows.map((row) => row.id);

    const ids = { unverified31Days: randomUUID(), unverified29Days: randomUUID(), withdrawn13Months: randomUUID(), withdrawn11Months: randomUUID(), admitted: randomUUID() };
    const accessLog = { old: '', recent: '' };

    beforeAll(async () => {
      const now = new Date();
      await joinedAt(ids.unverified31Days, new Date(now.getTime() - 31 * DAY_MS));
      await joinedAt(ids.unverified29Days, new Date(now.getTime() - 29 * DAY_MS));
      await admittedAt(ids.withdrawn13Months, addMonths(now, -20));
      await withdrawnAt(ids.withdrawn13Months, addMonths(now, -13));
      await admittedAt(ids.withdrawn11Months, addMonths(now, -20));
      await withdrawnAt(ids.withdrawn11Months, addMonths(now, -11));
      await admittedAt(ids.admitted, addMonths(now, -36));
      accessLog.old = await accessLogRow(addMonths(now, -25));
      accessLog.recent = await accessLogRow(addMonths(now, -23));
    });

    it('is scheduled every night at 03:30 Danish time', () => {
      const job = service.app.get(SchedulerRegistry).getCronJob('retention');
      expect(String(job.cronTime.source)).toBe('0 30 3 * * *');
      expect(job.cronTime.timeZone).toBe('Europe/Copenhagen');
    });

    it('counts what is due in a dry run and changes nothing', async () => {
      const outcome = await service.app.get(RetentionEngine).run({ trigger: 'cli', dryRun: true });
      expect(outcome).toEqual({
        status: 'dry-run',
        rules: {
          unverifiedSignUps: { keptFor: { days: 30 }, due: 1, done: 0, failed: 0 },
          referredApplicants: { keptFor: { days: 90 }, due: 0, done: 0, failed: 0 },
          declinedApplicants: { keptFor: { days: 90 }, due: 0, done: 0, failed: 0 },
          withdrawnMembers: { keptFor: { months: 12 }, due: 1, done: 0, failed: 0 },
          staffAccessLog: { keptFor: { months: 24 }, due: 1, done: 0, failed: 0 },
        },
      });
      expect(await erasedBy(ids.unverified31Days)).toBeUndefined();
      expect(await accessLogIds()).toEqual([accessLog.old, accessLog.recent]);
      expect((await call('GET', '/retention-runs', { key: DPO_KEY })).body).toEqual([]);
    });

    it('erases the members past their period, deletes old access-log entries, and lists the run', async () => {
      await service.app.get(RetentionSchedule).nightly();

      expect(await erasedBy(ids.unverified31Days)).toEqual({ memberId: ids.unverified31Days, erasedBy: 'retention', erasedAt: expect.any(String) });
      expect(await erasedBy(ids.withdrawn13Months)).toEqual({ memberId: ids.withdrawn13Months, erasedBy: 'retention', erasedAt: expect.any(String) });
      expect(await erasedBy(ids.unverified29Days)).toBeUndefined();
      expect(await erasedBy(ids.withdrawn11Months)).toBeUndefined();
      expect(await erasedBy(ids.admitted)).toBeUndefined();
      expect(await accessLogIds()).toEqual([accessLog.recent]);

      const runs = await call('GET', '/retention-runs', { key: DPO_KEY });
      expect(runs.status).toBe(200);
      expect(runs.body).toEqual([
        {
          runId: expect.any(String),
          trigger: 'schedule',
          startedAt: expect.any(String),
          finishedAt: expect.any(String),
          rules: {
            unverifiedSignUps: { keptFor: { days: 30 }, due: 1, done: 1, failed: 0 },
            referredApplicants: { keptFor: { days: 90 }, due: 0, done: 0, failed: 0 },
            declinedApplicants: { keptFor: { days: 90 }, due: 0, done: 0, failed: 0 },
            withdrawnMembers: { keptFor: { months: 12 }, due: 1, done: 1, failed: 0 },
            staffAccessLog: { keptFor: { months: 24 }, due: 1, done: 1, failed: 0 },
            expiredSignIns: { keptFor: 'until-expiry', due: 0, done: 0, failed: 0 },
          },
        },
      ]);
      // The erasures carry the run's id as their correlation id.
      const [erased] = (await store.readStream(memberStream(ids.withdrawn13Months))).slice(-1);
      expect(erased.metadata).toEqual(expect.objectContaining({ actorRole: 'system', correlationId: runs.body[0].runId }));
      expect((await call('GET', '/retention-runs', { key: SECRETARIAT_KEY })).status).toBe(200);
      expect((await call('GET', '/retention-runs')).status).toBe(401);
    });

    it('finds nothing due in the next run, and runs once at a time', async () => {
      const engine = service.app.get(RetentionEngine);
      const next = await engine.run({ trigger: 'cli' });
      expect(next.status === 'completed' && Object.values(next.run.rules).map((count) => count.due)).toEqual([0, 0, 0, 0, 0, 0]);

      const holder = new Client({ connectionString: service.database.connectionString });
      await holder.connect();
      try {
        await holder.query(`SELECT pg_advisory_lock(hashtext('retention'))`);
        expect(await engine.run({ trigger: 'cli' })).toEqual({ status: 'busy' });
      } finally {
        await holder.end();
      }
      expect((await call('GET', '/retention-runs', { key: DPO_KEY })).body.map((run: { trigger: string }) => run.trigger)).toEqual(['cli', 'schedule']);
    });

    it('keeps the access log append-only outside the retention engine', async () => {
      const pool = service.database.pool;
      await expect(pool.query('DELETE FROM staff_access_log WHERE id = $1', [accessLog.recent])).rejects.toThrow('staff_access_log is append-only');
      // An old entry is not deleted either without the retention cutoff set for the transaction...
      const old = await accessLogRow(addMonths(new Date(), -30));
      await expect(pool.query('DELETE FROM staff_access_log WHERE id = $1', [old])).rejects.toThrow('staff_access_log is append-only');
      // ...and with it, a newer entry or any change stays refused.
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('sjn.access_log_retention_cutoff', $1, true)`, [addMonths(new Date(), -24).toISOString()]);
        await expect(client.query('DELETE FROM staff_access_log WHERE id = $1', [accessLog.recent])).rejects.toThrow('staff_access_log is append-only');
        await client.query('ROLLBACK');
        await client.query('BEGIN');
        await client.query(`SELECT set_config('sjn.access_log_retention_cutoff', $1, true)`, [addMonths(new Date(), -24).toISOString()]);
        await expect(client.query(`UPDATE staff_access_log SET purpose = 'changed' WHERE id = $1`, [old])).rejects.toThrow('staff_access_log is append-only');
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
      await expect(pool.query('TRUNCATE staff_access_log')).rejects.toThrow('staff_access_log is append-only');
      expect(await accessLogIds()).toEqual([accessLog.recent, old]);
    });
  });

  describe('the records of processing', () => {
    it('is JSON whose retention periods are the retention policy’s', async () => {
      const record = await call('GET', '/records-of-processing', { key: DPO_KEY });
      expect(record.status).toBe(200);
      expect(record.contentType).toMatch(/^application\/json/);
      expect(record.body.controller.name).toBe('Sjældne Diagnoser');
      expect(record.body.retention.map((entry: { rule: string; keptFor: unknown }) => [entry.rule, entry.keptFor])).toEqual(
        Object.entries(RETENTION_POLICY).map(([rule, { keptFor }]) => [rule, keptFor]),
      );
      // Mail goes to files in the tests: no email processor is named.
      expect(record.body.recipients.map((recipient: { role: string }) => recipient.role)).toEqual(['recipient']);
    });

    it('is a readable document with Accept: text/markdown', async () => {
      const record = await call('GET', '/records-of-processing', { key: SECRETARIAT_KEY, accept: 'text/markdown' });
      expect(record.status).toBe(200);
      expect(record.contentType).toMatch(/^text\/markdown/);
      expect(record.text).toMatch(/^# Record of processing activities \(GDPR Art\. 30\)\n/);
      expect(record.text).toContain('| Members who withdrew their consent | Erased (encryption key destroyed) 12 months after the withdrawal |');
    });

    it('is for staff only', async () => {
      expect((await call('GET', '/records-of-processing')).status).toBe(401);
      expect((await call('GET', '/records-of-processing', { key: 'not-a-configured-key-0000' })).status).toBe(401);
    });
  });
  // Last: it stops the service's projections.
  it('built every read model from only the event types it declares (a replay of every event gives the same)', async () => {
    await replayWithoutEventTypeFilters(service);
  });
});
