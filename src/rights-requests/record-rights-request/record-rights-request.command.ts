import { Command } from '@nestjs/cqrs';
import type { RecordRightsRequestDto } from '../../../contracts/commands/record-rights-request.dto';
import type { CommandContext } from '../../event-store/command-handling';

export interface RecordRightsRequestResult {
  requestId: string;
  /** The day the answer is due (in Denmark), YYYY-MM-DD. */
  dueBy: string;
}

/** The secretariat records a request under a data-protection right, and its deadline (GDPR Art. 12(3)). */
export class RecordRightsRequestCommand extends Command<RecordRightsRequestResult> {
  constructor(
    readonly payload: RecordRightsRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}
