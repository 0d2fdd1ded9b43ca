import type { DomainEvent } from '../../contracts/events/domain-event';
import type { MembersInvitedToFacebookGroup } from '../../contracts/events/facebook-invitation.events';
import type { Evolver } from '../event-store/command-handling';

/** Who has been invited to the Facebook group, folded from the facebook-invitations stream. */
export interface FacebookInvitationsState {
  invited: ReadonlySet<string>;
}

export function evolveFacebookInvitations(state: FacebookInvitationsState, domainEvent: DomainEvent): FacebookInvitationsState {
  const event = domainEvent as MembersInvitedToFacebookGroup;
  return event.type === 'MembersInvitedToFacebookGroup' ? { invited: new Set([...state.invited, ...event.data.memberIds]) } : state;
}

export const facebookInvitationsEvolver: Evolver<FacebookInvitationsState> = { initialState: { invited: new Set() }, evolve: evolveFacebookInvitations };
