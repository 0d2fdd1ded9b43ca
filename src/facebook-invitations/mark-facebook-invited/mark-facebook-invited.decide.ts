import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { MembersInvitedToFacebookGroup } from '../../../contracts/events/facebook-invitation.events';
import { conflict } from '../../domain/domain-error';
import type { MemberState } from '../../membership/member';
import { requireMember } from '../../membership/member-rules';
import type { FacebookInvitationsState } from '../facebook-invitations';

export interface MarkFacebookInvited {
  /** Each member to mark, folded from their stream, in the order given. */
  members: readonly MemberState[];
}

/**
 * Records that the secretariat invited these members to the Facebook group, all or none: each
 * must be an admitted member who asked for the invitation (opt-in standing) and was not invited
 * before. Errors name the member by their place in the list, never by anything personal.
 */
export function decideMarkFacebookInvited(state: FacebookInvitationsState, command: MarkFacebookInvited, context: { now: Date }): DomainEvent[] {
  command.members.forEach((member, index) => {
    requireMember(member);
    const which = `memberIds[${index}]`;
    if (member.status !== 'admitted') throw conflict('member-not-admitted', `The member ${which} is not an admitted member.`);
    if (!member.optIns?.facebookInvite) throw conflict('no-facebook-opt-in', `The member ${which} has not asked for (or has withdrawn) the Facebook invitation.`);
    if (state.invited.has(member.memberId)) throw conflict('already-invited', `The member ${which} has been invited already.`);
  });
  const invited: MembersInvitedToFacebookGroup = {
    type: 'MembersInvitedToFacebookGroup',
    data: { memberIds: command.members.map((member) => member.memberId), invitedAt: context.now.toISOString() },
  };
  return [invited];
}
