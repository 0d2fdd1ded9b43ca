import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RecordRightsRequestDto } from '../../../contracts/commands/record-rights-request.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { RecordRightsRequestCommand, type RecordRightsRequestResult } from './record-rights-request.command';

@ApiTags('rights requests')
@ApiBearerAuth()
@Controller('commands')
export class RecordRightsRequestController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('record-rights-request')
  @StaffOnly('secretariat')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record a request under a data-protection right (secretariat); the answer is due one calendar month after receipt (GDPR Art. 12(3)).',
    description: 'Answers 201 {requestId, dueBy}. receivedAt is the day it arrived in Denmark (YYYY-MM-DD, default today); dueBy is the same day one month later, or the month’s last day.',
  })
  @ApiResponse({ status: 400, description: 'An invalid field, or receivedAt in the future.' })
  @ApiResponse({ status: 404, description: 'memberId names no member.' })
  record(@Body() body: RecordRightsRequestDto, @Req() request: RequestWithCaller): Promise<RecordRightsRequestResult> {
    return this.commands.execute(new RecordRightsRequestCommand(body, commandContextOf(request, this.clock)));
  }
}
