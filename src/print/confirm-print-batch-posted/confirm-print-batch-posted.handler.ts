import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LetterSources } from '../letter-source';
import { PrintQueue } from '../print-queue';
import { ConfirmPrintBatchPostedCommand, type PrintBatchPosted } from './confirm-print-batch-posted.command';
import { decideConfirmPrintBatchPosted } from './confirm-print-batch-posted.decide';

/**
 * Records each letter's outcome through its source, then marks the batch posted. Settling is
 * idempotent per letter, so a confirmation cut short (a crash) is completed by the next one.
 */
@CommandHandler(ConfirmPrintBatchPostedCommand)
export class ConfirmPrintBatchPostedHandler implements ICommandHandler<ConfirmPrintBatchPostedCommand> {
  constructor(
    private readonly queue: PrintQueue,
    private readonly sources: LetterSources,
  ) {}

  async execute({ batchId, context }: ConfirmPrintBatchPostedCommand): Promise<PrintBatchPosted> {
    const outcomes = decideConfirmPrintBatchPosted(await this.queue.batch(batchId));
    await this.sources.settle(outcomes, batchId, context);
    await this.queue.markPosted(batchId, context.now);
    const posted = outcomes.filter((letter) => letter.outcome === 'posted').length;
    return { batchId, posted, notPrinted: outcomes.length - posted };
  }
}
