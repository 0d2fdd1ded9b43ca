import { Body, Controller, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ConfirmPrintBatchPostedDto } from '../../../contracts/commands/confirm-print-batch-posted.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { ConfirmPrintBatchPostedCommand, type PrintBatchPosted } from './confirm-print-batch-posted.command';

@ApiTags('letters')
@ApiBearerAuth()
@Controller('commands')
export class ConfirmPrintBatchPostedController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('confirm-print-batch-posted')
  @StaffOnly('secretariat')
  @ApiOperation({ summary: 'Confirm that a downloaded print batch was posted: each letter in it is recorded as delivered (provider id post:<batchId>).' })
  @ApiBody({ type: ConfirmPrintBatchPostedDto, description: '`{batchId}`' })
  @ApiResponse({ status: 201, description: '`{batchId, posted, notPrinted}`: letters recorded as delivered, and as not sent (never printed).' })
  @ApiResponse({ status: 404, description: 'Unknown print batch.' })
  @ApiResponse({ status: 409, description: 'The batch was confirmed already, or never downloaded.' })
  confirm(@Body() body: ConfirmPrintBatchPostedDto, @Req() request: RequestWithCaller): Promise<PrintBatchPosted> {
    return this.commandBus.execute(new ConfirmPrintBatchPostedCommand(body.batchId, commandContextOf(request, this.clock)));
  }
}
