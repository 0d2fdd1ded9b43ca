/**
 * The service under benchmark, on a fresh database of the bench's throw-away PostgreSQL: in-process
 * (createApp, as the end-to-end tests run it) or as a child process of the built service
 * (dist/src/main.js, as it is deployed), and a group of admitted members written straight to its log.
 */
import type { INestApplication } from '@nestjs/common';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { diagnosisStream, type DiagnosisRegistered } from '../contracts/events/diagnosis.events';
import type { DomainEvent } from '../contracts/events/domain-event';
import { type MemberJoined, memberStream, type PersonalData } from '../contracts/events/membership.events';
import { createApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { KeyVault } from '../src/crypto/key-vault';
import { migrate } from '../src/database/database';
import { toNewEvents } from '../src/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port';

export type Progress = (line: string) => void;

export const MAIL_FROM = 'netvaerket@sjaeldnediagnoser.dk';
export const SES_REGION = 'eu-north-1';
const POLL_MS = 5;

/** The project root, both from bench/ (ts) and from dist/bench/ (compiled). */
export function projectRoot(): string {
  return existsSync(join(__dirname, '..', 'package.json')) ? join(__dirname, '..') : join(__dirname, '..', '..');
}

/** A fresh, migrated database of its own on the bench's server. */
export interface BenchDatabase {
  connectionString: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const connectionString = url.toString();
  await migrate(connectionString);
  return { connectionString, drop: () => withClient(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}

/** The service in-process on a database of its own, built but not yet started (runners and sender start in start()). */
export interface Service {
  app: INestApplication;
  store: EventStore;
  vault: KeyVault;
  connectionString: string;
  masterKey: string;
  mailDir: string;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startService(serverUrl: string, env: Record<string, string>): Promise<Service> {
  const database = await createBenchDatabase(serverUrl);
  const dataDir = await mkdtemp(join(tmpdir(), 'sjn-bench-app-'));
  const masterKey = randomBytes(32).toString('base64');
  let app: INestApplication | undefined;
  const close = async (): Promise<void> => {
    await app?.close().catch(() => undefined);
    await database.drop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const config = loadConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: database.connectionString,
      MASTER_KEY: masterKey,
      LIST_UPDATE_DEBOUNCE_SECONDS: '0',
      MAIL_FROM,
      AWS_REGION: SES_REGION,
      ...env,
    });
    app = await createApp({ config, connectionString: database.connectionString, masterKey: Buffer.from(masterKey, 'base64') }, false);
    const started = app;
    return {
      app: started,
      store: started.get<EventStore>(EVENT_STORE),
      vault: started.get(KeyVault),
      connectionString: database.connectionString,
      masterKey,
      mailDir: join(dataDir, 'mail'),
      start: async () => {
        await started.init();
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The built service (dist/src/main.js) as a child process on an existing database. */
export interface ServiceProcess {
  url: string;
  pid: number;
  /** Resident memory now and at its peak (VmRSS and VmHWM of /proc/<pid>/status), in MiB. */
  memory(): Promise<{ rssMiB: number; peakRssMiB: number }>;
  /** How many mails it has written to its file transport (DATA_DIR/mail) so far. */
  mailsWritten(): Promise<number>;
  stop(): Promise<void>;
}

export async function spawnService(connectionString: string, masterKey: string, env: Record<string, string>, progress: Progress): Promise<ServiceProcess> {
  const main = join(projectRoot(), 'dist', 'src', 'main.js');
  const dataDir = await mkdtemp(join(tmpdir(), 'sjn-bench-process-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, DATABASE_URL: connectionString, MASTER_KEY: masterKey, PORT: String(port), MAIL_FROM, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors = `${errors}${chunk.toString('utf8')}`.slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await until('the service process to answer', 60_000, async () => {
      if (child.exitCode !== null) throw new Error(`the service process exited early: ${errors}`);
      const response = await fetch(`${url}/health/live`).catch(() => undefined);
      return response?.ok ? true : undefined;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  progress(`service process ${child.pid} listening on ${url}`);
  return {
    url,
    pid: child.pid ?? 0,
    memory: async () => {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
    },
    mailsWritten: async () => (await readdir(join(dataDir, 'mail')).catch(() => [] as string[])).filter((file) => file.endsWith('.eml')).length,
    stop,
  };
}

/** A group and its members, written straight to the log (as test/member-admin.e2e.spec.ts does). */
export class Group {
  readonly diagnosisId = randomUUID();
  private readonly tag = randomUUID().slice(0, 6);
  private count = 0;

  constructor(private readonly service: { store: EventStore; vault: KeyVault }) {}

  async register(): Promise<void> {
    const registered: DiagnosisRegistered = { type: 'DiagnosisRegistered', data: { diagnosisId: this.diagnosisId, name: `Benchsyndrom ${this.tag}` } };
    await this.append(diagnosisStream(this.diagnosisId), [registered]);
  }

  /** The sealed events of a verified, admitted web sign-up; sealing is done here, outside any timing. */
  async admittedMember(): Promise<{ streamId: string; events: DomainEvent[] }> {
    const n = ++this.count;
    const memberId = randomUUID();
    const personal: PersonalData = {
      name: `Søren Ærø-Þórðarson ${n} ${this.tag}`,
      email: `m${n}.${this.tag}@example.org`,
      phone: `+4520${String(100000 + n).slice(-6)}`,
      address: { street: `Ølandsgade ${n}`, postalCode: '2300', city: 'København S', country: 'DK' },
      birthYear: 1960 + (n % 50),
    };
    const now = new Date().toISOString();
    const joined = webSignUp({ memberId, diagnosisId: this.diagnosisId, personal: await this.service.vault.seal(memberId, personal), at: now, meetups: false });
    return {
      streamId: memberStream(memberId),
      events: [
        joined,
        { type: 'EmailVerified', data: { memberId, purpose: 'sign-up', verifiedAt: now } },
        { type: 'MemberAdmitted', data: { memberId, diagnosisId: this.diagnosisId, admittedAt: now } },
      ],
    };
  }

  async append(streamId: string, events: DomainEvent[]): Promise<void> {
    await this.service.store.append(streamId, toNewEvents(events, { actorRole: 'system', correlationId: randomUUID(), now: new Date() }), 'any');
  }

  /** Seeds `size` admitted members, a few appends at a time. */
  async seed(size: number): Promise<void> {
    for (let done = 0; done < size; ) {
      const batch = Math.min(16, size - done);
      const members = await Promise.all(Array.from({ length: batch }, () => this.admittedMember()));
      await Promise.all(members.map((member) => this.append(member.streamId, member.events)));
      done += batch;
    }
  }
}

export async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function withClient<T>(connectionString: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The MemberJoined of a web sign-up as the bench writes it: consent to share every field with the group, newsletter opted in. */
export function webSignUp(input: { memberId: string; diagnosisId: string; personal: string; at: string; meetups: boolean }): MemberJoined {
  const { memberId, diagnosisId, personal, at, meetups } = input;
  return {
    type: 'MemberJoined',
    data: {
      memberId,
      diagnosisId,
      role: 'patient',
      country: 'DK',
      language: 'da',
      consent: {
        textVersion: '1',
        language: 'da',
        channel: 'web',
        givenBy: 'self',
        attestedByStaff: false,
        sharedFields: ['address', 'phone', 'email'],
        scope: 'group',
        allowTransferToGreenland: false,
        givenAt: at,
      },
      optIns: { newsletter: true, meetups, facebookInvite: false },
      personal,
    },
  };
}
