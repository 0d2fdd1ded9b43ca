import { ApiProperty } from '@nestjs/swagger';

export class PendingLetterResponse {
  @ApiProperty({ format: 'uuid', description: 'For a contact-list letter: its dispatch id in the disclosure log.' })
  letterId!: string;

  @ApiProperty({ example: 'contact-list', description: 'What the letter comes from.' })
  source!: string;

  @ApiProperty({ example: 'list', description: 'list, correction or deletion (a notice to delete an entry).' })
  kind!: string;

  @ApiProperty({ format: 'uuid' })
  recipientId!: string;

  @ApiProperty({ format: 'date-time' })
  queuedAt!: string;
}

export class OpenBatchResponse {
  @ApiProperty({ format: 'uuid' })
  batchId!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When its PDF was first downloaded.' })
  downloadedAt!: string | null;

  @ApiProperty()
  letters!: number;
}

export class PendingPrintResponse {
  @ApiProperty({ type: [PendingLetterResponse], description: 'Letters waiting for a print batch, oldest first.' })
  letters!: PendingLetterResponse[];

  @ApiProperty({ type: [OpenBatchResponse], description: 'Batches made but not confirmed posted.' })
  openBatches!: OpenBatchResponse[];
}
