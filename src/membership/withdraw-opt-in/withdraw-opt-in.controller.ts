import { Body, Controller, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { WithdrawOptInDto } from '../../../contracts/commands/withdraw-opt-in.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { WithdrawOptInCommand, type WithdrawOptInResult } from './withdraw-opt-in.command';

@ApiTags('members')
@ApiBearerAuth()
@Controller('commands')
export class WithdrawOptInController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('withdraw-opt-in')
  @StaffOnly('secretariat')
  @ApiOperation({ summary: 'Record that a member withdraws one opt-in (newsletter, meet-up invitations, Facebook invitation); the network consent stays.' })
  @ApiBody({ type: WithdrawOptInDto, description: '`{memberId, optIn: "newsletter" | "meetups" | "facebookInvite"}`' })
  @ApiResponse({ status: 201, description: '`{memberId, optIns: {newsletter, meetups, facebookInvite}}`' })
  @ApiResponse({ status: 404, description: 'Unknown member.' })
  @ApiResponse({ status: 409, description: 'That opt-in is already off, or the member was erased; or a concurrent change.' })
  withdrawOptIn(@Body() body: WithdrawOptInDto, @Req() request: RequestWithCaller): Promise<WithdrawOptInResult> {
    return this.commandBus.execute(new WithdrawOptInCommand(body.memberId, body.optIn, 'secretariat', commandContextOf(request, this.clock)));
  }
}
