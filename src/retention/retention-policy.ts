import type { RetentionPeriod } from '../../contracts/events/retention.events';
import type { RetentionStage } from '../../projections/retention-candidates/retention-stage';
import { addMonths } from '../domain/calendar';

/** Members at `stage` for longer than `keptFor` are erased (their key shredded; MemberErased). */
export interface MemberErasureRule {
  action: 'erase-members';
  stage: Exclude<RetentionStage, 'active' | 'erased'>;
  keptFor: RetentionPeriod;
}

/** Entries of the staff access log older than `keptFor` are deleted. */
export interface AccessLogRule {
  action: 'delete-access-log-entries';
  keptFor: RetentionPeriod;
}

/** Members' sign-in links and sessions are deleted once expired (their lifetimes are in AppConfig). */
export interface ExpiredSignInRule {
  action: 'delete-expired-sign-ins';
  keptFor: 'until-expiry';
}

export type RetentionRule = (MemberErasureRule | AccessLogRule | ExpiredSignInRule) & {
  /** What is kept, and from when the period counts: for the records of processing (Art. 30(1)(f)). */
  data: string;
  countedFrom: string;
};

export type RetentionRuleName = 'unverifiedSignUps' | 'referredApplicants' | 'declinedApplicants' | 'withdrawnMembers' | 'staffAccessLog' | 'expiredSignIns';
export type RetentionPolicy = Readonly<Record<RetentionRuleName, RetentionRule>>;

/**
 * The deletion (retention) policy: the ONE place its periods are set. The retention engine
 * (src/retention/retention-engine.ts) applies it every night, and GET /records-of-processing
 * shows it, so what is done and what is documented cannot differ.
 */
export const RETENTION_POLICY = {
  unverifiedSignUps: {
    action: 'erase-members',
    stage: 'unverified',
    keptFor: { days: 30 },
    data: 'Sign-ups whose email address was never verified',
    countedFrom: 'the sign-up',
  },
  referredApplicants: {
    action: 'erase-members',
    stage: 'referred',
    keptFor: { days: 90 },
    data: 'Applicants referred to a patient association for their diagnosis',
    countedFrom: 'the referral',
  },
  declinedApplicants: {
    action: 'erase-members',
    stage: 'declined',
    keptFor: { days: 90 },
    data: 'Applicants whose diagnosis was assessed as not rare',
    countedFrom: 'the decision',
  },
  withdrawnMembers: {
    action: 'erase-members',
    stage: 'withdrawn',
    keptFor: { months: 12 },
    data: 'Members who withdrew their consent',
    countedFrom: 'the withdrawal',
  },
  staffAccessLog: {
    action: 'delete-access-log-entries',
    keptFor: { months: 24 },
    data: 'Entries of the staff access log (look-ups of members’ records and rosters)',
    countedFrom: 'the look-up',
  },
  expiredSignIns: {
    action: 'delete-expired-sign-ins',
    keptFor: 'until-expiry',
    data: 'Members’ one-time sign-in links and self-service sessions (stored as hashes)',
    countedFrom: 'their expiry',
  },
} satisfies RetentionPolicy;

/** At `now`, whatever is older than this moment has been kept for `period`: it is due. */
export function retentionCutoff(period: RetentionPeriod, now: Date): Date {
  return 'days' in period ? new Date(now.getTime() - period.days * 24 * 60 * 60 * 1000) : addMonths(now, -period.months);
}
