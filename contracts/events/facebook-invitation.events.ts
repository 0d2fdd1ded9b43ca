import type { DomainEvent } from './domain-event';

/**
 * The one stream of invitations to the network's secret Facebook group. The secretariat invites
 * members by hand on Facebook (no data goes to Facebook from the service) and records it here.
 */
export const FACEBOOK_INVITATIONS_STREAM = 'facebook-invitations';

export type MembersInvitedToFacebookGroup = DomainEvent<'MembersInvitedToFacebookGroup', { memberIds: string[]; invitedAt: string }>;
