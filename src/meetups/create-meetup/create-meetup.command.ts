import { Command } from '@nestjs/cqrs';
import type { CreateMeetupDto } from '../../../contracts/commands/create-meetup.dto';
import type { CommandContext } from '../../event-store/command-handling';

export interface CreateMeetupResult {
  meetupId: string;
  startsAt: string;
}

/** The secretariat plans a meet-up (Sjældne-træf). */
export class CreateMeetupCommand extends Command<CreateMeetupResult> {
  constructor(
    readonly payload: CreateMeetupDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}
