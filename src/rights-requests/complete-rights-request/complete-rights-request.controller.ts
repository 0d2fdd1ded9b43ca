import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CompleteRightsRequestDto } from '../../../contracts/commands/complete-rights-request.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { CompleteRightsRequestCommand, type CompleteRightsRequestResult } from './complete-rights-request.command';

@ApiTags('rights requests')
@ApiBearerAuth()
@Controller('commands')
export class CompleteRightsRequestController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('complete-rights-request')
  @StaffOnly('secretariat')
  @HttpCode(201)
  @ApiOperation({ summary: 'Complete a request with its outcome: fulfilled, refused or withdrawn-by-requester (secretariat). Answers {requestId, outcome, completedAt}.' })
  @ApiResponse({ status: 404, description: 'Unknown request.' })
  @ApiResponse({ status: 409, description: 'Completed already, or a concurrent change.' })
  complete(@Body() body: CompleteRightsRequestDto, @Req() request: RequestWithCaller): Promise<CompleteRightsRequestResult> {
    return this.commands.execute(new CompleteRightsRequestCommand(body.requestId, body.outcome, commandContextOf(request, this.clock)));
  }
}
