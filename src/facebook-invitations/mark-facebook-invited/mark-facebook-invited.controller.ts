import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { MarkFacebookInvitedDto } from '../../../contracts/commands/mark-facebook-invited.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { MarkFacebookInvitedCommand, type MarkFacebookInvitedResult } from './mark-facebook-invited.command';

@ApiTags('facebook group')
@ApiBearerAuth()
@Controller('commands')
export class MarkFacebookInvitedController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('mark-facebook-invited')
  @StaffOnly('secretariat')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record that these members were invited to the Facebook group (secretariat; the invitation itself is made by hand on Facebook).',
    description: 'Answers 201 {invited}. All or none: each must be admitted, have the Facebook opt-in and not be invited already.',
  })
  @ApiResponse({ status: 404, description: 'A member id names no member.' })
  @ApiResponse({ status: 409, description: 'A member is not admitted, has no Facebook opt-in, was erased or was invited already; or a concurrent change.' })
  mark(@Body() body: MarkFacebookInvitedDto, @Req() request: RequestWithCaller): Promise<MarkFacebookInvitedResult> {
    return this.commands.execute(new MarkFacebookInvitedCommand(body.memberIds, commandContextOf(request, this.clock)));
  }
}
