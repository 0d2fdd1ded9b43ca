import { Controller, Get, Header, Param, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PrintBatchIdParamsDto } from '../../contracts/queries/print-batch.params';
import { StaffOnly } from '../http/access';
import type { Caller, RequestWithCaller } from '../http/access.guard';
import { ProblemException } from '../http/problem';
import { LettersNotReadyError } from './letter-source';
import { PrintBatchDownload } from './print-batch-download';
import { type OpenBatch, type PendingLetter, PrintQueue } from './print-queue';
import { PendingPrintResponse } from './print-batches.responses';

@ApiTags('letters')
@ApiBearerAuth()
@Controller('print-batches')
export class PrintBatchesController {
  constructor(
    private readonly queue: PrintQueue,
    private readonly download: PrintBatchDownload,
  ) {}

  @Get('pending')
  @StaffOnly('secretariat')
  @ApiOperation({ summary: 'What is due by post: letters waiting for a print batch (ids only), and batches not yet confirmed posted.' })
  @ApiOkResponse({ type: PendingPrintResponse })
  async pending(): Promise<{ letters: PendingLetter[]; openBatches: OpenBatch[] }> {
    const [letters, openBatches] = await Promise.all([this.queue.pending(), this.queue.openBatches()]);
    return { letters, openBatches };
  }

  @Get(':batchId/pdf')
  @StaffOnly('secretariat')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'A print batch as one PDF: a cover sheet, then each letter from a new page, addressed for a window envelope.',
    description: 'The download shows members’ personal data: it is written to the staff access log before the PDF is sent. Its letters count as printed.',
  })
  @ApiProduces('application/pdf')
  @ApiResponse({ status: 200, description: 'The PDF.' })
  @ApiResponse({ status: 404, description: 'Unknown print batch.' })
  @ApiResponse({ status: 409, description: 'The batch was confirmed posted: its letters are no longer kept.' })
  @ApiResponse({ status: 503, description: 'The contact lists are being brought up to date: try again in a moment (/problems/letters-catching-up).' })
  async pdf(@Param() params: PrintBatchIdParamsDto, @Req() request: RequestWithCaller): Promise<StreamableFile> {
    try {
      const pdf = await this.download.pdf(params.batchId, request.caller as Caller);
      return new StreamableFile(pdf, { type: 'application/pdf', disposition: `attachment; filename="print-batch-${params.batchId}.pdf"` });
    } catch (error) {
      if (error instanceof LettersNotReadyError) throw new ProblemException(503, 'letters-catching-up', 'Service Unavailable', 'The letters cannot be rendered yet; try again in a moment.');
      throw error;
    }
  }
}
