import { Module } from '@nestjs/common';
import { MailingJobsProjector } from './mailing-jobs.projector';

/** The queue of mailings (newsletters, meet-up invitations, association notices) that src/mailings sends. */
@Module({
  providers: [MailingJobsProjector],
  exports: [MailingJobsProjector],
})
export class MailingJobsModule {}
