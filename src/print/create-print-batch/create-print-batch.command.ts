import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../event-store/command-handling';

export interface PrintBatchCreated {
  batchId: string;
  /** Letters in the batch. */
  letters: number;
}

/** The secretariat takes every letter waiting in the print queue into one batch, to download and post. */
export class CreatePrintBatchCommand extends Command<PrintBatchCreated> {
  constructor(readonly context: CommandContext) {
    super();
  }
}
