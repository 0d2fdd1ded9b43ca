import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../event-store/command-handling';

export interface MarkFacebookInvitedResult {
  invited: number;
}

/** The secretariat records the members it invited to the Facebook group by hand. */
export class MarkFacebookInvitedCommand extends Command<MarkFacebookInvitedResult> {
  constructor(
    readonly memberIds: readonly string[],
    readonly context: CommandContext,
  ) {
    super();
  }
}
