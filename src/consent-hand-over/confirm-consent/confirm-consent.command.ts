import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../event-store/command-handling';

export interface ConfirmConsentResult {
  memberId: string;
  confirmedAt: string;
}

/** The young person confirms with their link's token, or the secretariat records their confirmation. */
export class ConfirmConsentCommand extends Command<ConfirmConsentResult> {
  constructor(
    readonly by: { token: string } | { memberId: string; channel: 'paper' | 'phone' | 'email' },
    readonly textVersion: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
