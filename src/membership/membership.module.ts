import { Module } from '@nestjs/common';
import { ConsentTextsController } from './consent-texts/consent-texts.controller';
import { EmailClaims } from './email-claims';
import { JoinNetworkController } from './join-network/join-network.controller';
import { JoinNetworkHandler } from './join-network/join-network.handler';
import { LiftRestrictionController } from './lift-restriction/lift-restriction.controller';
import { LiftRestrictionHandler } from './lift-restriction/lift-restriction.handler';
import { ReportSuspicionController } from './report-suspicion/report-suspicion.controller';
import { ReportSuspicionHandler } from './report-suspicion/report-suspicion.handler';
import { RestrictMemberController } from './restrict-member/restrict-member.controller';
import { RestrictMemberHandler } from './restrict-member/restrict-member.handler';
import { UpdateContactDetailsController } from './update-contact-details/update-contact-details.controller';
import { UpdateContactDetailsHandler } from './update-contact-details/update-contact-details.handler';
import { VerifyEmailController } from './verify-email/verify-email.controller';
import { VerifyEmailHandler } from './verify-email/verify-email.handler';
import { WithdrawConsentController } from './withdraw-consent/withdraw-consent.controller';
import { WithdrawConsentHandler } from './withdraw-consent/withdraw-consent.handler';

/** Members' sign-up, verification, consent and the secretariat's commands about members. */
@Module({
  controllers: [
    ConsentTextsController,
    JoinNetworkController,
    VerifyEmailController,
    WithdrawConsentController,
    UpdateContactDetailsController,
    ReportSuspicionController,
    RestrictMemberController,
    LiftRestrictionController,
  ],
  providers: [
    EmailClaims,
    JoinNetworkHandler,
    VerifyEmailHandler,
    WithdrawConsentHandler,
    UpdateContactDetailsHandler,
    ReportSuspicionHandler,
    RestrictMemberHandler,
    LiftRestrictionHandler,
  ],
})
export class MembershipModule {}
