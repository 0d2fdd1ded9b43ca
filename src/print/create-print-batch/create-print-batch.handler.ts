import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IdGenerator } from '../../domain/clock';
import { conflict } from '../../domain/domain-error';
import { PrintQueue } from '../print-queue';
import { CreatePrintBatchCommand, type PrintBatchCreated } from './create-print-batch.command';

@CommandHandler(CreatePrintBatchCommand)
export class CreatePrintBatchHandler implements ICommandHandler<CreatePrintBatchCommand> {
  constructor(
    private readonly queue: PrintQueue,
    private readonly ids: IdGenerator,
  ) {}

  async execute({ context }: CreatePrintBatchCommand): Promise<PrintBatchCreated> {
    const batchId = this.ids.newId();
    const letters = await this.queue.createBatch(batchId, context.now);
    if (letters === 0) throw conflict('no-letters-due', 'No letters are waiting to be printed.');
    return { batchId, letters };
  }
}
