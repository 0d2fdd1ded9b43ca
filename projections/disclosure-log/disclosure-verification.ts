import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ListEntry } from '../../contracts/events/contact-list.events';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import { Listability, recipientView, type Unlawful } from '../../src/contact-lists/listability';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port';
import {
  canonicalJson,
  chainHash,
  DISPATCH_EVENT_TYPES,
  type DispatchEvent,
  entriesHash,
  entryOf,
  GENESIS_HASH,
  listVersionOf,
  versionHash,
  versionKey,
} from './disclosure-entry';
import { ENTRY_COLUMNS, type EntryRow, entryOfRow, loadListVersion, loadViewEntries, type Sql, type StoredListVersion } from './disclosure-rows';

/** Which part of the verification found a problem. */
export type VerificationCheck = 'chain' | 'event-log' | 'lawfulness';

export type VerificationReason =
  /** chain: the row's seq is not the one after the previous row's. */
  | 'sequence-gap'
  /** chain: prev_hash is not the previous row's hash. */
  | 'prev-hash-mismatch'
  /** chain: the row's content does not give its hash (the row was changed). */
  | 'hash-mismatch'
  /** event-log: the row does not say what the dispatch event at its position says. */
  | 'differs-from-event-log'
  /** event-log: no dispatch event at the row's position. */
  | 'not-in-event-log'
  /** event-log: a dispatch event has no row (the disclosure log under-reports). */
  | 'missing-from-disclosure-log'
  /** lawfulness: the list version the dispatch refers to was not published before it, or is not stored. */
  | 'list-version-unknown'
  /** lawfulness: the stored entries (of the list version, or of the view) are not the ones the row was chained with. */
  | 'list-version-altered'
  /** lawfulness: the dispatch and its version name different positions. */
  | 'built-at-mismatch'
  /** lawfulness: the recorded build position is not before the dispatch. */
  | 'built-after-dispatch'
  /** lawfulness: at the recorded position, showing this data to this recipient was not allowed. */
  | 'unlawful';

/** One finding, by ids and positions only (no personal data). */
export interface VerificationProblem {
  /** The disclosure entry (for missing-from-disclosure-log: the seq the missing entry would have). */
  seq: string;
  /** Position of the dispatch in the event log. */
  position: string;
  dispatchId?: string;
  check: VerificationCheck;
  reason: VerificationReason;
  /** For 'unlawful': the rule that was broken (Listability's reason, or recipient-not-in-group). */
  rule?: Unlawful | 'recipient-not-in-group';
  /** For 'unlawful': the first subject whose data should not have been shown. */
  subjectId?: string;
  /** For 'unlawful': how many subjects of the message should not have been shown. */
  unlawfulSubjects?: number;
  builtAtPosition?: string;
}

export interface VerificationReport {
  ok: boolean;
  /** Disclosure entries checked (chain rows). */
  entries: number;
  /** The projection's checkpoint: entries and events up to this position were checked. */
  checkedUpToPosition: string;
  /** The head of the event log when the verification started: beyond checkedUpToPosition, dispatches are not verified yet (the projection lags or has stopped). */
  logHeadPosition: string;
  /** The disclosure log stopped at this event (it failed to apply it): nothing after it is in the log, so the report is not ok. */
  projectionFailedAtPosition?: string;
  eventsReplayed: number;
  /** The problem with the lowest seq (chain, event-log or lawfulness). */
  firstBrokenEntry?: VerificationProblem;
  /** The first problems by seq (at most maxProblems). */
  problems?: VerificationProblem[];
  /** How many problems were found in all. */
  problemCount?: number;
}

/** Reads the disclosure log's tables; the verification needs nothing else from the read model. */
export interface DisclosureLogReader {
  /** Chained rows in seq order, after a seq. */
  chainRows(afterSeq: bigint, limit: number): Promise<EntryRow[]>;
  /** Rows that disclosed data, in (built_at_position, seq) order, after a key. */
  lawfulnessRows(after: { builtAt: bigint; seq: bigint } | undefined, limit: number): Promise<EntryRow[]>;
  listVersion(diagnosisId: string, version: number): Promise<StoredListVersion | undefined>;
  /** The entries a self-service view showed, in order. */
  viewEntries(dispatchId: string): Promise<ListEntry[]>;
}

export interface VerificationOptions {
  /** Events per readAll and rows per query. */
  batchSize?: number;
  maxProblems?: number;
}

/**
 * Verifies the disclosure log against the event log, in ONE pass over the log:
 * - chain: every row's seq follows the previous one, its prev_hash is the previous hash, and its
 *   content gives its hash;
 * - event log: rows and dispatch events correspond one to one, and each row says what its event
 *   says (so a chain rewritten as a whole is caught too, and so is a missing row);
 * - lawfulness: the replay folds a fresh Listability; when it reaches an entry's builtAtPosition,
 *   every subject in the entry's recipient view is checked with `unlawfulness` (consent,
 *   admission, restriction, erasure, same group or consented cluster, Greenland, shared fields,
 *   recipient admitted), and the recipient must be in the list's group; a self-service view is
 *   judged the same way, by the entries it recorded.
 *
 * Three cursors move forward together: the events (readAll in batches), the rows in seq order
 * (= log order) and the rows that disclosed data in build-position order. Memory: the fold, a
 * batch of each, a few list versions, and one hash per published list version.
 */
export async function verifyDisclosures(store: EventStore, reader: DisclosureLogReader, upTo: bigint, options: VerificationOptions = {}): Promise<VerificationReport> {
  const batchSize = options.batchSize ?? 1000;
  const head = await store.headPosition();
  const problems = new Problems(options.maxProblems ?? 100);
  const fold = new Listability();
  const chain = new Cursor<EntryRow>((last) => reader.chainRows(last ? BigInt(last.seq) : 0n, batchSize), batchSize);
  const toCheck = new Cursor<EntryRow>(
    (last) => reader.lawfulnessRows(last ? { builtAt: BigInt(last.built_at_position as string), seq: BigInt(last.seq) } : undefined, batchSize),
    batchSize,
  );
  const versions = new VersionCache(reader);
  /** versionKey -> hash of the version as first published in the log. */
  const published = new Map<string, string>();
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  let eventsReplayed = 0;

  /** Chain checks of the next row in seq order. */
  const takeChainRow = (row: EntryRow): void => {
    entries++;
    const seq = BigInt(row.seq);
    if (seq !== expectedSeq) problems.add(row, 'chain', 'sequence-gap');
    else if (row.prev_hash !== prevHash) problems.add(row, 'chain', 'prev-hash-mismatch');
    if (chainHash(row.prev_hash, entryOfRow(row)) !== row.hash) problems.add(row, 'chain', 'hash-mismatch');
    expectedSeq = seq + 1n;
    prevHash = row.hash;
  };

  /** The row of a dispatch event: the next in seq order, at the event's position. */
  const matchDispatch = async (event: RecordedEvent): Promise<void> => {
    for (;;) {
      const row = await chain.peek();
      if (!row || BigInt(row.position) > event.position) {
        const dispatchId = (event as unknown as DispatchEvent).data.dispatchId;
        problems.addMissing({ seq: expectedSeq.toString(), position: event.position.toString(), dispatchId, check: 'event-log', reason: 'missing-from-disclosure-log' });
        return;
      }
      await chain.next();
      takeChainRow(row);
      if (BigInt(row.position) < event.position) {
        problems.add(row, 'event-log', 'not-in-event-log');
        continue;
      }
      const dispatch = event as unknown as DispatchEvent;
      const listHash = dispatch.type === 'ContactListDispatched' ? (published.get(versionKey(dispatch.data.diagnosisId, dispatch.data.listVersion)) ?? null) : null;
      if (canonicalJson(entryOf(event, BigInt(row.seq), listHash)) !== canonicalJson(entryOfRow(row))) problems.add(row, 'event-log', 'differs-from-event-log');
      return;
    }
  };

  /** Every entry the recipient was shown, judged by the fold; and the recipient must be in the list's group. */
  const judgeShown = (row: EntryRow, shown: readonly ListEntry[]): void => {
    let first: { rule: Unlawful; subjectId: string } | undefined;
    let unlawful = 0;
    for (const entry of shown) {
      const rule = fold.unlawfulness(row.recipient_id, entry.subjectId, entry.fields);
      if (rule === undefined) continue;
      unlawful++;
      first ??= { rule, subjectId: entry.subjectId };
    }
    if (first) {
      problems.add(row, 'lawfulness', 'unlawful', { ...first, unlawfulSubjects: unlawful });
    } else if (shown.length > 0 && fold.member(row.recipient_id)?.diagnosisId !== row.diagnosis_id) {
      problems.add(row, 'lawfulness', 'unlawful', { rule: 'recipient-not-in-group' });
    }
  };

  /** Lawfulness of one entry, with the fold standing at the entry's builtAtPosition. */
  const checkLawfulness = async (row: EntryRow): Promise<void> => {
    if (BigInt(row.built_at_position as string) >= BigInt(row.position)) problems.add(row, 'lawfulness', 'built-after-dispatch');
    if (row.kind === 'correction') {
      const rule = row.subject_id === null ? undefined : fold.unlawfulness(row.recipient_id, row.subject_id, row.subject_fields ?? []);
      if (rule) problems.add(row, 'lawfulness', 'unlawful', { rule, subjectId: row.subject_id ?? undefined, unlawfulSubjects: 1 });
      return;
    }
    if (row.kind === 'contact-list-view') {
      const shown = await reader.viewEntries(row.dispatch_id);
      if (entriesHash(shown) !== row.version_hash) problems.add(row, 'lawfulness', 'list-version-altered');
      judgeShown(row, shown);
      return;
    }
    const version = row.diagnosis_id === null || row.list_version === null ? undefined : await versions.get(row.diagnosis_id, row.list_version);
    if (!version || row.version_hash === null) {
      problems.add(row, 'lawfulness', 'list-version-unknown');
      return;
    }
    if (version.hash !== row.version_hash || version.stored.storedHash !== row.version_hash) problems.add(row, 'lawfulness', 'list-version-altered');
    if (BigInt(version.stored.builtAtPosition) !== BigInt(row.built_at_position as string)) problems.add(row, 'lawfulness', 'built-at-mismatch');
    judgeShown(row, recipientView(version.stored.entries, row.recipient_id, row.greenland_only ?? false));
  };

  /** Checks every entry built from a position before `position` (all remaining ones if undefined). */
  const checkBuiltBefore = async (position: bigint | undefined): Promise<void> => {
    for (;;) {
      const row = await toCheck.peek();
      if (!row || (position !== undefined && BigInt(row.built_at_position as string) >= position)) return;
      await toCheck.next();
      await checkLawfulness(row);
    }
  };

  let after = 0n;
  replay: for (;;) {
    const batch = await store.readAll({ after, maxCount: batchSize });
    if (batch.length === 0) break;
    for (const event of batch) {
      if (event.position > upTo) break replay;
      await checkBuiltBefore(event.position);
      fold.apply(event);
      eventsReplayed++;
      if (event.type === 'ContactListVersionPublished') {
        const version = listVersionOf(event);
        const key = versionKey(version.diagnosisId, version.version);
        if (!published.has(key)) published.set(key, versionHash(version));
      } else if (DISPATCH_EVENT_TYPES.has(event.type)) {
        await matchDispatch(event);
      }
    }
    after = batch[batch.length - 1].position;
  }
  await checkBuiltBefore(undefined);
  for (let row = await chain.next(); row; row = await chain.next()) {
    takeChainRow(row);
    problems.add(row, 'event-log', 'not-in-event-log');
  }

  const found = problems.sorted();
  return {
    ok: problems.count === 0,
    entries,
    checkedUpToPosition: upTo.toString(),
    logHeadPosition: head.toString(),
    eventsReplayed,
    ...(found.length > 0 ? { firstBrokenEntry: found[0], problems: found, problemCount: problems.count } : {}),
  };
}

/** The verification of the service's disclosure log against its event store. */
@Injectable()
export class DisclosureVerification {
  private running?: Promise<VerificationReport>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /**
   * Verifies everything the projection has applied (up to its checkpoint), reading the tables in
   * one read-only snapshot. Requests that come while a verification runs share its result.
   */
  verify(options: VerificationOptions = {}): Promise<VerificationReport> {
    this.running ??= this.run(options).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(options: VerificationOptions): Promise<VerificationReport> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      const [checkpoint]: Array<{ position: string; failed_at_position: string | null }> = await runner.query(
        'SELECT position::text, failed_at_position::text FROM projection_checkpoints WHERE name = $1',
        ['disclosure-log'],
      );
      const report = await verifyDisclosures(this.store, new SqlDisclosureLogReader(runner), BigInt(checkpoint?.position ?? '0'), options);
      // What was checked may be intact, but a log that stopped holds nothing of what came after.
      const stoppedAt = checkpoint?.failed_at_position ?? null;
      return stoppedAt === null ? report : { ...report, ok: false, projectionFailedAtPosition: stoppedAt };
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    }
  }
}

/** The reader over the PostgreSQL tables (in the caller's snapshot). */
export class SqlDisclosureLogReader implements DisclosureLogReader {
  constructor(private readonly sql: Sql) {}

  chainRows(afterSeq: bigint, limit: number): Promise<EntryRow[]> {
    return this.sql.query(`SELECT ${ENTRY_COLUMNS} FROM disclosure_log WHERE seq > $1 ORDER BY disclosure_log.seq LIMIT $2`, [afterSeq.toString(), limit]);
  }

  lawfulnessRows(after: { builtAt: bigint; seq: bigint } | undefined, limit: number): Promise<EntryRow[]> {
    return this.sql.query(
      `SELECT ${ENTRY_COLUMNS} FROM disclosure_log
       WHERE discloses_data AND built_at_position IS NOT NULL AND (built_at_position, seq) > ($1::bigint, $2::bigint)
       ORDER BY disclosure_log.built_at_position, disclosure_log.seq LIMIT $3`,
      [(after?.builtAt ?? -1n).toString(), (after?.seq ?? 0n).toString(), limit],
    );
  }

  listVersion(diagnosisId: string, version: number): Promise<StoredListVersion | undefined> {
    return loadListVersion(this.sql, diagnosisId, version);
  }

  viewEntries(dispatchId: string): Promise<ListEntry[]> {
    return loadViewEntries(this.sql, dispatchId);
  }
}

/** Rows fetched in batches, one at a time. */
class Cursor<Row> {
  private rows: Row[] = [];
  private index = 0;
  private last?: Row;
  private exhausted = false;

  constructor(
    private readonly fetch: (last: Row | undefined) => Promise<Row[]>,
    private readonly batchSize: number,
  ) {}

  async peek(): Promise<Row | undefined> {
    if (this.index < this.rows.length) return this.rows[this.index];
    if (this.exhausted) return undefined;
    this.rows = await this.fetch(this.last);
    this.index = 0;
    if (this.rows.length < this.batchSize) this.exhausted = true;
    if (this.rows.length > 0) this.last = this.rows[this.rows.length - 1];
    return this.rows[0];
  }

  async next(): Promise<Row | undefined> {
    const row = await this.peek();
    if (row !== undefined) this.index++;
    return row;
  }
}

/** The list versions in use, each with the hash of its stored content, computed once per load. */
class VersionCache {
  private readonly versions = new Map<string, { stored: StoredListVersion; hash: string } | undefined>();

  constructor(
    private readonly reader: DisclosureLogReader,
    private readonly capacity = 16,
  ) {}

  async get(diagnosisId: string, version: number): Promise<{ stored: StoredListVersion; hash: string } | undefined> {
    const key = versionKey(diagnosisId, version);
    if (this.versions.has(key)) {
      const cached = this.versions.get(key);
      this.versions.delete(key);
      this.versions.set(key, cached);
      return cached;
    }
    const stored = await this.reader.listVersion(diagnosisId, version);
    const loaded = stored && { stored, hash: versionHash(stored) };
    this.versions.set(key, loaded);
    if (this.versions.size > this.capacity) this.versions.delete(this.versions.keys().next().value as string);
    return loaded;
  }
}

const CHECK_ORDER: Record<VerificationCheck, number> = { chain: 0, 'event-log': 1, lawfulness: 2 };

/** The problems found, the first `max` by seq kept (bounded memory), and how many in all. */
class Problems {
  private kept: VerificationProblem[] = [];
  count = 0;

  constructor(private readonly max: number) {}

  add(row: EntryRow, check: VerificationCheck, reason: VerificationReason, extra: Partial<VerificationProblem> = {}): void {
    this.addMissing({
      seq: row.seq,
      position: row.position,
      dispatchId: row.dispatch_id,
      check,
      reason,
      ...(row.built_at_position !== null && check === 'lawfulness' ? { builtAtPosition: row.built_at_position } : {}),
      ...extra,
    });
  }

  addMissing(problem: VerificationProblem): void {
    this.count++;
    this.kept.push(problem);
    if (this.kept.length >= this.max * 2) this.kept = this.sorted();
  }

  sorted(): VerificationProblem[] {
    return [...this.kept].sort(compareProblems).slice(0, this.max);
  }
}

function compareProblems(a: VerificationProblem, b: VerificationProblem): number {
  const bySeq = BigInt(a.seq) - BigInt(b.seq);
  if (bySeq !== 0n) return bySeq < 0n ? -1 : 1;
  return CHECK_ORDER[a.check] - CHECK_ORDER[b.check];
}

