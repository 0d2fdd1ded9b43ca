import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { LookUpPurposeQueryDto } from '../../contracts/queries/look-up-purpose.query';
import { StaffOnly } from '../http/access';
import type { Caller, RequestWithCaller } from '../http/access.guard';
import { type PendingInvitation, PendingFacebookInvitations } from './pending-facebook-invitations';

@ApiTags('facebook group')
@ApiBearerAuth()
@Controller('facebook-invitations')
export class PendingFacebookInvitationsController {
  constructor(private readonly pending: PendingFacebookInvitations) {}

  @Get('pending')
  @StaffOnly('secretariat')
  @ApiOperation({
    summary: 'Members who asked for an invitation to the Facebook group and have not been invited (secretariat): name, email, language. Each look-up is written to the staff access log.',
    description: 'Invite them by hand on Facebook, then record it with POST /commands/mark-facebook-invited. No data goes to Facebook from the service.',
  })
  @ApiQuery({ name: 'purpose', required: false, description: 'Why the list is looked up (kept in the access log; max 200 characters, no personal data).' })
  @ApiOkResponse({ description: '`{members: [{memberId, name, email (null without one), language, askedAt}]}`, oldest sign-up first.' })
  async list(@Query() query: LookUpPurposeQueryDto, @Req() request: RequestWithCaller): Promise<{ members: PendingInvitation[] }> {
    return { members: await this.pending.lookUp({ caller: request.caller as Caller, purpose: query.purpose }) };
  }
}
