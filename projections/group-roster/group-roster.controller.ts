import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DiagnosisIdParamsDto } from '../../contracts/queries/id.params';
import { LookUpPurposeQueryDto } from '../../contracts/queries/look-up-purpose.query';
import { StaffOnly } from '../../src/http/access';
import type { Caller, RequestWithCaller } from '../../src/http/access.guard';
import { type GroupRoster, GroupRosters } from './group-roster.queries';
import { GroupRosterResponse } from './group-roster.responses';

@ApiTags('groups')
@ApiBearerAuth()
@Controller('groups')
export class GroupRosterController {
  constructor(private readonly rosters: GroupRosters) {}

  @Get(':diagnosisId/roster')
  @StaffOnly('secretariat')
  @ApiOperation({ summary: 'A group’s current roster with contact details (secretariat). Each look-up is written to the staff access log.' })
  @ApiQuery({ name: 'purpose', required: false, description: 'Why the roster is looked up (kept in the access log; max 200 characters, no personal data).' })
  @ApiOkResponse({ type: GroupRosterResponse })
  roster(@Param() params: DiagnosisIdParamsDto, @Query() query: LookUpPurposeQueryDto, @Req() request: RequestWithCaller): Promise<GroupRoster> {
    return this.rosters.lookUp(params.diagnosisId, { caller: request.caller as Caller, purpose: query.purpose });
  }
}
