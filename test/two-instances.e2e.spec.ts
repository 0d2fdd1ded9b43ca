import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store';
import { untilSettled } from './support/database-state';
import { fileSink, Network } from './support/network';
import { type ServiceProcess, spawnService, waitForHealthy } from './support/service-process';
import { DPO_KEY, SECRETARIAT_KEY } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/** What one instance says it runs: each projection's state and the contact-list sender's, by name. */
type Roles = Map<string, string>;

const SENDER = 'contact-list sender';
/** Members who join between two hand-overs. */
const JOINS_PER_PHASE = 5;
/** personOf(n) is a patient old enough to consent up to n = 30. */
const MAX_JOINS = 30;

async function rolesOf(service: ServiceProcess): Promise<Roles> {
  const health = (await (await fetch(`${service.url}/health`)).json()) as {
    details: { projections: { projections: Array<{ name: string; state: string }> }; contactListSender: { state: string } };
  };
  return new Map([...health.details.projections.projections.map((p): [string, string] => [p.name, p.state]), [SENDER, health.details.contactListSender.state]]);
}

/**
 * Two instances of the built service on one PostgreSQL (docs/RELIABILITY.md): each projection
 * and the contact-list sender run in exactly one of them, stopping that one hands its work to
 * the other, and no message is dispatched twice, while members keep joining through both.
 */
describe('two service instances on one database', () => {
  let database: TestDatabase;
  const dataDirs: string[] = [];
  const running = new Set<ServiceProcess>();
  let sampler: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    for (let i = 0; i < 2; i++) dataDirs.push(await mkdtemp(join(tmpdir(), 'sjn-instance-')));
  });
  afterAll(async () => {
    clearInterval(sampler);
    for (const service of running) service.child.kill('SIGKILL');
    await Promise.all([...running].map((service) => service.exited));
    await database.drop();
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('runs each projection and the sender in exactly one instance, hands them over when it stops, and dispatches nothing twice', async () => {
    const env = {
      DATABASE_URL: database.connectionString,
      MASTER_KEY: randomBytes(32).toString('base64'),
      API_KEYS: `secretariat:${SECRETARIAT_KEY},dpo:${DPO_KEY}`,
      LIST_UPDATE_DEBOUNCE_SECONDS: '0',
      SIGN_IN_LIMIT_PER_CLIENT: '100000', // the workload signs up everyone from this one address
    };
    const start = async (instance: number): Promise<ServiceProcess> => {
      const service = await spawnService({ ...env, DATA_DIR: dataDirs[instance] });
      await waitForHealthy(service);
      running.add(service);
      return service;
    };

    // Every few moments both instances are asked what they run: never may two run the same thing.
    const overlaps: string[] = [];
    const sample = async (): Promise<Map<string, string[]>> => {
      const roles = await Promise.all([...running].map(rolesOf));
      const byName = new Map<string, string[]>();
      for (const [name, state] of roles.flatMap((role) => [...role])) byName.set(name, [...(byName.get(name) ?? []), state]);
      for (const [name, states] of byName) if (states.filter((state) => state === 'active').length > 1) overlaps.push(`${name}: ${states.join(', ')}`);
      return byName;
    };
    let sampling: Promise<unknown> = Promise.resolve();
    sampler = setInterval(() => (sampling = sampling.then(sample).catch(() => undefined)), 200);

    /** Waits until `owner` runs everything and every other instance stands by. */
    const ownsEverything = (owner: ServiceProcess) =>
      network.until(
        'one instance to run everything',
        async () => {
          const roles = await Promise.all([...running].map(async (service) => [service, await rolesOf(service)] as const));
          return roles.every(([service, role]) => [...role.values()].every((state) => state === (service === owner ? 'active' : 'standby')));
        },
        30_000,
      );
    /** Stops an instance the way an orchestrator does; its joins are over first, and no sample spans the stop. */
    const stop = async (service: ServiceProcess): Promise<void> => {
      running.delete(service);
      await joins.drain(service);
      await sampling;
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    };

    const [first, second] = await Promise.all([start(0), start(1)]);
    const mails = [fileSink(() => join(dataDirs[0], 'mail')), fileSink(() => join(dataDirs[1], 'mail'))];
    let target = first;
    const network = new Network(
      {
        get url() {
          return target.url;
        },
        store: new PostgresEventStore(database.pool),
      },
      async () => (await Promise.all(mails.map((read) => read()))).flat().sort((a, b) => (a.key < b.key ? -1 : 1)),
    );
    await network.openGroup();

    // Both start together, so the locks may be split between them; every name has one active runner.
    const initial = await network.until('every projection and the sender to have one active instance', async () => {
      const byName = await sample();
      return [...byName.values()].every((states) => states.filter((state) => state === 'active').length === 1 && states.length === 2) && byName;
    });
    expect([...initial.keys()]).toContain(SENDER);
    const ranByFirst = [...(await rolesOf(first)).values()].filter((state) => state === 'active').length;

    /** Members join one after the other, each through the next running instance in turn. */
    const joins = (() => {
      let joined = 0;
      let current: { service: ServiceProcess; done: Promise<void> } | undefined;
      let stopped = false;
      const loop = (async () => {
        while (!stopped && joined < MAX_JOINS) {
          const services = [...running];
          target = services[joined % services.length];
          const done = network.join(joined + 1);
          current = { service: target, done };
          await done;
          joined++;
        }
      })();
      loop.catch(() => undefined); // a failed join fails the test where the loop is awaited (stop)
      return {
        count: () => joined,
        /** Waits for a join through `service` to finish. */
        drain: async (service: ServiceProcess) => {
          if (current?.service === service) await current.done;
        },
        stop: async () => {
          stopped = true;
          await loop;
          return joined;
        },
      };
    })();
    const joinedAtLeast = (count: number) => network.until(`${count} members to have joined`, async () => joins.count() >= count, 30_000);

    // Stop whichever runs the sender: the other takes over everything; the stopped one comes back as a standby.
    await joinedAtLeast(JOINS_PER_PHASE);
    const senderRunner = (await rolesOf(first)).get(SENDER) === 'active' ? first : second;
    const other = senderRunner === first ? second : first;
    const handOver = Date.now();
    await stop(senderRunner);
    await ownsEverything(other);
    const firstHandOverMs = Date.now() - handOver;
    const back = await start(senderRunner === first ? 0 : 1);
    await ownsEverything(other);

    // And back again.
    await joinedAtLeast(2 * JOINS_PER_PHASE);
    await stop(other);
    await ownsEverything(back);
    await start(other === first ? 0 : 1);
    await joinedAtLeast(3 * JOINS_PER_PHASE);
    const joined = await joins.stop();
    clearInterval(sampler);
    await sampling;

    await untilSettled(database.pool);
    const everyone = Array.from({ length: joined }, (_, i) => i + 1);
    await network.listsSettle(everyone);
    const mail = await network.mailAudit();
    expect(mail).toEqual(expect.objectContaining({ duplicates: 0, resent: 0, deliveredNotInSink: [], streamsDispatchedTwice: [] }));
    expect(overlaps).toEqual([]);
    expect((await network.call('/disclosures/verification', undefined, DPO_KEY)).body).toEqual(expect.objectContaining({ ok: true }));
    process.stderr.write(
      `two instances: at the start one ran ${ranByFirst} of ${initial.size} projections and sender, the other the rest; ` +
        `${joined} members joined, ${mail.messages} contact-list mails, first hand-over in ${firstHandOverMs} ms\n`,
    );
  }, 180_000);
});
