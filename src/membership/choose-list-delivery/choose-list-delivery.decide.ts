import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { ListDeliveryChosen } from '../../../contracts/events/membership.events';
import { conflict } from '../../domain/domain-error';
import type { MemberState } from '../member';
import { requireMember, requireNotWithdrawn } from '../member-rules';

export interface ChooseListDelivery {
  memberId: string;
  delivery: 'email' | 'portal';
}

/**
 * A member picks email or portal delivery of their contact lists, only where the deployment lets
 * members choose (LIST_DELIVERY=member-choice); elsewhere the deployment decides for everyone.
 * Choosing what is already chosen records nothing.
 */
export function decideChooseListDelivery(
  state: MemberState,
  command: ChooseListDelivery,
  context: { now: Date; deployment: 'email' | 'portal' | 'member-choice' },
): DomainEvent[] {
  if (context.deployment !== 'member-choice') {
    throw conflict('list-delivery-not-chosen-by-members', `This service delivers every contact list by ${context.deployment}; members cannot choose.`);
  }
  requireMember(state);
  requireNotWithdrawn(state);
  if (state.listDelivery === command.delivery) return [];
  const chosen: ListDeliveryChosen = {
    type: 'ListDeliveryChosen',
    data: { memberId: command.memberId, delivery: command.delivery, chosenAt: context.now.toISOString() },
  };
  return [chosen];
}
