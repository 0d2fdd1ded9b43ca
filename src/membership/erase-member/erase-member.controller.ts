import { Body, Controller, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EraseMemberDto } from '../../../contracts/commands/erase-member.dto';
import { Clock } from '../../domain/clock';
import { MemberOnly, StaffOnly } from '../../http/access';
import type { RequestWithCaller, RequestWithMember } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { MemberRoutes } from '../../member-access/member-routes';
import { EraseMemberCommand, type EraseMemberResult } from './erase-member.command';

const ERASED =
  '`{memberId, status: "erased", recipientsNotified, receipt: "sent" | "no-email" | "not-sent" | "failed" | "pending"}` (pending: recorded, finished in the background; recipientsNotified then null)';

@ApiTags('members')
@ApiBearerAuth()
@Controller('commands')
export class EraseMemberController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('erase-member')
  @StaffOnly('secretariat')
  @ApiOperation({
    summary:
      'Erase a member (GDPR Art. 17): a receipt goes to their proven address, their key is shredded, their sessions end, and every earlier recipient of their data is told to delete it.',
  })
  @ApiBody({ type: EraseMemberDto, description: '`{memberId}`' })
  @ApiResponse({ status: 201, description: ERASED })
  @ApiResponse({ status: 404, description: 'Unknown member.' })
  @ApiResponse({ status: 409, description: 'Already erased; or a concurrent change.' })
  eraseMember(@Body() body: EraseMemberDto, @Req() request: RequestWithCaller): Promise<EraseMemberResult> {
    return this.commandBus.execute(new EraseMemberCommand(body.memberId, 'secretariat', commandContextOf(request, this.clock)));
  }
}

@MemberRoutes()
@Controller('me')
export class EraseOwnDataController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('erasure')
  @MemberOnly()
  @ApiOperation({
    summary: 'Erase me (GDPR Art. 17): I get a receipt, my data can no longer be read, this session ends, and everyone who received my data is told to delete it.',
  })
  @ApiResponse({ status: 201, description: ERASED })
  @ApiResponse({ status: 409, description: 'Already erased; or a concurrent change.' })
  eraseMe(@Req() request: RequestWithMember): Promise<EraseMemberResult> {
    return this.commandBus.execute(new EraseMemberCommand(request.caller.memberId, 'member', commandContextOf(request, this.clock)));
  }
}
