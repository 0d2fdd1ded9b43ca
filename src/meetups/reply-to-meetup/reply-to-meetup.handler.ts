import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { meetupStream } from '../../../contracts/events/meetup.events';
import { memberStream } from '../../../contracts/events/membership.events';
import { handleCommand, loadState, retryOnConflict } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { memberEvolver } from '../../membership/member';
import { meetupEvolver } from '../meetup';
import { ReplyToMeetupCommand, type ReplyToMeetupResult } from './reply-to-meetup.command';
import { decideReplyToMeetup } from './reply-to-meetup.decide';

/** Many members answer the same meet-up at once: an answer that lost a race is decided again on the new state. */
const TRIES = 5;

@CommandHandler(ReplyToMeetupCommand)
export class ReplyToMeetupHandler implements ICommandHandler<ReplyToMeetupCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ meetupId, memberId, answer, context }: ReplyToMeetupCommand): Promise<ReplyToMeetupResult> {
    const { state: member } = await loadState(this.store, memberStream(memberId), memberEvolver);
    await retryOnConflict(TRIES, () =>
      handleCommand(this.store, meetupStream(meetupId), meetupEvolver, (current) => decideReplyToMeetup(current, { answer, member }, context), context),
    );
    return { meetupId, answer };
  }
}
