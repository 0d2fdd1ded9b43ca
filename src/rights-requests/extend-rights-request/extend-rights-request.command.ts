import { Command } from '@nestjs/cqrs';
import type { ExtensionReason } from '../../../contracts/events/rights-request.events';
import type { CommandContext } from '../../event-store/command-handling';

export interface ExtendRightsRequestResult {
  requestId: string;
  dueBy: string;
}

/** The secretariat extends a request's deadline by two further months (GDPR Art. 12(3)), once. */
export class ExtendRightsRequestCommand extends Command<ExtendRightsRequestResult> {
  constructor(
    readonly requestId: string,
    readonly reason: ExtensionReason,
    readonly context: CommandContext,
  ) {
    super();
  }
}
