import type { DomainEvent, Sealed } from '../../../contracts/events/domain-event';
import type { MemberRestricted, SuspicionReported } from '../../../contracts/events/membership.events';
import type { MemberState } from '../member';
import { requireMember, requireNotWithdrawn } from '../member-rules';

export interface ReportSuspicion {
  memberId: string;
}

/** The reason recorded (sealed) for the restriction that a suspicion brings with it. */
export const SUSPICION_RESTRICTION_REASON = 'A suspicion was reported; the member is restricted while it is examined.';

/** The note and the restriction's reason, sealed under the REPORTED member's key by the handler. */
export interface ReportSuspicionContext {
  now: Date;
  sealedNote: Sealed<string>;
  /** Used only when the member is not restricted already (no second restriction is recorded). */
  sealedReason: Sealed<string>;
}

/** Checked before anything is sealed for the member. */
export function checkReportSuspicion(state: MemberState): void {
  requireMember(state);
  requireNotWithdrawn(state);
}

/**
 * A reported suspicion is examined by the secretariat; meanwhile the member is left off every
 * list, so the restriction is appended with the report, unless the member is restricted already.
 */
export function decideReportSuspicion(state: MemberState, command: ReportSuspicion, context: ReportSuspicionContext): DomainEvent[] {
  checkReportSuspicion(state);
  const at = context.now.toISOString();
  const reported: SuspicionReported = {
    type: 'SuspicionReported',
    data: { memberId: command.memberId, reportedBy: 'secretariat', note: context.sealedNote, reportedAt: at },
  };
  if (state.restricted) return [reported];
  const restricted: MemberRestricted = { type: 'MemberRestricted', data: { memberId: command.memberId, reason: context.sealedReason, restrictedAt: at } };
  return [reported, restricted];
}
