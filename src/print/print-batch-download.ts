import { Injectable } from '@nestjs/common';
import { StaffAccessLog } from '../access-log/staff-access-log';
import { AppConfig } from '../config/app-config';
import { Clock } from '../domain/clock';
import { conflict, notFound } from '../domain/domain-error';
import type { Caller } from '../http/access.guard';
import { renderLettersPdf } from './letter-pdf';
import { LetterSources } from './letter-source';
import { PrintQueue } from './print-queue';

/**
 * A print batch as one PDF of letters. Each download renders the letters afresh from their
 * sources' sealed data (an erasure or a withdrawal since is honoured), and is a look-up of
 * personal data: it is written to the staff access log, naming every member whose data the
 * letters show, before the PDF is handed out. The letters in it count as printed from then on.
 */
@Injectable()
export class PrintBatchDownload {
  constructor(
    private readonly queue: PrintQueue,
    private readonly sources: LetterSources,
    private readonly accessLog: StaffAccessLog,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async pdf(batchId: string, caller: Caller): Promise<Buffer> {
    const batch = await this.queue.batch(batchId);
    if (!batch) throw notFound('unknown-print-batch', 'No print batch has this id.');
    if (batch.postedAt) throw conflict('print-batch-posted', 'The print batch was confirmed posted: its letters are no longer kept.');
    const letters = await this.sources.render(batch.letters);
    const pdf = await renderLettersPdf({
      batchId,
      date: new Date(batch.createdAt),
      returnAddress: this.config.LETTER_RETURN_ADDRESS,
      letters,
      omitted: batch.letters.length - letters.length,
    });
    const memberIds = [...new Set(letters.flatMap((letter) => letter.shows))];
    await this.accessLog.record({ caller, kind: 'print-batch', subject: batchId, memberIds, purpose: 'letters to members without email, printed for posting' });
    await this.queue.markPrinted(batchId, letters.map((letter) => letter.letterId), this.clock.now());
    return pdf;
  }
}
