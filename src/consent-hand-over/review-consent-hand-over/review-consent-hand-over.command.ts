import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../event-store/command-handling';

/** What the review did: asked the young person, let the consent lapse, or nothing. */
export type ReviewConsentHandOverResult = 'requested' | 'lapsed' | 'nothing';

/** The daily check looks at one member whose consent a relative gave (actor: system). */
export class ReviewConsentHandOverCommand extends Command<ReviewConsentHandOverResult> {
  constructor(
    readonly memberId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
