/**
 * Benchmark of the PostgreSQL event store against raw SQL on the same server, in the same run,
 * then of the contact-list sender and the SES transport (bench/lists.ts, the service in-process),
 * the rebuild of every read model (bench/rebuild.ts) and the HTTP API under load (bench/http.ts).
 * Prints one JSON document on stdout (progress goes to stderr) and writes it to
 * bench/results/latest.json, with a chart of the list latencies beside it (latest.svg).
 * See docs/PERFORMANCE.md.
 *
 *   npm run bench                       # 3 s per measurement, 5 rounds
 *   BENCH_SECONDS=10 BENCH_ROUNDS=9 npm run bench
 *   BENCH_LIST_SIZES=10,100,1000,5000 npm run bench   # contact-list groups to measure (default 10,100,1000)
 *   BENCH_REBUILD_EVENTS=50000 npm run bench          # the log the read models are rebuilt from (default 1000000)
 *   BENCH_PROJECTION_THREADS=0 npm run bench          # the rebuilt service's PROJECTION_THREADS (default 1)
 *   BENCH_HTTP_SECONDS=5 BENCH_HTTP_RATE=100 npm run bench   # autocannon per entry (default 30 s, the in-process rate)
 *   BENCH_ONLY=rebuild,http npm run bench             # some parts only: store, lists, ses, rebuild, http
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import type { NewEvent } from '../contracts/events/event-envelope';
import { migrate } from '../src/database/database';
import { startEmbeddedPostgres, type RunningPostgres } from '../src/database/embedded-postgres';
import { EVENT_STORE_POOL_SETTINGS, PostgresEventStore } from '../src/event-store/postgres/postgres-event-store';
import { listLatencyChart } from './chart';
import { httpSettings, measureHttp } from './http';
import { listSizes, measureListJoins, measureSes } from './lists';
import { type BenchResult, median, round, throughput, type Operation } from './measure';
import { measureRebuild, rebuildSettings } from './rebuild';
import { projectRoot } from './service';
import { newEvent, newStreamId, payloadBytes, RAW_TABLE, rawInsert, rawKeysetRead } from './workload';

const CONCURRENCY = 8;
const READ_BATCH = 1000;
/** Raw and ours alternate in slices of about this length. */
const SLICE_MS = 500;

interface Settings {
  durationMs: number;
  warmupMs: number;
  rounds: number;
}

interface Case {
  name: string;
  unit: 'events/s' | 'rows/s';
  concurrency: number;
  operation: Operation;
  /** For our entries: the raw entry this one is compared with, and the goal for value / baseline. */
  baseline?: string;
  goal?: number | null;
}


interface Report {
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; postgres: string };
  results: BenchResult[];
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function readSettings(): Settings {
  const seconds = Number(process.env.BENCH_SECONDS ?? '3');
  const rounds = Number(process.env.BENCH_ROUNDS ?? '5');
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`BENCH_SECONDS must be a positive number, not ${process.env.BENCH_SECONDS}`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS must be a positive integer, not ${process.env.BENCH_ROUNDS}`);
  const durationMs = seconds * 1000;
  return { durationMs, warmupMs: Math.min(1000, Math.max(200, durationMs / 6)), rounds };
}

const PARTS = ['store', 'lists', 'ses', 'rebuild', 'http'] as const;
type Part = (typeof PARTS)[number];

/** BENCH_ONLY: the parts to run (default all). */
function selectedParts(): Set<Part> {
  const text = process.env.BENCH_ONLY;
  if (text === undefined) return new Set(PARTS);
  const parts = text.split(',').map((part) => part.trim());
  const unknown = parts.filter((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY takes ${PARTS.join(', ')}, not ${unknown.join(', ')}`);
  return new Set(parts as Part[]);
}

async function main(): Promise<void> {
  const settings = readSettings();
  const parts = selectedParts();
  // Every setting is read before the run, so a wrong one fails at once.
  const sizes = listSizes();
  const rebuild = rebuildSettings();
  const http = httpSettings();
  const directory = await mkdtemp(join(tmpdir(), 'sjn-bench-pg-'));
  let server: RunningPostgres | undefined;
  const resources: Array<() => Promise<unknown>> = [];

  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      for (const close of resources.reverse()) await close().catch(() => undefined);
      await server?.stop().catch((error: unknown) => progress(`could not stop PostgreSQL: ${String(error)}`));
      await rm(directory, { recursive: true, force: true });
    })());
  const onSignal = (signal: NodeJS.Signals): void => {
    progress(`${signal}: stopping PostgreSQL and removing ${directory}`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    reportLoad('before the run');
    progress(`starting a throw-away PostgreSQL in ${directory}`);
    server = await startEmbeddedPostgres(directory);
    const connectionString = server.connectionString;
    await migrate(connectionString);

    const admin = await connect(connectionString);
    resources.push(() => admin.end());
    await admin.query(`CREATE TABLE ${RAW_TABLE} (LIKE events INCLUDING ALL)`);
    const machine = await describeMachine(admin);
    const payload = payloadBytes();
    progress(
      `PostgreSQL ${machine.postgres} (${await serverSettings(admin)}); payload ${payload.data} B data + ${payload.metadata} B metadata; ` +
        `${settings.durationMs / 1000} s per measurement after ${settings.warmupMs / 1000} s warm-up, ${settings.rounds} rounds`,
    );

    // Raw baselines: plain pg clients, one per concurrent loop.
    const rawClients: Client[] = [];
    for (let i = 0; i < CONCURRENCY; i++) {
      const client = await connect(connectionString);
      resources.push(() => client.end());
      rawClients.push(client);
    }
    // Ours: the store on a pool of 10, as the service runs it.
    const pool = new Pool({ ...EVENT_STORE_POOL_SETTINGS, connectionString });
    pool.on('error', (error) => progress(`idle pool client failed: ${error.message}`));
    resources.push(() => pool.end());
    const store = new PostgresEventStore(pool);
    resources.push(() => store.close());

    let rawPosition = 0n;
    const rawInsertOne: Operation = async (worker) => {
      await rawClients[worker].query(rawInsert(++rawPosition, newStreamId(), newEvent()));
      return 1;
    };
    const appendOne: Operation = async () => {
      await store.append(newStreamId(), [newEvent()], 'no_stream');
      return 1;
    };
    const appendHundred: Operation = async () => {
      const events: NewEvent[] = Array.from({ length: 100 }, () => newEvent());
      await store.append(newStreamId(), events, 'no_stream');
      return events.length;
    };
    // Both readers sweep the whole log in pages of 1000 and start over at its end.
    let rawAfter = '0';
    const rawRead: Operation = async () => {
      const { rows } = await rawClients[0].query<{ position: string }>(rawKeysetRead(rawAfter));
      rawAfter = rows.length < READ_BATCH ? '0' : rows[rows.length - 1].position;
      return rows.length;
    };
    let ourAfter = 0n;
    const readAll: Operation = async () => {
      const events = await store.readAll({ after: ourAfter, maxCount: READ_BATCH });
      ourAfter = events.length < READ_BATCH ? 0n : events[events.length - 1].position;
      return events.length;
    };

    const cases: Case[] = [
      { name: 'raw.insert.sequential', unit: 'events/s', concurrency: 1, operation: rawInsertOne },
      { name: 'raw.insert.concurrent8', unit: 'events/s', concurrency: CONCURRENCY, operation: rawInsertOne },
      { name: 'raw.read.keyset', unit: 'rows/s', concurrency: 1, operation: rawRead },
      { name: 'append.sequential', unit: 'events/s', concurrency: 1, operation: appendOne, baseline: 'raw.insert.sequential', goal: 0.8 },
      { name: 'append.concurrent8', unit: 'events/s', concurrency: CONCURRENCY, operation: appendOne, baseline: 'raw.insert.concurrent8', goal: 0.9 },
      { name: 'append.batch100', unit: 'events/s', concurrency: 1, operation: appendHundred, baseline: 'raw.insert.sequential', goal: null },
      { name: 'readAll', unit: 'rows/s', concurrency: 1, operation: readAll, baseline: 'raw.read.keyset', goal: 0.7 },
    ];
    const byName = new Map(cases.map((c) => [c.name, c]));
    const pick = (...names: string[]): Case[] => names.map((name) => byName.get(name)!);

    // Raw and ours run in the same groups, interleaved in short slices (A B B A A B …, the other
    // way round in odd rounds), so drift of the machine (disk latency, other load) hits both alike.
    // All writes come first, so every read round sees the same log (the events our appends wrote).
    const writeGroups = [pick('raw.insert.sequential', 'append.sequential'), pick('raw.insert.concurrent8', 'append.concurrent8'), pick('append.batch100')];
    const readGroups = [pick('raw.read.keyset', 'readAll')];
    const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    const measureGroup = async (roundIndex: number, group: Case[]): Promise<void> => {
      await admin.query('CHECKPOINT'); // every round of a group starts from the same WAL state
      for (const c of group) await throughput(c.operation, { durationMs: settings.warmupMs, concurrency: c.concurrency });
      const totals = new Map(group.map((c) => [c.name, { units: 0, operations: 0, seconds: 0 }]));
      const slices = Math.max(1, Math.round(settings.durationMs / SLICE_MS));
      for (let slice = 0; slice < slices; slice++) {
        for (const c of (slice + roundIndex) % 2 === 0 ? group : [...group].reverse()) {
          const t = await throughput(c.operation, { durationMs: settings.durationMs / slices, concurrency: c.concurrency });
          const total = totals.get(c.name)!;
          total.units += t.units;
          total.operations += t.operations;
          total.seconds += t.seconds;
        }
      }
      for (const c of group) {
        const total = totals.get(c.name)!;
        const perSecond = total.units / total.seconds;
        samples.get(c.name)!.push(perSecond);
        progress(
          `[${roundIndex + 1}/${settings.rounds}] ${c.name.padEnd(22)} ${perSecond.toFixed(1).padStart(9)} ${c.unit} ` +
            `(${total.units} in ${total.operations} operations, ${total.seconds.toFixed(2)} s)`,
        );
      }
    };
    if (parts.has('store')) {
      for (const groups of [writeGroups, readGroups]) {
        for (let roundIndex = 0; roundIndex < settings.rounds; roundIndex++) {
          for (const group of groups) await measureGroup(roundIndex, group);
        }
      }
      const logged = await admin.query<{ count: string }>('SELECT count(*) AS count FROM events');
      progress(`the log holds ${logged.rows[0].count} events`);
    }

    // The whole service, each on a fresh database of this server.
    const serviceResults: BenchResult[] = [];
    if (parts.has('lists')) serviceResults.push(...(await measureListJoins(connectionString, sizes, progress)));
    if (parts.has('ses')) serviceResults.push(...(await measureSes(connectionString, settings.durationMs, progress)));
    if (parts.has('rebuild')) serviceResults.push(...(await measureRebuild(connectionString, rebuild, progress)));
    if (parts.has('http')) serviceResults.push(...(await measureHttp(connectionString, http, progress)));
    reportLoad('after the run');

    const values = new Map(parts.has('store') ? cases.map((c) => [c.name, round(median(samples.get(c.name)!), 1)]) : []);
    // The ratio keeps each round's pair together: the median of ours ÷ raw per round. The rate of
    // the disk moves more between rounds than the two differ within one, so a ratio of the two
    // medians, taken from different rounds, would carry that drift.
    const roundRatios = (name: string, baseline: string): number[] => {
      const baselineRates = samples.get(baseline)!;
      return samples.get(name)!.map((rate, roundIndex) => round(rate / baselineRates[roundIndex], 2));
    };
    const results: BenchResult[] = !parts.has('store')
      ? []
      : cases.map((c) => {
          const value = values.get(c.name)!;
          if (!c.baseline) return { name: c.name, value, unit: c.unit };
          const baselineValue = values.get(c.baseline)!;
          const ratios = roundRatios(c.name, c.baseline);
          return { name: c.name, value, unit: c.unit, baseline: c.baseline, baselineValue, ratio: round(median(ratios), 2), roundRatios: ratios, goal: c.goal ?? null };
        });
    results.push(...serviceResults);
    for (const r of results) {
      if (r.ratio !== undefined && typeof r.goal === 'number') {
        progress(`${r.name}: ratio ${r.ratio} vs ${r.baseline}, goal ${r.goal}: ${r.ratio >= r.goal ? 'met' : 'MISSED'}`);
      }
    }

    const report: Report = { machine, results };
    const json = JSON.stringify(report, null, 2);
    const resultsDir = join(projectRoot(), 'bench', 'results');
    await mkdir(resultsDir, { recursive: true });
    await writeFile(join(resultsDir, 'latest.json'), `${json}\n`);
    const chart = listLatencyChart(results, `${machine.cpus} CPUs, ${machine.cpuModel}, Node ${machine.node}, PostgreSQL ${machine.postgres}`);
    if (chart) await writeFile(join(resultsDir, 'latest.svg'), chart);
    process.stdout.write(`${json}\n`);
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Other work on the machine skews the numbers (raw and ours alike, but not evenly): say so. */
function reportLoad(when: string): void {
  const [one] = loadavg();
  const busy = one > 0.5 ? ': other processes are using the CPUs, expect noisy numbers' : '';
  progress(`load average ${when}: ${one.toFixed(2)}${busy}`);
}

async function connect(connectionString: string): Promise<Client> {
  const client = new Client({ connectionString });
  client.on('error', (error) => progress(`client failed: ${error.message}`));
  await client.connect();
  return client;
}

async function describeMachine(admin: Client): Promise<Report['machine']> {
  const version = await admin.query<{ server_version: string }>('SHOW server_version');
  const processors = cpus();
  return {
    cpus: processors.length,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    postgres: version.rows[0].server_version,
  };
}

/** The settings that decide write throughput, for the progress log. */
async function serverSettings(admin: Client): Promise<string> {
  const names = ['fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'shared_buffers', 'shared_preload_libraries'];
  const { rows } = await admin.query<{ name: string; setting: string; unit: string | null }>(
    'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1) ORDER BY name',
    [names],
  );
  return rows.map((row) => `${row.name}=${row.setting || "''"}${row.unit && row.setting ? ` ${row.unit}` : ''}`).join(', ');
}

main().catch((error: unknown) => {
  progress(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
