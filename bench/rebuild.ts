/**
 * rebuild: every read model built from an empty state by the built service (a child process,
 * its ProjectionRunners as in production) over a log of BENCH_REBUILD_EVENTS realistic events,
 * against a raw keyset read of the same events (bench/workload.ts) before and after it on the same
 * server. The reactors (mail, admissions, erasure completion) keep their checkpoint at the head:
 * their effects happened when the events were new, and a rebuild of the read models does not redo them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { contactListStream, dispatchStream, type ListEntry } from '../contracts/events/contact-list.events';
import { diagnosisStream } from '../contracts/events/diagnosis.events';
import type { DomainEvent } from '../contracts/events/domain-event';
import { memberStream, type PersonalData } from '../contracts/events/membership.events';
import { PROJECTIONS, type Projection } from '../projections/runner/projection';
import { createApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { deletionKey, dispatchIdOf, type DeletionReason, listKey } from '../src/contact-lists/dispatch-keys';
import { KeyVault } from '../src/crypto/key-vault';
import { toNewEvents } from '../src/event-store/command-handling';
import { EVENT_STORE_POOL_SETTINGS, PostgresEventStore } from '../src/event-store/postgres/postgres-event-store';
import { type BenchResult, cpuBusySince, round } from './measure';
import { createBenchDatabase, type Progress, sleep, spawnService, webSignUp, withClient } from './service';
import { rawKeysetRead } from './workload';

const READ_BATCH = 1000;
/** Appends queued before waiting for them: the store sends queued appends together, in call order. */
const APPEND_WINDOW = 4000;


export interface RebuildSettings {
  /** BENCH_REBUILD_EVENTS: the log's size. */
  events: number;
  /** BENCH_PROJECTION_THREADS: the service's PROJECTION_THREADS; 1, the best measured on two cores (docs/PERFORMANCE.md), by default. */
  projectionThreads: number;
}

export function rebuildSettings(): RebuildSettings {
  const text = process.env.BENCH_REBUILD_EVENTS ?? '1000000';
  const events = Number(text);
  if (!Number.isInteger(events) || events < 1000) throw new Error(`BENCH_REBUILD_EVENTS must be a whole number of at least 1000, not ${text}`);
  const threadsText = process.env.BENCH_PROJECTION_THREADS ?? '1';
  const projectionThreads = Number(threadsText);
  if (![0, 1, 2].includes(projectionThreads)) throw new Error(`BENCH_PROJECTION_THREADS must be 0, 1 or 2, not ${threadsText}`);
  return { events, projectionThreads };
}

/** A small deterministic generator, so that every run writes a log of the same shape. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Writes a log of at least `target` events shaped like the network's: groups of 5-60 members who
 * join a few at a time (sign-up, verification link, verification, admission; personal data sealed
 * under each member's own key), each batch followed by a contact-list version dispatched to and
 * delivered to every member; now and then a rectification (a correction to everyone holding the
 * entry), a withdrawal (a deletion notice to everyone), an erasure, a withdrawn opt-in.
 */
async function writeLog(store: PostgresEventStore, vault: KeyVault, target: number, progress: Progress): Promise<{ events: number; members: number; groups: number }> {
  const next = random(20261129);
  const pick = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pending: Array<Promise<unknown>> = [];
  /** Streams with an append in `pending`: the store cannot put two appends to one stream in one statement, so a second one waits. */
  const queued = new Set<string>();
  let events = 0;
  let members = 0;
  let groups = 0;
  /** The first append that failed: kept until the next flush, so that no rejection goes unhandled while others are queued. */
  let failure: unknown;
  const flush = async (): Promise<void> => {
    await Promise.all(pending.splice(0));
    queued.clear();
    if (failure !== undefined) throw failure;
  };
  const append = async (streamId: string, domainEvents: DomainEvent[]): Promise<void> => {
    if (queued.has(streamId) || pending.length >= APPEND_WINDOW) await flush();
    queued.add(streamId);
    const appended = store.append(streamId, toNewEvents(domainEvents, { actorRole: 'system', correlationId: randomUUID(), now: new Date() }), 'any');
    pending.push(appended.catch((error: unknown) => (failure ??= error)));
    events += domainEvents.length;
  };
  const entryOf = (subjectId: string): ListEntry => ({ subjectId, fields: ['address', 'phone', 'email'], digest: randomBytes(32).toString('hex'), greenland: false });
  const reference = () => `SN-${randomBytes(5).toString('hex').slice(0, 8).toUpperCase()}`;
  const deliver = (dispatchId: string): DomainEvent => ({ type: 'ContactListDelivered', data: { dispatchId, providerMessageId: `<${dispatchId}@bench>`, attempt: 1, resent: false } });
  const started = performance.now();

  while (events < target) {
    const diagnosisId = randomUUID();
    const group = ++groups;
    await append(diagnosisStream(diagnosisId), [{ type: 'DiagnosisRegistered', data: { diagnosisId, name: `Benchsyndrom ${group}`, orphaCode: `ORPHA:${100000 + group}` } }]);
    // Seal the whole group first (one key per member), so that its events are queued in order, without waiting.
    const size = pick(5, 60);
    const people = await Promise.all(
      Array.from({ length: size }, async (_, i) => {
        const memberId = randomUUID();
        const personal = (street: string): PersonalData => ({
          name: `Åse Ærø-Þórðardóttir ${group}-${i}`,
          email: `m${group}.${i}@example.org`,
          phone: `+4520${String(100000 + ((group * 61 + i) % 900000)).slice(-6)}`,
          address: { street, postalCode: '2300', city: 'København S', country: 'DK' },
          birthYear: 1950 + ((group + i) % 60),
        });
        return {
          memberId,
          joined: await vault.seal(memberId, personal(`Ølandsgade ${i}`)),
          link: await vault.seal(memberId, { token: randomBytes(32).toString('base64url'), email: `m${group}.${i}@example.org` }),
          corrected: await vault.seal(memberId, personal(`Nørregade ${i}`)),
        };
      }),
    );
    const listable: string[] = [];
    // Who holds which copy: each recipient's latest list (its reference and version), each member's first version.
    const held = new Map<string, { listReference: string; version: number }>();
    const firstListed = new Map<string, number>();
    const erasedMembers = new Set<string>();
    let version = 0;
    for (let joined = 0; joined < size; ) {
      const batch = people.slice(joined, joined + pick(1, 4));
      joined += batch.length;
      for (const person of batch) {
        const { memberId } = person;
        const now = new Date().toISOString();
        await append(memberStream(memberId), [
          webSignUp({ memberId, diagnosisId, personal: person.joined, at: now, meetups: next() < 0.5 }),
          { type: 'EmailVerificationRequested', data: { memberId, purpose: 'sign-up', tokenHash: randomBytes(32).toString('hex'), expiresAt: now, sealed: person.link } },
          { type: 'EmailVerified', data: { memberId, purpose: 'sign-up', verifiedAt: now } },
          { type: 'MemberAdmitted', data: { memberId, diagnosisId, admittedAt: now } },
        ]);
        listable.push(memberId);
        members++;
      }
      // The batch's list version, to everyone now on the list.
      version++;
      const builtAtPosition = String(events);
      for (const person of batch) firstListed.set(person.memberId, version);
      await append(contactListStream(diagnosisId), [
        { type: 'ContactListVersionPublished', data: { diagnosisId, version, builtAtPosition, entries: listable.map(entryOf), newcomers: batch.map((person) => person.memberId) } },
      ]);
      for (const recipientId of listable) {
        const dispatchId = randomUUID();
        const listReference = reference();
        held.set(recipientId, { listReference, version });
        await append(dispatchStream(dispatchId), [
          {
            type: 'ContactListDispatched',
            data: { dispatchId, recipientId, diagnosisId, listVersion: version, builtAtPosition, view: { greenlandOnly: false }, listReference, idempotencyKey: listKey(recipientId, diagnosisId, version), channel: 'email' },
          },
          deliver(dispatchId),
        ]);
      }
      const earlier = people.slice(0, joined - batch.length).filter((person) => listable.includes(person.memberId));
      if (earlier.length === 0) continue;
      const someone = earlier[Math.floor(next() * earlier.length)];
      const others = listable.filter((memberId) => memberId !== someone.memberId);
      const roll = next();
      if (roll < 0.15) {
        // A rectification: the corrected entry to everyone who holds it.
        await append(memberStream(someone.memberId), [{ type: 'ContactDetailsUpdated', data: { memberId: someone.memberId, country: 'DK', fields: ['address'], personal: someone.corrected } }]);
        for (const recipientId of others) {
          const dispatchId = randomUUID();
          await append(dispatchStream(dispatchId), [
            { type: 'CorrectionDispatched', data: { dispatchId, recipientId, subjectId: someone.memberId, entry: entryOf(someone.memberId), builtAtPosition: String(events), listReference: reference(), channel: 'email' } },
            deliver(dispatchId),
          ]);
        }
      } else if (roll < 0.22) {
        // A withdrawal (now and then followed by erasure): a deletion notice for each reason to everyone
        // who holds the entry and can still be reached (members who left too; the erased have no address),
        // under the dispatch id the planner expects, so that the service finds nothing left to send.
        const now = new Date().toISOString();
        const erased = next() < 0.3;
        await append(memberStream(someone.memberId), [
          { type: 'ConsentWithdrawn', data: { memberId: someone.memberId, withdrawnBy: 'member', withdrawnAt: now } },
          ...(erased ? [{ type: 'MemberErased', data: { memberId: someone.memberId, erasedBy: 'member', erasedAt: now } }] : []),
        ]);
        listable.splice(listable.indexOf(someone.memberId), 1);
        const since = firstListed.get(someone.memberId) ?? version;
        const reasons: DeletionReason[] = erased ? ['withdrawn', 'erased'] : ['withdrawn'];
        for (const [recipientId, copy] of held) {
          if (recipientId === someone.memberId || copy.version < since || erasedMembers.has(recipientId)) continue;
          for (const reason of reasons) {
            const dispatchId = dispatchIdOf(deletionKey(recipientId, someone.memberId, reason, copy.listReference));
            await append(dispatchStream(dispatchId), [
              { type: 'DeletionNoticeDispatched', data: { dispatchId, recipientId, subjectId: someone.memberId, reason, listReference: reference(), channel: 'email' } },
              deliver(dispatchId),
            ]);
          }
        }
        if (erased) erasedMembers.add(someone.memberId);
      } else if (roll < 0.3) {
        await append(memberStream(someone.memberId), [{ type: 'OptInWithdrawn', data: { memberId: someone.memberId, optIn: 'newsletter', withdrawnBy: 'member', withdrawnAt: new Date().toISOString() } }]);
      }
    }
    if (groups % 200 === 0) progress(`rebuild: ${events} events written (${groups} groups, ${members} members), ${Math.round(events / ((performance.now() - started) / 1000))} events/s`);
  }
  await flush();
  return { events, members, groups };
}

/** Events per second of a sweep through the whole log in keyset pages, as a hand-written reader would do it. */
async function rawReadRate(connectionString: string): Promise<{ perSecond: number; rows: number }> {
  return withClient(connectionString, async (client) => {
    const started = performance.now();
    let rows = 0;
    for (let after = '0'; ; ) {
      const page = await client.query<{ position: string }>(rawKeysetRead(after));
      rows += page.rows.length;
      if (page.rows.length < READ_BATCH) break;
      after = page.rows[page.rows.length - 1].position;
    }
    return { perSecond: rows / ((performance.now() - started) / 1000), rows };
  });
}

/** The service's projections by name: version, and whether it is a reactor (its effects are not redone). */
async function projectionsOf(connectionString: string, masterKey: string): Promise<Array<{ name: string; version: number; reactor: boolean }>> {
  const config = loadConfig({ DATABASE_URL: connectionString, MASTER_KEY: masterKey });
  // Built, never started: only to read which projections exist.
  const app = await createApp({ config, connectionString, masterKey: Buffer.from(masterKey, 'base64') }, false);
  try {
    return app.get<Projection[]>(PROJECTIONS).map((projection) => ({ name: projection.name, version: projection.version, reactor: projection.constructor.name.endsWith('Reactor') }));
  } finally {
    await app.close();
  }
}

export async function measureRebuild(serverUrl: string, { events: target, projectionThreads }: RebuildSettings, progress: Progress): Promise<BenchResult[]> {
  const database = await createBenchDatabase(serverUrl);
  const masterKey = randomBytes(32).toString('base64');
  try {
    const pool = new Pool({ ...EVENT_STORE_POOL_SETTINGS, connectionString: database.connectionString });
    const store = new PostgresEventStore(pool);
    let written: Awaited<ReturnType<typeof writeLog>>;
    let head: bigint;
    try {
      written = await writeLog(store, await KeyVault.open(pool, Buffer.from(masterKey, 'base64')), target, progress);
      head = await store.headPosition();
    } finally {
      await store.close();
      await pool.end();
    }
    progress(`rebuild: the log holds ${head} events (${written.groups} groups, ${written.members} members)`);
    const projections = await projectionsOf(database.connectionString, masterKey);
    const readModels = projections.filter((projection) => !projection.reactor).map((projection) => projection.name);
    await withClient(database.connectionString, async (client) => {
      await client.query('VACUUM ANALYZE events');
      for (const reactor of projections.filter((projection) => projection.reactor)) {
        await client.query('INSERT INTO projection_checkpoints (name, version, position) VALUES ($1, $2, $3)', [reactor.name, reactor.version, head.toString()]);
      }
    });

    const before = await rawReadRate(database.connectionString);
    progress(`rebuild: raw keyset read ${Math.round(before.perSecond)} rows/s (${before.rows} rows)`);
    const service = await spawnService(database.connectionString, masterKey, { MAIL_TRANSPORT: 'file', PROJECTION_THREADS: String(projectionThreads) }, progress);
    let times: Map<string, number>;
    let peakRssMiB: number;
    let cpuBusy: number | undefined;
    let mailsSent: number;
    try {
      const cpu = cpuBusySince();
      times = await untilRebuilt(database.connectionString, readModels, head, progress);
      cpuBusy = cpu();
      peakRssMiB = (await service.memory()).peakRssMiB;
      mailsSent = await service.mailsWritten();
    } finally {
      await service.stop();
    }
    const after = await rawReadRate(database.connectionString);
    progress(`rebuild: raw keyset read ${Math.round(after.perSecond)} rows/s after the rebuild`);

    const baselineValue = round((before.perSecond + after.perSecond) / 2, 1);
    const seconds = Math.max(...times.values());
    const busy = cpuBusy === undefined ? '' : `, the CPUs ${Math.round(cpuBusy * 100)} % busy`;
    progress(`rebuild: ${readModels.length} read models (PROJECTION_THREADS=${projectionThreads}) from ${head} events in ${seconds.toFixed(1)} s, peak RSS ${peakRssMiB.toFixed(0)} MiB${busy}`);
    // A log whose every message was sent leaves the service nothing to send: mail here means the log left work due.
    if (mailsSent > 0) progress(`rebuild: WARNING the service sent ${mailsSent} mails meanwhile: the bench's log left messages due, and sending them slowed the rebuild`);
    const rate = (name: string, secondsTaken: number, goal: number | null): BenchResult => {
      const value = round(Number(head) / secondsTaken, 1);
      return { name, value, unit: 'events/s', baseline: 'raw.read.keyset.rebuildLog', baselineValue, ratio: round(value / baselineValue, 2), goal };
    };
    return [
      { name: 'raw.read.keyset.rebuildLog', value: baselineValue, unit: 'rows/s', samples: Number(head) },
      { ...rate('rebuild', seconds, 0.5), projectionThreads, peakRssMiB: round(peakRssMiB, 0), ...(cpuBusy === undefined ? {} : { cpuBusy: round(cpuBusy, 2) }), mailsSent },
      // Each read model's own rate while all were rebuilt together: which ones hold the rebuild up.
      ...[...times].sort((a, b) => b[1] - a[1]).map(([name, secondsTaken]) => rate(`rebuild.${name}`, secondsTaken, null)),
    ];
  } finally {
    await database.drop();
  }
}

/**
 * Seconds from the first read model's start (its checkpoint row appears) until each read model's
 * checkpoint has reached `head` and it has put its deferred upkeep back (indexes, autovacuum), by
 * name; reports each one as it gets there.
 */
async function untilRebuilt(connectionString: string, readModels: string[], head: bigint, progress: Progress): Promise<Map<string, number>> {
  return withClient(connectionString, async (client) => {
    let started: number | undefined;
    const done = new Map<string, number>();
    for (;;) {
      // A read model is rebuilt once its checkpoint is at the head and it has put back the upkeep it deferred.
      const { rows } = await client.query<{ name: string; position: string; failed_at_position: string | null; deferring: boolean }>(
        `SELECT c.name, c.position::text, c.failed_at_position::text,
                EXISTS (SELECT 1 FROM projection_deferred_upkeep d WHERE d.projection = c.name) AS deferring
         FROM projection_checkpoints c WHERE c.name = ANY($1)`,
        [readModels],
      );
      const now = performance.now();
      if (rows.length > 0) started ??= now;
      for (const row of rows) {
        if (row.failed_at_position !== null) throw new Error(`read model ${row.name} failed at position ${row.failed_at_position}`);
        if (BigInt(row.position) >= head && !row.deferring && !done.has(row.name)) {
          done.set(row.name, (now - (started ?? now)) / 1000);
          progress(`rebuild: ${row.name} caught up after ${done.get(row.name)?.toFixed(1)} s`);
        }
      }
      if (done.size === readModels.length) return done;
      await sleep(50);
    }
  });
}
