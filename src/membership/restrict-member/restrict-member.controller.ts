import { Body, Controller, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RestrictMemberDto } from '../../../contracts/commands/restrict-member.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { RestrictMemberCommand, type RestrictMemberResult } from './restrict-member.command';

@ApiTags('members')
@ApiBearerAuth()
@Controller('commands')
export class RestrictMemberController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('restrict-member')
  @StaffOnly('secretariat')
  @ApiOperation({ summary: 'Restrict a member (GDPR Art. 18): left off every list until lifted. The reason is stored sealed.' })
  @ApiBody({ type: RestrictMemberDto, description: '`{memberId, reason}`' })
  @ApiResponse({ status: 201, description: '`{memberId, status, restricted: true}`' })
  @ApiResponse({ status: 404, description: 'Unknown member.' })
  @ApiResponse({ status: 409, description: 'Already restricted, or the member was erased; or a concurrent change.' })
  restrictMember(@Body() body: RestrictMemberDto, @Req() request: RequestWithCaller): Promise<RestrictMemberResult> {
    return this.commandBus.execute(new RestrictMemberCommand(body.memberId, body.reason, commandContextOf(request, this.clock)));
  }
}
