import { Body, Controller, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ChooseListDeliveryDto } from '../../../contracts/commands/choose-list-delivery.dto';
import { Clock } from '../../domain/clock';
import { MemberOnly } from '../../http/access';
import type { RequestWithMember } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { MemberRoutes } from '../../member-access/member-routes';
import { ChooseListDeliveryCommand, type ChooseListDeliveryResult } from './choose-list-delivery.command';

@MemberRoutes()
@Controller('me')
export class ChooseListDeliveryController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('list-delivery')
  @MemberOnly()
  @ApiOperation({
    summary: 'Choose how your contact lists come: by email, or shown here when you sign in (portal: the email only says the list changed).',
  })
  @ApiBody({ type: ChooseListDeliveryDto, description: '`{delivery: "email" | "portal"}`' })
  @ApiResponse({ status: 201, description: '`{memberId, listDelivery}`' })
  @ApiResponse({ status: 409, description: 'This service does not let members choose (LIST_DELIVERY is not member-choice), or the member withdrew or was erased.' })
  chooseListDelivery(@Body() body: ChooseListDeliveryDto, @Req() request: RequestWithMember): Promise<ChooseListDeliveryResult> {
    return this.commandBus.execute(new ChooseListDeliveryCommand(request.caller.memberId, body.delivery, commandContextOf(request, this.clock)));
  }
}
