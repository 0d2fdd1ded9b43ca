import { ApiProperty } from '@nestjs/swagger';
import { EXTENSION_REASONS, REQUEST_CHANNELS, REQUEST_OUTCOMES, RIGHTS } from '../../contracts/events/rights-request.events';

export class RightsRequestResponse {
  @ApiProperty({ format: 'uuid' })
  requestId!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  memberId!: string | null;

  @ApiProperty({ enum: RIGHTS })
  right!: string;

  @ApiProperty({ enum: REQUEST_CHANNELS })
  channel!: string;

  @ApiProperty({ format: 'date', description: 'The day it was received, in Denmark.' })
  receivedAt!: string;

  @ApiProperty({ format: 'date', description: 'The last day to answer: one calendar month after receipt, three when extended (GDPR Art. 12(3)).' })
  dueBy!: string;

  @ApiProperty({ enum: EXTENSION_REASONS, nullable: true })
  extensionReason!: string | null;

  @ApiProperty({ enum: ['open', 'completed'] })
  status!: string;

  @ApiProperty({ enum: REQUEST_OUTCOMES, nullable: true })
  outcome!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completedAt!: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Days from today (in Denmark) to dueBy, negative when overdue; null once completed.' })
  daysLeft!: number | null;

  @ApiProperty({ description: 'Open and past dueBy.' })
  overdue!: boolean;
}
