import { Command } from '@nestjs/cqrs';
import type { RequestOutcome } from '../../../contracts/events/rights-request.events';
import type { CommandContext } from '../../event-store/command-handling';

export interface CompleteRightsRequestResult {
  requestId: string;
  outcome: RequestOutcome;
  completedAt: string;
}

/** The secretariat closes a request with its outcome. */
export class CompleteRightsRequestCommand extends Command<CompleteRightsRequestResult> {
  constructor(
    readonly requestId: string,
    readonly outcome: RequestOutcome,
    readonly context: CommandContext,
  ) {
    super();
  }
}
