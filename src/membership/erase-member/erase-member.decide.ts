import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { MemberErased } from '../../../contracts/events/membership.events';
import type { MemberState } from '../member';
import { requireMember } from '../member-rules';

export interface EraseMember {
  memberId: string;
  erasedBy: MemberErased['data']['erasedBy'];
}

/**
 * Erasure (GDPR Art. 17): any member who is known and not yet erased, whatever their status (a
 * withdrawn, referred or declined member's data is still held). The event names no personal data;
 * the handler has the rest of the erasure completed (see erasure-completion.ts).
 */
export function decideEraseMember(state: MemberState, command: EraseMember, context: { now: Date }): DomainEvent[] {
  requireMember(state);
  const erased: MemberErased = {
    type: 'MemberErased',
    data: { memberId: command.memberId, erasedBy: command.erasedBy, erasedAt: context.now.toISOString() },
  };
  return [erased];
}
