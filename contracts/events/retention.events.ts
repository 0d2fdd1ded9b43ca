import type { DomainEvent } from './domain-event';

/** The one stream of the retention engine's runs. */
export const RETENTION_RUNS_STREAM = 'retention-runs';

/** How long something is kept: whole days, or whole calendar months. */
export type RetentionPeriod = { days: number } | { months: number };

/** What a run did under one rule of the retention policy. */
export interface RetentionRuleCount {
  /** The period in force for the run ('until-expiry': deleted once expired). */
  keptFor: RetentionPeriod | 'until-expiry';
  /** Members or entries past their period when the run began. */
  due: number;
  /** Erased (or found erased already) or deleted. */
  done: number;
  failed: number;
}

/** A run of the retention engine (the deletion policy): counts only, no ids, no personal data. */
export type RetentionRunCompleted = DomainEvent<
  'RetentionRunCompleted',
  { runId: string; trigger: 'schedule' | 'cli'; startedAt: string; finishedAt: string; rules: Record<string, RetentionRuleCount> }
>;
