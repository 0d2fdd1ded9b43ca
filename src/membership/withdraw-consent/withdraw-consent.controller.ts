import { Body, Controller, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { WithdrawConsentDto } from '../../../contracts/commands/withdraw-consent.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { WithdrawConsentCommand, type WithdrawConsentResult } from './withdraw-consent.command';

@ApiTags('members')
@ApiBearerAuth()
@Controller('commands')
export class WithdrawConsentController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('withdraw-consent')
  @StaffOnly('secretariat')
  @ApiOperation({ summary: 'Record a member’s withdrawal of consent (effective at once: the member leaves every list).' })
  @ApiBody({ type: WithdrawConsentDto, description: '`{memberId}`' })
  @ApiResponse({ status: 201, description: '`{memberId, status: "withdrawn"}`' })
  @ApiResponse({ status: 404, description: 'Unknown member.' })
  @ApiResponse({ status: 409, description: 'Already withdrawn, or the member takes no part (referred, declined); or a concurrent change.' })
  withdrawConsent(@Body() body: WithdrawConsentDto, @Req() request: RequestWithCaller): Promise<WithdrawConsentResult> {
    return this.commandBus.execute(new WithdrawConsentCommand(body.memberId, 'secretariat', commandContextOf(request, this.clock)));
  }
}
