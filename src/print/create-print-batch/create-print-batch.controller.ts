import { Controller, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { CreatePrintBatchCommand, type PrintBatchCreated } from './create-print-batch.command';

@ApiTags('letters')
@ApiBearerAuth()
@Controller('commands')
export class CreatePrintBatchController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('create-print-batch')
  @StaffOnly('secretariat')
  @ApiOperation({ summary: 'Take every letter waiting in the print queue into one print batch (then download it as a PDF).' })
  @ApiResponse({ status: 201, description: '`{batchId, letters}`' })
  @ApiResponse({ status: 409, description: 'No letters are waiting (/problems/no-letters-due).' })
  create(@Req() request: RequestWithCaller): Promise<PrintBatchCreated> {
    return this.commandBus.execute(new CreatePrintBatchCommand(commandContextOf(request, this.clock)));
  }
}
