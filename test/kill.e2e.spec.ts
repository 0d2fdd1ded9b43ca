import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memberStream } from '../contracts/events/membership.events';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store';
import { snapshotTables, tableDifferences, untilSettled } from './support/database-state';
import { fileSink, Network, personOf, signUpOf } from './support/network';
import { rebuildEveryProjection } from './support/personal-data';
import { seededRandom, type Random } from './support/seeded-random';
import { freePort, type ServiceProcess, spawnService, waitForHealthy } from './support/service-process';
import { DPO_KEY, SECRETARIAT_KEY } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * The built service, on a PostgreSQL of its own that outlives it, is killed with SIGKILL at
 * random moments while members sign up, verify, change their phone and withdraw, and its
 * contact-list sender mails lists, corrections and deletion notices (docs/RELIABILITY.md).
 * SOAK=1 (npm run test:soak) runs the long version; KILL_SEED=<n> replays a run's choices.
 */
const SOAK = process.env.SOAK === '1';
const KILLS = SOAK ? 25 : 6;
const SEED = Number(process.env.KILL_SEED ?? randomInt(2 ** 31));
const WORKERS = 8;
const GROUPS = 2;
/** Most kills come this long after the service answered /health; some come while it is still starting up. */
const UP_MS = { min: 200, max: 3500 };
const KILLED_STARTING = 0.2;

interface Acknowledged {
  memberId: string;
  /** The event types the command must have appended to the member's stream. */
  events: string[];
}

/**
 * Members coming and going over HTTP, each worker with its own seeded choices. A request that got
 * no answer (the service died under it) has an unknown outcome: its member is left alone from
 * then on. Every answer must be the command's success; anything else is recorded as unexpected.
 */
class Workload {
  readonly acknowledged: Acknowledged[] = [];
  readonly unexpected: string[] = [];
  unanswered = 0;
  private running = false;
  private workers: Array<Promise<void>> = [];
  private joined = 0;
  private phones = 0;

  constructor(
    private readonly network: Network,
    private readonly groups: string[],
    private readonly tag: string,
  ) {}

  start(random: Random): void {
    this.running = true;
    this.workers = Array.from({ length: WORKERS }, (_, index) =>
      this.work(random.fork(index)).catch((error: unknown) => {
        this.unexpected.push(`a worker stopped: ${error instanceof Error ? error.message : String(error)}`);
      }),
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  private async work(random: Random): Promise<void> {
    const admitted: string[] = [];
    while (this.running) {
      const choice = random.next();
      if (admitted.length === 0 || choice < 0.55) {
        const memberId = await this.joinAndVerify(random);
        if (memberId) admitted.push(memberId);
      } else {
        const [memberId] = admitted.splice(random.int(admitted.length), 1);
        if (choice < 0.75) await this.send('withdraw-consent', { memberId }, 201, ['ConsentWithdrawn']);
        else if (await this.changePhone(memberId)) admitted.push(memberId);
      }
    }
  }

  /** Signs a new member up and follows their link; returns the member id once they are admitted. */
  private async joinAndVerify(random: Random): Promise<string | undefined> {
    const n = ++this.joined;
    const person = { ...personOf(1, this.tag), name: `Kill Ærø ${n} ${this.tag}`, email: `kill${n}.${this.tag}@example.org`, street: `Ølandsgade ${n} ${this.tag}`, phone: `+4521${String(n).padStart(6, '0')}` };
    const joined = await this.send('join-network', signUpOf(person, this.groups[random.int(this.groups.length)]), 202, ['MemberJoined']);
    if (!joined) return undefined;
    // The mail is sent from the log, so it comes even when the service dies in between.
    const token = await this.network.verificationToken(person.email, 60_000).catch(() => undefined);
    if (!token) {
      this.unexpected.push(`no verification mail for member ${joined.memberId}`);
      return undefined;
    }
    const verified = await this.send('verify-email', { token }, 200, ['EmailVerified', 'MemberAdmitted'], joined.memberId);
    return verified?.status === 'admitted' ? joined.memberId : undefined;
  }

  private async changePhone(memberId: string): Promise<boolean> {
    const phone = `+4522${String(++this.phones).padStart(6, '0')}`;
    return (await this.send('update-contact-details', { memberId, phone }, 201, ['ContactDetailsUpdated'])) !== undefined;
  }

  /** Sends a command; returns its answer's body when it got the expected status (and records it as acknowledged). */
  private async send(command: string, body: { memberId?: string } & Record<string, unknown>, expected: number, events: string[], memberId = body.memberId): Promise<{ memberId: string; status?: string } | undefined> {
    const key = command === 'join-network' || command === 'verify-email' ? undefined : SECRETARIAT_KEY;
    let answer: Awaited<ReturnType<Network['call']>>;
    try {
      answer = await this.network.call(`/commands/${command}`, body, key);
    } catch {
      this.unanswered++;
      await new Promise((resolve) => setTimeout(resolve, 100)); // the service is down: wait for the next one
      return undefined;
    }
    if (answer.status !== expected) {
      this.unexpected.push(`${command}: ${answer.status} ${answer.body?.type ?? ''}`);
      return undefined;
    }
    this.acknowledged.push({ memberId: memberId ?? answer.body.memberId, events });
    return answer.body;
  }
}

describe(`the service killed with SIGKILL at random moments (seed ${SEED}, ${KILLS} kills)`, () => {
  let database: TestDatabase;
  let dataDir: string;
  let service: ServiceProcess | undefined;
  let workload: Workload | undefined;

  beforeAll(async () => {
    process.stderr.write(`kill test: seed ${SEED}; replay with KILL_SEED=${SEED}\n`);
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'sjn-kill-'));
  });
  afterAll(async () => {
    await workload?.stop();
    service?.child.kill('SIGKILL');
    await service?.exited;
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  }, 90_000); // a worker may still be waiting for a verification mail

  it('loses no acknowledged command, rebuilds every read model to what it was, and records every mail it sent', async () => {
    const started = Date.now();
    const random = seededRandom(SEED);
    const port = await freePort();
    const env = {
      DATABASE_URL: database.connectionString,
      MASTER_KEY: randomBytes(32).toString('base64'),
      API_KEYS: `secretariat:${SECRETARIAT_KEY},dpo:${DPO_KEY}`,
      DATA_DIR: dataDir,
      PORT: String(port),
      LIST_UPDATE_DEBOUNCE_SECONDS: '0',
      SIGN_IN_LIMIT_PER_CLIENT: '100000', // the workload signs up everyone from this one address
      // One message in the sender's hands at a time: a kill can then catch at most one between its
      // send and its record (with N, up to N: docs/RELIABILITY.md).
      MAIL_SEND_CONCURRENCY: '1',
    };
    const network = new Network({ url: `http://127.0.0.1:${port}`, store: new PostgresEventStore(database.pool) }, fileSink(() => join(dataDir, 'mail')));
    // Each start applies the two heaviest read models elsewhere: on the main thread, or one or both in
    // worker threads (PROJECTION_THREADS 2, 0, 1 in turn; the last start 2, which rebuilds both in threads at the
    // end), so a kill catches either, and each start takes over checkpoints the previous one left from another thread.
    let starts = 0;
    const start = async (threads = [2, 0, 1][starts++ % 3]) => {
      service = await spawnService({ ...env, PROJECTION_THREADS: String(threads) });
      return service;
    };
    const kill = async () => {
      service?.child.kill('SIGKILL');
      await service?.exited;
      service = undefined;
    };

    await waitForHealthy(await start());
    const groups: string[] = [];
    for (let g = 1; g <= GROUPS; g++) {
      const registered = await network.staff('register-diagnosis', { name: `Dræbertest ${g} ${network.tag}` });
      expect(registered.status).toBe(201);
      groups.push(registered.body.diagnosisId);
    }
    workload = new Workload(network, groups, network.tag);
    workload.start(random);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    for (let kills = 0; kills < KILLS; kills++) {
      const running = service ?? (await start());
      if (random.next() < KILLED_STARTING) await sleep(random.int(2000)); // it takes about 2.5 s to start
      else {
        await waitForHealthy(running);
        await sleep(UP_MS.min + random.int(UP_MS.max - UP_MS.min));
      }
      await kill();
    }
    await waitForHealthy(await start(2));
    await sleep(1000);
    await workload.stop();
    await untilSettled(database.pool);

    // Every command answered with success has its events in the member's stream: per member, at
    // least as many of each type as were acknowledged (an unanswered command may have added more).
    const acknowledged = new Map<string, string[]>();
    for (const { memberId, events } of workload.acknowledged) acknowledged.set(memberId, [...(acknowledged.get(memberId) ?? []), ...events]);
    expect(acknowledged.size).toBeGreaterThan(0); // the checks below would pass on an empty workload
    const lost = [];
    for (const [memberId, events] of acknowledged) {
      const stored = (await network.store.readStream(memberStream(memberId))).map((event) => event.type);
      for (const type of new Set(events)) {
        const [expected, found] = [events, stored].map((types) => types.filter((t) => t === type).length);
        if (found < expected) lost.push({ memberId, type, expected, found });
      }
    }
    expect(lost).toEqual([]);
    expect(workload.unexpected).toEqual([]);

    // Every read model (and everything else in the database) is what a rebuild from position 0 gives.
    const before = await snapshotTables(database.pool);
    await rebuildEveryProjection({ database }, network);
    await untilSettled(database.pool);
    expect(tableDifferences(before, await snapshotTables(database.pool))).toEqual({});

    // Every message in the sink has its dispatch and every recorded delivery is in the sink. A
    // message went out again only after a kill (once per kill at most), and the log marks each
    // such delivery as resent. With one message in hand at a time, no more duplicates than kills.
    const mail = await network.mailAudit();
    expect(mail.messages).toBeGreaterThan(0);
    expect(mail).toEqual(expect.objectContaining({ deliveredNotInSink: [], streamsDispatchedTwice: [], duplicatedNotMarkedResent: [] }));
    expect(mail.mostCopies).toBeLessThanOrEqual(1 + KILLS);
    expect(mail.duplicates).toBeLessThanOrEqual(KILLS);

    const verification = await network.call('/disclosures/verification', undefined, DPO_KEY);
    expect(verification.body).toEqual(expect.objectContaining({ ok: true }));

    process.stderr.write(
      `kill test (seed ${SEED}): ${KILLS} kills, ${workload.acknowledged.length} acknowledged commands, ${workload.unanswered} unanswered, ` +
        `${mail.messages} contact-list mails, ${mail.duplicates} duplicates (${mail.resent} deliveries marked resent), ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
  }, SOAK ? 1_800_000 : 180_000);
});
