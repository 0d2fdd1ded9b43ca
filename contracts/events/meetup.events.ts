import type { DomainEvent } from './domain-event';
import type { Language } from './membership.events';

/** Stream of one meet-up (Sjældne-træf): `meetup-<meetupId>`. The id is random. */
export const meetupStream = (meetupId: string): string => `meetup-${meetupId}`;

/** A meet-up's description in Markdown per language; the Danish one is required and stands in for a missing language. */
export type MeetupDescriptions = { da: string } & Partial<Record<Exclude<Language, 'da'>, string>>;

/** A meet-up in person (place), online (onlineLink) or both. A place is an address of a venue, not of a person. */
export type MeetupCreated = DomainEvent<
  'MeetupCreated',
  { meetupId: string; startsAt: string; place?: string; onlineLink?: string; descriptions: MeetupDescriptions; createdAt: string }
>;
/** Invitations are to go to the members with the meet-up opt-in: of these groups, or of every group (null). */
export type MeetupInvitationsRequested = DomainEvent<'MeetupInvitationsRequested', { meetupId: string; diagnosisIds: string[] | null; requestedAt: string }>;
/** A member answered from a link in their invitation; a later answer replaces an earlier one. `diagnosisId`: their group. */
export type MeetupReplied = DomainEvent<'MeetupReplied', { meetupId: string; memberId: string; diagnosisId: string; answer: MeetupAnswer; repliedAt: string }>;

export type MeetupAnswer = 'yes' | 'no';
export type MeetupEvent = MeetupCreated | MeetupInvitationsRequested | MeetupReplied;
