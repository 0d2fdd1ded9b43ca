import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ExtendRightsRequestDto } from '../../../contracts/commands/extend-rights-request.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { ExtendRightsRequestCommand, type ExtendRightsRequestResult } from './extend-rights-request.command';

@ApiTags('rights requests')
@ApiBearerAuth()
@Controller('commands')
export class ExtendRightsRequestController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('extend-rights-request')
  @StaffOnly('secretariat')
  @HttpCode(201)
  @ApiOperation({ summary: 'Extend a request’s deadline by two further months (GDPR Art. 12(3)), once, before the first deadline passes (secretariat). Answers {requestId, dueBy}.' })
  @ApiResponse({ status: 404, description: 'Unknown request.' })
  @ApiResponse({ status: 409, description: 'Extended already, completed, or past its first deadline; or a concurrent change.' })
  extend(@Body() body: ExtendRightsRequestDto, @Req() request: RequestWithCaller): Promise<ExtendRightsRequestResult> {
    return this.commands.execute(new ExtendRightsRequestCommand(body.requestId, body.reason, commandContextOf(request, this.clock)));
  }
}
