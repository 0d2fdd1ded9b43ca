/**
 * Contact-list benchmarks: the whole service in-process (createApp, the contact-list sender with
 * LIST_UPDATE_DEBOUNCE_SECONDS=0) on a fresh database of the bench's throw-away PostgreSQL.
 *
 * - lists.join.g<N>: a group of N admitted members; one more member is admitted (their
 *   MemberJoined, EmailVerified and MemberAdmitted appended to the log in one append); the time
 *   until every list of the new version (N updated lists and the newcomer's welcome) is in the
 *   file mail sink. p50 as the value, p99 beside it, and the cost per list entry of the version.
 * - lists.join.growth: how that p50 grows with the entries of a version between the two largest groups.
 * - mail.ses: the same service with MAIL_TRANSPORT=ses sending a group's lists (100 recipients) to
 *   aws-ses-v2-local, emails per second from the first to the last ContactListDelivered, against
 *   sequential SendRawEmail calls of a message of the same size straight from @aws-sdk/client-ses.
 *
 * See docs/PERFORMANCE.md.
 */
import { SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import startSesEmulator from 'aws-ses-v2-local';
import { readdir, unlink } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RecordedEvent } from '../contracts/events/event-envelope';
import type { EventStore } from '../src/event-store/event-store.port';
import { composeMail } from '../src/mail/compose-mail';
import { type BenchResult, median, percentile, round, throughput } from './measure';
import { Group, MAIL_FROM, type Progress, SES_REGION, sleep, startService, until } from './service';

/** The emulator accepts any credentials; the service's SES client reads them from the environment. */
const DUMMY_CREDENTIALS = { accessKeyId: 'AKIDLOCALEMULATOR', secretAccessKey: 'local-emulator-secret' };
/** How long the sink must stay unchanged before the sender counts as idle. */
const QUIET_MS = 400;
const SES_GROUP = 100;
const SES_JOINS = 3;

/** Joins measured per group size; fewer for big groups (a join of a 5000-member group takes about a quarter of an hour). */
export function joinsFor(size: number): number {
  if (size <= 10) return 20;
  if (size <= 100) return 10;
  if (size <= 1000) return 3;
  return 1;
}

export function listSizes(): number[] {
  const text = process.env.BENCH_LIST_SIZES ?? '10,100,1000';
  const sizes = text.split(',').map((part) => Number(part.trim()));
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) throw new Error(`BENCH_LIST_SIZES must be comma-separated positive integers, not ${text}`);
  return sizes;
}

/**
 * The file sink as the bench sees it: each poll counts the .eml files that arrived and removes
 * them, so a big group's lists (a version of 5000 members is about 16 GB of mail) never pile up
 * on disk. The sink writes each file under a temporary name and renames it, so a file seen here
 * is complete.
 */
class SweptSink {
  private counted = 0;

  constructor(private readonly dir: string) {}

  /** Messages that arrived since the last reset(). */
  async count(): Promise<number> {
    const files = (await readdir(this.dir).catch(() => [] as string[])).filter((file) => file.endsWith('.eml'));
    await Promise.all(files.map((file) => unlink(join(this.dir, file))));
    this.counted += files.length;
    return this.counted;
  }

  async reset(): Promise<void> {
    await this.count();
    this.counted = 0;
  }

  /** Waits for `expected` messages, then for the sink to stay unchanged for QUIET_MS (the sender is idle). */
  async settled(expected: number, timeoutMs: number): Promise<void> {
    await until(`${expected} messages in the sink`, timeoutMs, async () => ((await this.count()) >= expected ? true : undefined));
    let last = await this.count();
    for (let quietSince = performance.now(); performance.now() - quietSince < QUIET_MS; ) {
      await sleep(50);
      const now = await this.count();
      if (now !== last) {
        last = now;
        quietSince = performance.now();
      }
    }
    if (last !== expected) throw new Error(`expected ${expected} messages in the sink, found ${last}`);
  }
}

/** How long one version of a group of `size` may take: 10 minutes, or 100 µs per entry when that is more (about 3 × the g1000 rate). */
function versionTimeoutMs(size: number): number {
  return Math.max(600_000, (size + 1) * size * 0.1);
}

/** lists.join.g<size>: p50 and p99 of join → every list of the new version in the sink. */
async function measureJoins(serverUrl: string, size: number, progress: Progress): Promise<BenchResult> {
  const service = await startService(serverUrl, { MAIL_TRANSPORT: 'file' });
  try {
    const group = new Group(service);
    await group.register();
    const seeding = performance.now();
    await group.seed(size);
    progress(`lists.join.g${size}: seeded ${size} admitted members in ${((performance.now() - seeding) / 1000).toFixed(1)} s; starting the service`);
    const sink = new SweptSink(service.mailDir);
    const first = performance.now();
    await service.start();
    // The first version goes to everyone (all newcomers): a welcome each.
    await sink.settled(size, versionTimeoutMs(size));
    progress(`lists.join.g${size}: first version (${size} welcomes) in the sink after ${((performance.now() - first) / 1000).toFixed(1)} s`);
    await sink.reset();

    const joins = joinsFor(size);
    // Small groups get an unmeasured warm-up join; in big ones the first version warmed up enough.
    const warmUp = size <= 100 ? 1 : 0;
    const samples: number[] = [];
    for (let i = 1 - warmUp; i <= joins; i++) {
      const recipients = size + i + warmUp; // everyone already in the group, and the newcomer
      const newcomer = await group.admittedMember();
      const started = performance.now();
      await group.append(newcomer.streamId, newcomer.events);
      await until(`the lists of join ${i}`, versionTimeoutMs(size), async () => ((await sink.count()) >= recipients ? true : undefined));
      const ms = performance.now() - started;
      await sink.settled(recipients, 60_000);
      await sink.reset();
      if (i === 0) {
        progress(`lists.join.g${size}: warm-up join ${ms.toFixed(0)} ms (${recipients} lists)`);
        continue;
      }
      samples.push(ms);
      progress(`lists.join.g${size}: join ${i}/${joins} ${ms.toFixed(0)} ms (${recipients} lists)`);
    }
    // One version: every member after the join gets a list of everyone else.
    const entriesPerVersion = (size + 1) * size;
    const p50 = percentile(samples, 50);
    return {
      name: `lists.join.g${size}`,
      value: round(p50, 1),
      unit: 'ms',
      p99: round(percentile(samples, 99), 1),
      samples: samples.length,
      entriesPerVersion,
      usPerEntry: round((p50 * 1000) / entriesPerVersion, 2),
    };
  } finally {
    await service.close();
  }
}

export async function measureListJoins(serverUrl: string, sizes: readonly number[], progress: Progress): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const size of sizes) results.push(await measureJoins(serverUrl, size, progress));
  const growth = listGrowth(results);
  return growth ? [...results, growth] : results;
}

/**
 * lists.join.growth: how the p50 of a join grows with the entries of one version (recipients ×
 * entries each, about N²) between the two largest groups measured: the exponent k in
 * time ∝ entries^k. 1 is linear in the list version (each entry costs the same in a bigger group);
 * below 1, fixed costs (the sender's poll) still weigh; above 1, something grows faster than the lists.
 */
function listGrowth(results: readonly BenchResult[]): BenchResult | undefined {
  const [smaller, larger] = [...results].sort((a, b) => (a.entriesPerVersion ?? 0) - (b.entriesPerVersion ?? 0)).slice(-2);
  if (!smaller || !larger || !smaller.entriesPerVersion || !larger.entriesPerVersion) return undefined;
  const exponent = Math.log(larger.value / smaller.value) / Math.log(larger.entriesPerVersion / smaller.entriesPerVersion);
  return { name: 'lists.join.growth', value: round(exponent, 2), unit: `exponent (${smaller.name} → ${larger.name})`, goal: null };
}

interface StoredSesEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

/**
 * mail.ses: ours (the service's lists through SES, first to last delivery) against raw
 * (sequential SendRawEmail of a message of the same size), measured before and after ours.
 */
export async function measureSes(serverUrl: string, durationMs: number, progress: Progress): Promise<BenchResult[]> {
  const emulator: Server = await startSesEmulator({ host: '127.0.0.1', port: 0 });
  const endpoint = `http://127.0.0.1:${(emulator.address() as AddressInfo).port}`;
  const client = new SESClient({ region: SES_REGION, endpoint, credentials: DUMMY_CREDENTIALS, maxAttempts: 1 });
  const stored = async (): Promise<StoredSesEmail[]> => ((await (await fetch(`${endpoint}/store`)).json()) as { emails: StoredSesEmail[] }).emails;
  const clearStore = async (): Promise<void> => {
    await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  };
  // The service's SES client takes its credentials from the SDK's usual sources.
  process.env.AWS_ACCESS_KEY_ID ??= DUMMY_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= DUMMY_CREDENTIALS.secretAccessKey;
  const service = await startService(serverUrl, { MAIL_TRANSPORT: 'ses', SES_ENDPOINT: endpoint });
  try {
    const group = new Group(service);
    await group.register();
    await group.seed(SES_GROUP - 1);
    await service.start();
    await until(`${SES_GROUP - 1} welcomes in the emulator`, 300_000, async () => ((await stored()).length >= SES_GROUP - 1 ? true : undefined));

    // The raw message: an updated list of this group, composed as the transport composes it.
    const sample = (await stored())[0];
    const { raw } = await composeMail(MAIL_FROM, { to: sample.destination.to[0], subject: sample.subject, text: sample.body.text ?? '', html: sample.body.html ?? '' }, new Date());
    progress(`mail.ses: raw message of ${raw.length} bytes (a welcome of the ${SES_GROUP - 1}-member group)`);
    const rawSend = async (): Promise<number> => {
      await client.send(new SendRawEmailCommand({ Source: MAIL_FROM, Destinations: [sample.destination.to[0]], RawMessage: { Data: raw } }));
      return 1;
    };
    const rawRate = async (): Promise<number> => {
      await clearStore();
      await throughput(rawSend, { durationMs: 500 });
      const t = await throughput(rawSend, { durationMs });
      await clearStore();
      progress(`mail.ses: raw SendRawEmail ${t.perSecond.toFixed(1)} emails/s (${t.units} in ${t.seconds.toFixed(2)} s)`);
      return t.perSecond;
    };

    const rawRates = [await rawRate()];
    const ours: number[] = [];
    for (let i = 0; i < SES_JOINS; i++) {
      const head = await service.store.headPosition();
      const newcomer = await group.admittedMember();
      await group.append(newcomer.streamId, newcomer.events);
      const recipients = SES_GROUP + i;
      const delivered = await until(`${recipients} deliveries`, 300_000, async () => {
        const events = await readAllAfter(service.store, head, ['ContactListDelivered']);
        return events.length >= recipients ? events : undefined;
      });
      const times = delivered.map((event) => event.recordedAt.getTime()).sort((a, b) => a - b);
      const spanSeconds = (times[times.length - 1] - times[0]) / 1000;
      const rate = (delivered.length - 1) / spanSeconds;
      ours.push(rate);
      progress(`mail.ses: ours ${rate.toFixed(1)} emails/s (${delivered.length} lists, first to last delivery ${spanSeconds.toFixed(2)} s)`);
      await until('the emulator to hold every list', 60_000, async () => ((await stored()).length >= recipients ? true : undefined));
      await sleep(QUIET_MS);
      await clearStore();
    }
    rawRates.push(await rawRate());

    const rawValue = round(median(rawRates), 1);
    const value = round(median(ours), 1);
    return [
      { name: 'raw.ses.sendRawEmail', value: rawValue, unit: 'emails/s' },
      { name: 'mail.ses', value, unit: 'emails/s', baseline: 'raw.ses.sendRawEmail', baselineValue: rawValue, ratio: round(value / rawValue, 2), goal: 0.5 },
    ];
  } finally {
    await service.close();
    client.destroy();
    emulator.closeAllConnections();
    await new Promise((resolve) => emulator.close(resolve));
  }
}

async function readAllAfter(store: EventStore, after: bigint, eventTypes: string[]): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let from = after; ; ) {
    const batch = await store.readAll({ after: from, filter: { eventTypes }, maxCount: 5000 });
    if (batch.length === 0) return events;
    events.push(...batch);
    from = batch[batch.length - 1].position;
  }
}
