import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { RETENTION_RUNS_STREAM, type RetentionRuleCount, type RetentionRunCompleted } from '../../contracts/events/retention.events';
import { RETENTION_CANDIDATES } from '../../projections/retention-candidates/retention-candidates.projector';
import { RetentionCandidates } from '../../projections/retention-candidates/retention-candidates.queries';
import { waitForProjection } from '../../projections/runner/catch-up';
import { runAlone } from '../database/session-lock';
import { Clock, IdGenerator } from '../domain/clock';
import { DomainError } from '../domain/domain-error';
import { type CommandContext, toNewEvents } from '../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { DATABASE_URL } from '../infrastructure.module';
import { MemberSessions } from '../member-access/member-sessions';
import { EraseMemberCommand } from '../membership/erase-member/erase-member.command';
import { RETENTION_POLICY, type RetentionRule, type RetentionRuleName, retentionCutoff } from './retention-policy';

const LOCK_NAME = 'retention';
/** How long a run waits for the retention-candidates projection to reach the log's head. */
const CATCH_UP_TIMEOUT_MS = 60_000;

type Counts = Omit<RetentionRuleCount, 'keptFor'>;
export type RetentionRun = RetentionRunCompleted['data'];

export type RetentionRunOutcome =
  | { status: 'completed'; run: RetentionRun }
  /** What is due, nothing changed; expired sign-ins cannot be counted without deleting them, so they are left out. */
  | { status: 'dry-run'; rules: RetentionRun['rules'] }
  /** Another run (in this or another instance) holds the lock. */
  | { status: 'busy' };

/**
 * Applies the retention policy once: erases the members past their period through the
 * EraseMemberCommand (as the secretariat's erasures are), deletes old access-log entries and
 * expired sign-ins, and records the run as RetentionRunCompleted (counts only). One run at a
 * time across instances: a session advisory lock on a connection of its own.
 */
@Injectable()
export class RetentionEngine {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly commands: CommandBus,
    private readonly candidates: RetentionCandidates,
    private readonly sessions: MemberSessions,
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE_URL) private readonly connectionString: string,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async run(options: { trigger: RetentionRun['trigger']; dryRun?: boolean }): Promise<RetentionRunOutcome> {
    return (await runAlone(this.connectionString, LOCK_NAME, () => this.runLocked(options.trigger, options.dryRun ?? false))) ?? { status: 'busy' };
  }

  private async runLocked(trigger: RetentionRun['trigger'], dryRun: boolean): Promise<RetentionRunOutcome> {
    const startedAt = this.clock.now();
    const runId = this.ids.newId();
    // The run decides on a view of the members at least as fresh as the log when it began.
    await waitForProjection(this.dataSource, this.store, RETENTION_CANDIDATES, CATCH_UP_TIMEOUT_MS);
    // The run's id is the correlation id of every erasure it causes.
    const context = (): CommandContext => ({ actorRole: 'system', correlationId: runId, now: this.clock.now() });
    const rules: RetentionRun['rules'] = {};
    for (const [name, rule] of Object.entries(RETENTION_POLICY) as Array<[RetentionRuleName, RetentionRule]>) {
      const counts = await this.applyRule(name, rule, startedAt, dryRun ? undefined : context);
      if (counts) rules[name] = { keptFor: rule.keptFor, ...counts };
    }
    if (dryRun) return { status: 'dry-run', rules };
    const run: RetentionRun = { runId, trigger, startedAt: startedAt.toISOString(), finishedAt: this.clock.now().toISOString(), rules };
    const completed: RetentionRunCompleted = { type: 'RetentionRunCompleted', data: run };
    await this.store.append(RETENTION_RUNS_STREAM, toNewEvents([completed], context()), 'any');
    this.logger.log(`retention run done: ${Object.entries(rules).map(([name, count]) => `${name} ${count.done}/${count.due}${count.failed ? ` (${count.failed} failed)` : ''}`).join(', ')}`);
    return { status: 'completed', run };
  }

  /** Without a context (a dry run) it only counts; undefined: the rule cannot be counted without acting. */
  private async applyRule(name: RetentionRuleName, rule: RetentionRule, now: Date, context?: () => CommandContext): Promise<Counts | undefined> {
    switch (rule.action) {
      case 'erase-members': {
        const memberIds = await this.candidates.reachedBefore(rule.stage, retentionCutoff(rule.keptFor, now));
        return context ? this.eraseMembers(name, memberIds, context) : { due: memberIds.length, done: 0, failed: 0 };
      }
      case 'delete-access-log-entries': {
        const cutoff = retentionCutoff(rule.keptFor, now);
        if (!context) return { due: await this.countAccessLogEntries(cutoff), done: 0, failed: 0 };
        const deleted = await this.deleteAccessLogEntries(cutoff);
        return { due: deleted, done: deleted, failed: 0 };
      }
      case 'delete-expired-sign-ins': {
        if (!context) return undefined;
        const deleted = await this.sessions.purgeExpired();
        return { due: deleted, done: deleted, failed: 0 };
      }
    }
  }

  /** One failing erasure does not stop the others; the next run tries it again. */
  private async eraseMembers(name: RetentionRuleName, memberIds: string[], context: () => CommandContext): Promise<Counts> {
    const counts = { due: memberIds.length, done: 0, failed: 0 };
    for (const memberId of memberIds) {
      try {
        await this.commands.execute(new EraseMemberCommand(memberId, 'retention', context()));
        counts.done += 1;
      } catch (error) {
        if (error instanceof DomainError && error.rule === 'member-erased') {
          counts.done += 1; // erased meanwhile (by the member, or by a run the read model had not seen yet)
          continue;
        }
        counts.failed += 1;
        // Named by the error's class and rule only: never the member.
        this.logger.warn(`an erasure under ${name} failed (${error instanceof DomainError ? `${error.kind} ${error.rule}` : error instanceof Error ? error.name : typeof error})`);
      }
    }
    return counts;
  }

  private async countAccessLogEntries(cutoff: Date): Promise<number> {
    const [row]: Array<{ due: number }> = await this.dataSource.query('SELECT count(*)::int AS due FROM staff_access_log WHERE at < $1', [cutoff.toISOString()]);
    return row.due;
  }

  /** The access log's trigger lets a DELETE through only for rows older than the cutoff set for this transaction. */
  private deleteAccessLogEntries(cutoff: Date): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT set_config('sjn.access_log_retention_cutoff', $1, true)`, [cutoff.toISOString()]);
      const [row]: Array<{ deleted: number }> = await tx.query(
        'WITH deleted AS (DELETE FROM staff_access_log WHERE at < $1 RETURNING 1) SELECT count(*)::int AS deleted FROM deleted',
        [cutoff.toISOString()],
      );
      return row.deleted;
    });
  }
}
