import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { ConsentWithdrawn } from '../../../contracts/events/membership.events';
import { conflict } from '../../domain/domain-error';
import { isActive, type MemberState } from '../member';
import { requireMember } from '../member-rules';

export interface WithdrawConsent {
  memberId: string;
  /** Who withdrew it: the member in self-service, or the secretariat recording a letter or a call. */
  withdrawnBy: ConsentWithdrawn['data']['withdrawnBy'];
}

/**
 * Withdrawal (GDPR Art. 7(3)) takes effect at once: from this event on the member is on no list.
 * Only a member who still takes part has a consent to withdraw.
 */
export function decideWithdrawConsent(state: MemberState, command: WithdrawConsent, context: { now: Date }): DomainEvent[] {
  requireMember(state);
  if (state.status === 'withdrawn') throw conflict('consent-already-withdrawn', 'The member has already withdrawn their consent.');
  if (!isActive(state)) throw conflict('member-not-active', `A member whose sign-up was ${state.status} has no consent to withdraw.`);
  const withdrawn: ConsentWithdrawn = {
    type: 'ConsentWithdrawn',
    data: { memberId: command.memberId, withdrawnBy: command.withdrawnBy, withdrawnAt: context.now.toISOString() },
  };
  return [withdrawn];
}
