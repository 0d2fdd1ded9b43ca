import type { DomainEvent } from '../../contracts/events/domain-event';
import type { MeetupAnswer, MeetupDescriptions, MeetupEvent } from '../../contracts/events/meetup.events';
import { conflict, notFound } from '../domain/domain-error';
import type { Evolver } from '../event-store/command-handling';

export interface MeetupState {
  exists: boolean;
  meetupId: string;
  startsAt: string;
  place?: string;
  onlineLink?: string;
  descriptions?: MeetupDescriptions;
  invitations: Array<{ diagnosisIds: string[] | null; requestedAt: string }>;
  /** Each member's latest answer, with the group they answered from. */
  replies: Readonly<Record<string, { answer: MeetupAnswer; diagnosisId: string }>>;
}

export const initialMeetupState: MeetupState = { exists: false, meetupId: '', startsAt: '', invitations: [], replies: {} };

export function evolveMeetup(state: MeetupState, domainEvent: DomainEvent): MeetupState {
  const event = domainEvent as MeetupEvent;
  switch (event.type) {
    case 'MeetupCreated': {
      const { meetupId, startsAt, place, onlineLink, descriptions } = event.data;
      return { ...state, exists: true, meetupId, startsAt, place, onlineLink, descriptions };
    }
    case 'MeetupInvitationsRequested':
      return { ...state, invitations: [...state.invitations, { diagnosisIds: event.data.diagnosisIds, requestedAt: event.data.requestedAt }] };
    case 'MeetupReplied':
      return { ...state, replies: { ...state.replies, [event.data.memberId]: { answer: event.data.answer, diagnosisId: event.data.diagnosisId } } };
    default:
      return state;
  }
}

export const meetupEvolver: Evolver<MeetupState> = { initialState: initialMeetupState, evolve: evolveMeetup };

/** The meet-up exists and has not begun: invitations and answers are for meet-ups to come. */
export function requireUpcomingMeetup(state: MeetupState, now: Date): void {
  if (!state.exists) throw notFound('unknown-meetup', 'There is no meet-up with this id.');
  if (new Date(state.startsAt) <= now) throw conflict('meetup-over', 'The meet-up has begun or is over.');
}
