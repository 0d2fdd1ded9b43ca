import { ApiProperty } from '@nestjs/swagger';
import type { OpenHandOver } from './consent-hand-overs.queries';

export class OpenHandOverResponse implements OpenHandOver {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty({ format: 'date-time', description: 'When the young person and the relative were emailed.' }) requestedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'Without a confirmation, the consent lapses at the first daily check from then on.' }) lapsesAt!: string;
}
