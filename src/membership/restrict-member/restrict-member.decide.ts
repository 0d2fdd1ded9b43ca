import type { DomainEvent, Sealed } from '../../../contracts/events/domain-event';
import type { MemberRestricted } from '../../../contracts/events/membership.events';
import { conflict } from '../../domain/domain-error';
import type { MemberState } from '../member';
import { requireMember } from '../member-rules';

export interface RestrictMember {
  memberId: string;
}

/** The reason, sealed under the member's key by the handler, and the time. */
export interface RestrictMemberContext {
  now: Date;
  sealedReason: Sealed<string>;
}

/** Checked before anything is sealed for the member. */
export function checkRestrictMember(state: MemberState): void {
  requireMember(state);
  if (state.restricted) throw conflict('member-already-restricted', 'The member is already restricted.');
}

export function decideRestrictMember(state: MemberState, command: RestrictMember, context: RestrictMemberContext): DomainEvent[] {
  checkRestrictMember(state);
  const restricted: MemberRestricted = {
    type: 'MemberRestricted',
    data: { memberId: command.memberId, reason: context.sealedReason, restrictedAt: context.now.toISOString() },
  };
  return [restricted];
}
