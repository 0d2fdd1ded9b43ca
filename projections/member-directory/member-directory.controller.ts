import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { MemberIdParamsDto } from '../../contracts/queries/id.params';
import { LookUpPurposeQueryDto } from '../../contracts/queries/look-up-purpose.query';
import { StaffOnly } from '../../src/http/access';
import type { Caller, RequestWithCaller } from '../../src/http/access.guard';
import { type MemberRecord, MemberDirectory } from './member-directory.queries';
import { MemberRecordResponse } from './member-directory.responses';

@ApiTags('members')
@ApiBearerAuth()
@Controller('members')
export class MemberDirectoryController {
  constructor(private readonly directory: MemberDirectory) {}

  @Get(':memberId')
  @StaffOnly('secretariat')
  @ApiOperation({ summary: 'One member: status, consent, opt-ins, personal data and each diagnosis with its membership status (secretariat). Each look-up is written to the staff access log.' })
  @ApiQuery({ name: 'purpose', required: false, description: 'Why the record is looked up (kept in the access log; max 200 characters, no personal data).' })
  @ApiOkResponse({ type: MemberRecordResponse })
  @ApiResponse({ status: 404, description: 'Unknown member.' })
  member(@Param() params: MemberIdParamsDto, @Query() query: LookUpPurposeQueryDto, @Req() request: RequestWithCaller): Promise<MemberRecord> {
    return this.directory.lookUp(params.memberId, { caller: request.caller as Caller, purpose: query.purpose });
  }
}
