import { Module } from '@nestjs/common';
import { ConsentHandOverCheck } from './consent-hand-over-check';
import { ConsentHandOverSchedule } from './consent-hand-over-schedule';
import { ConfirmConsentController } from './confirm-consent/confirm-consent.controller';
import { ConfirmConsentHandler } from './confirm-consent/confirm-consent.handler';
import { ReviewConsentHandOverHandler } from './review-consent-hand-over/review-consent-hand-over.handler';

/**
 * The consent hand-over at coming of age: a daily check asks the young person whose relative
 * gave the consent for them to confirm it themself (the mails: projections/member-mail), and lets
 * it lapse after 60 days without. The read side is projections/consent-hand-overs.
 * ScheduleModule.forRoot() is in the AppModule.
 */
@Module({
  controllers: [ConfirmConsentController],
  providers: [ConfirmConsentHandler, ReviewConsentHandOverHandler, ConsentHandOverCheck, ConsentHandOverSchedule],
  exports: [ConsentHandOverCheck],
})
export class ConsentHandOverModule {}
