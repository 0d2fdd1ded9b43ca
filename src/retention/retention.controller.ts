import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { NoQueryDto } from '../../contracts/queries/disclosures.query';
import { AppConfig } from '../config/app-config';
import { StaffOnly } from '../http/access';
import type { RetentionRun } from './retention-engine';
import { RetentionRuleCountResponse, RetentionRunResponse } from './retention.responses';
import { RetentionRuns } from './retention-runs';
import { RETENTION_POLICY } from './retention-policy';
import { recordAsMarkdown, recordOfProcessing } from './records-of-processing';

@ApiTags('data protection')
@ApiBearerAuth()
@ApiExtraModels(RetentionRuleCountResponse)
@Controller()
export class RetentionController {
  constructor(
    private readonly runs: RetentionRuns,
    private readonly config: AppConfig,
  ) {}

  @Get('retention-runs')
  @StaffOnly('dpo', 'secretariat')
  @ApiOperation({ summary: 'The runs of the retention policy (nightly at 03:30 Danish time, or `npm run retention`), newest first, with counts per rule (dpo, secretariat).' })
  @ApiOkResponse({ type: [RetentionRunResponse] })
  retentionRuns(@Query() _query: NoQueryDto): Promise<RetentionRun[]> {
    return this.runs.list();
  }

  @Get('records-of-processing')
  @StaffOnly('dpo', 'secretariat')
  @ApiOperation({
    summary:
      'The record of processing activities (GDPR Art. 30) as JSON, or with `Accept: text/markdown` as a document (dpo, secretariat). Its retention periods are those the retention engine applies.',
  })
  @ApiProduces('application/json', 'text/markdown')
  recordsOfProcessing(@Query() _query: NoQueryDto, @Req() request: Request, @Res() response: Response): void {
    const record = recordOfProcessing(RETENTION_POLICY, this.config);
    if (request.accepts(['application/json', 'text/markdown']) === 'text/markdown') {
      response.status(200).type('text/markdown; charset=utf-8').send(recordAsMarkdown(record));
      return;
    }
    response.json(record);
  }
}
