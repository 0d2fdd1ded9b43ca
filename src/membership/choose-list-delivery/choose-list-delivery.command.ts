import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../event-store/command-handling';

export interface ChooseListDeliveryResult {
  memberId: string;
  listDelivery: 'email' | 'portal';
}

/** A member chooses how they get contact lists: by email, or shown in self-service (portal). */
export class ChooseListDeliveryCommand extends Command<ChooseListDeliveryResult> {
  constructor(
    readonly memberId: string,
    readonly delivery: 'email' | 'portal',
    readonly context: CommandContext,
  ) {
    super();
  }
}
