import { ApiProperty } from '@nestjs/swagger';

export class AccessLogEntryResponse {
  @ApiProperty({ example: '42' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ enum: ['secretariat', 'dpo'] })
  role!: string;

  @ApiProperty({ type: Number, nullable: true, description: 'Which API key was used: its index in API_KEYS (never the key).' })
  keyIndex!: number | null;

  @ApiProperty({
    enum: ['member', 'roster', 'print-batch', 'facebook-invitations'],
    description:
      'member: the member’s record was shown; roster: a roster the member was on; print-batch: a batch of letters to post that showed their data; ' +
      'facebook-invitations: the list of members waiting for a Facebook invitation, with them on it.',
  })
  kind!: string;

  @ApiProperty({ format: 'uuid', description: 'The member id (member) or the diagnosis id of the group (roster).' })
  subject!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The purpose the staff member gave (?purpose=).' })
  purpose!: string | null;
}

export class AccessLogResponse {
  @ApiProperty({ format: 'uuid' })
  memberId!: string;

  @ApiProperty({ type: [AccessLogEntryResponse] })
  entries!: AccessLogEntryResponse[];
}
