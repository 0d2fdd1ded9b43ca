import { Matches } from 'class-validator';

/** Route parameter `:batchId`. */
export class PrintBatchIdParamsDto {
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { message: 'must be a print batch id (uuid)' })
  batchId!: string;
}
