import { ApiProperty } from '@nestjs/swagger';

export class RetentionRuleCountResponse {
  @ApiProperty({ description: 'The period in force: {days} or {months}, or "until-expiry".', oneOf: [{ type: 'object' }, { type: 'string', enum: ['until-expiry'] }] })
  keptFor!: unknown;

  @ApiProperty({ description: 'Members or entries past their period when the run began.' })
  due!: number;

  @ApiProperty({ description: 'Erased (or found erased already) or deleted.' })
  done!: number;

  @ApiProperty({ description: 'Erasures that failed; the next run tries them again.' })
  failed!: number;
}

export class RetentionRunResponse {
  @ApiProperty({ format: 'uuid', description: 'Also the correlation id of the erasures it caused.' })
  runId!: string;

  @ApiProperty({ enum: ['schedule', 'cli'] })
  trigger!: string;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ format: 'date-time' })
  finishedAt!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/RetentionRuleCountResponse' },
    description: 'Per rule of the retention policy (src/retention/retention-policy.ts).',
  })
  rules!: Record<string, RetentionRuleCountResponse>;
}
