import { Matches } from 'class-validator';

/** A print batch was posted (POST /commands/confirm-print-batch-posted). */
export class ConfirmPrintBatchPostedDto {
  /** The id POST /commands/create-print-batch answered. */
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { message: 'must be a print batch id (uuid)' })
  batchId!: string;
}
