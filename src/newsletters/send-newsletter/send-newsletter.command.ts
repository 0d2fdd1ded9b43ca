import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../event-store/command-handling';

export interface SendNewsletterResult {
  newsletterId: string;
  /** When it was sent off; GET /newsletters/:newsletterId follows its sends. */
  sendRequestedAt: string;
}

/** The secretariat sends a composed newsletter to the members who want it. */
export class SendNewsletterCommand extends Command<SendNewsletterResult> {
  constructor(
    readonly newsletterId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
