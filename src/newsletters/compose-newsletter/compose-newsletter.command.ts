import { Command } from '@nestjs/cqrs';
import type { ComposeNewsletterDto } from '../../../contracts/commands/compose-newsletter.dto';
import type { CommandContext } from '../../event-store/command-handling';

export interface ComposeNewsletterResult {
  newsletterId: string;
  /** The languages with an edition of their own (the others get the Danish one). */
  languages: string[];
}

/** The secretariat writes a newsletter (subject and Markdown per language), or rewrites one not yet sent. */
export class ComposeNewsletterCommand extends Command<ComposeNewsletterResult> {
  constructor(
    readonly payload: ComposeNewsletterDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}
