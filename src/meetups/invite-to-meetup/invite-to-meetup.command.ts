import { Command } from '@nestjs/cqrs';
import type { InviteToMeetupDto } from '../../../contracts/commands/create-meetup.dto';
import type { CommandContext } from '../../event-store/command-handling';

export interface InviteToMeetupResult {
  meetupId: string;
  /** The groups invited this time; null: every group. */
  diagnosisIds: string[] | null;
}

/** The secretariat invites the members with the meet-up opt-in, of some groups or of all. */
export class InviteToMeetupCommand extends Command<InviteToMeetupResult> {
  constructor(
    readonly payload: InviteToMeetupDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}
