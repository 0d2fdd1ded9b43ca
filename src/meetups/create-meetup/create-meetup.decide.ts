import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { MeetupCreated, MeetupDescriptions } from '../../../contracts/events/meetup.events';
import { invalid } from '../../domain/domain-error';
import type { MeetupState } from '../meetup';

export interface CreateMeetup {
  meetupId: string;
  startsAt: string;
  place?: string;
  onlineLink?: string;
  descriptions: MeetupDescriptions;
}

/** A meet-up to come, somewhere (a place, an online link, or both), described at least in Danish. */
export function decideCreateMeetup(_state: MeetupState, command: CreateMeetup, context: { now: Date }): DomainEvent[] {
  const startsAt = new Date(command.startsAt);
  if (Number.isNaN(startsAt.getTime())) throw invalid('invalid-time', 'startsAt', 'startsAt is not a valid time.');
  if (startsAt <= context.now) throw invalid('meetup-in-the-past', 'startsAt', 'A meet-up must start in the future.');
  const place = command.place?.trim();
  const onlineLink = command.onlineLink?.trim();
  if (!place && !onlineLink) throw invalid('place-or-link-required', 'place', 'A meet-up needs a place, an online link, or both.');
  const descriptions = Object.fromEntries(
    Object.entries(command.descriptions).flatMap(([language, text]) => (text?.trim() ? [[language, text.trim()]] : [])),
  ) as MeetupDescriptions;
  if (!descriptions.da) throw invalid('description-required', 'descriptions.da', 'A meet-up needs a Danish description.');
  const created: MeetupCreated = {
    type: 'MeetupCreated',
    data: {
      meetupId: command.meetupId,
      startsAt: startsAt.toISOString(),
      ...(place ? { place } : {}),
      ...(onlineLink ? { onlineLink } : {}),
      descriptions,
      createdAt: context.now.toISOString(),
    },
  };
  return [created];
}
