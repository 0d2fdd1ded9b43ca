import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AccessLogQueryDto } from '../../contracts/queries/access-log.query';
import { StaffOnly } from '../http/access';
import { AccessLogResponse } from './access-log.responses';
import { type AccessLogEntry, StaffAccessLog } from './staff-access-log';

@ApiTags('data protection')
@ApiBearerAuth()
@Controller('access-log')
export class AccessLogController {
  constructor(private readonly accessLog: StaffAccessLog) {}

  @Get()
  @StaffOnly('dpo')
  @ApiOperation({ summary: 'Staff look-ups that showed a member’s personal data: their record, and rosters they were on at the time (dpo).' })
  @ApiQuery({ name: 'memberId', format: 'uuid', required: true })
  @ApiOkResponse({ type: AccessLogResponse })
  async entries(@Query() query: AccessLogQueryDto): Promise<{ memberId: string; entries: AccessLogEntry[] }> {
    return { memberId: query.memberId, entries: await this.accessLog.entriesAbout(query.memberId) };
  }
}
