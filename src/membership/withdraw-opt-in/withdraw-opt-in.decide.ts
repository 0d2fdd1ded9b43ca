import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { OptIns, OptInWithdrawn } from '../../../contracts/events/membership.events';
import { conflict } from '../../domain/domain-error';
import type { MemberState } from '../member';
import { requireMember } from '../member-rules';

export interface WithdrawOptIn {
  memberId: string;
  optIn: keyof OptIns;
  withdrawnBy: OptInWithdrawn['data']['withdrawnBy'];
}

/**
 * An opt-in is a consent of its own (GDPR Art. 7(3)): it can be withdrawn at any time, also by a
 * member who has withdrawn from the network, and withdrawing it leaves the network consent as it is.
 */
export function decideWithdrawOptIn(state: MemberState, command: WithdrawOptIn, context: { now: Date }): DomainEvent[] {
  requireMember(state);
  if (!state.optIns?.[command.optIn]) throw conflict('opt-in-already-withdrawn', `The member has no ${command.optIn} opt-in to withdraw.`);
  const withdrawn: OptInWithdrawn = {
    type: 'OptInWithdrawn',
    data: { memberId: command.memberId, optIn: command.optIn, withdrawnBy: command.withdrawnBy, withdrawnAt: context.now.toISOString() },
  };
  return [withdrawn];
}
