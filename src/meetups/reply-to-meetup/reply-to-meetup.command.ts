import { Command } from '@nestjs/cqrs';
import type { MeetupAnswer } from '../../../contracts/events/meetup.events';
import type { CommandContext } from '../../event-store/command-handling';

export interface ReplyToMeetupResult {
  meetupId: string;
  answer: MeetupAnswer;
}

/** A member answers a meet-up invitation from the link in it (the link's token names the member and the meet-up). */
export class ReplyToMeetupCommand extends Command<ReplyToMeetupResult> {
  constructor(
    readonly meetupId: string,
    readonly memberId: string,
    readonly answer: MeetupAnswer,
    readonly context: CommandContext,
  ) {
    super();
  }
}
