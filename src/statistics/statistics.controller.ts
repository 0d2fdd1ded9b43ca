import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../http/access';
import type { Statistics } from './small-counts';
import { MemberStatistics } from './statistics.queries';

@ApiTags('statistics')
@ApiBearerAuth()
@Controller('statistics')
export class StatisticsController {
  constructor(private readonly members: MemberStatistics) {}

  @Get()
  @StaffOnly('secretariat')
  @ApiOperation({
    summary: 'Statistics for the annual report (secretariat): admitted members per group, per country and per role, and sign-ups per month.',
    description: 'Every count from 1 to 4 is shown as "<5", so that no small group points at anyone; 0 is shown as 0.',
  })
  @ApiOkResponse({
    description:
      '`{membersPerGroup: [{diagnosisId, name, members}], membersPerCountry: [{country, members}], membersPerRole: [{role, members}], signUpsPerMonth: [{month, signUps}]}`; ' +
      'each count a number or "<5".',
  })
  statistics(): Promise<Statistics> {
    return this.members.statistics();
  }
}
