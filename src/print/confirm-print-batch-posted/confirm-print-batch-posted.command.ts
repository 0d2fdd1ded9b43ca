import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../event-store/command-handling';

export interface PrintBatchPosted {
  batchId: string;
  /** Letters recorded as delivered. */
  posted: number;
  /** Letters recorded as not sent: never printed. */
  notPrinted: number;
}

/** The secretariat posted a print batch: each printed letter is recorded as delivered. */
export class ConfirmPrintBatchPostedCommand extends Command<PrintBatchPosted> {
  constructor(
    readonly batchId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
