import { Module } from '@nestjs/common';
import { AccessLogModule } from '../access-log/access-log.module';
import { ContactListLetters } from '../contact-lists/contact-list-letters';
import { ContactListsModule } from '../contact-lists/contact-lists.module';
import { MailingLetterSource } from '../mailings/mailing-letter-source';
import { MailingsModule } from '../mailings/mailings.module';
import { ConfirmPrintBatchPostedController } from './confirm-print-batch-posted/confirm-print-batch-posted.controller';
import { ConfirmPrintBatchPostedHandler } from './confirm-print-batch-posted/confirm-print-batch-posted.handler';
import { CreatePrintBatchController } from './create-print-batch/create-print-batch.controller';
import { CreatePrintBatchHandler } from './create-print-batch/create-print-batch.handler';
import { LetterSources } from './letter-source';
import { PrintBatchDownload } from './print-batch-download';
import { PrintBatchesController } from './print-batches.controller';
import { PrintQueue } from './print-queue';

/**
 * Letters to members without email: the print queue (filled by the contact-list sender after
 * each dispatch, and by the mailing sender with newsletters, invitations and notices), print batches as PDFs for the secretariat, and the confirmation that a batch
 * was posted. Every kind of letter has a LetterSource; a new kind adds its own here.
 */
@Module({
  imports: [ContactListsModule, MailingsModule, AccessLogModule],
  controllers: [PrintBatchesController, CreatePrintBatchController, ConfirmPrintBatchPostedController],
  providers: [
    PrintQueue,
    PrintBatchDownload,
    CreatePrintBatchHandler,
    ConfirmPrintBatchPostedHandler,
    ContactListLetters,
    MailingLetterSource,
    {
      provide: LetterSources,
      inject: [ContactListLetters, MailingLetterSource],
      useFactory: (contactLists: ContactListLetters, mailings: MailingLetterSource) => new LetterSources([contactLists, mailings]),
    },
  ],
})
export class PrintModule {}
