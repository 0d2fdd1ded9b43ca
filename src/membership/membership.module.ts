import { Module } from '@nestjs/common';
import { MemberAccessModule } from '../member-access/member-access.module';
import { ChooseListDeliveryController } from './choose-list-delivery/choose-list-delivery.controller';
import { ChooseListDeliveryHandler } from './choose-list-delivery/choose-list-delivery.handler';
import { ConsentTextsController } from './consent-texts/consent-texts.controller';
import { EmailClaims } from './email-claims';
import { EraseMemberController, EraseOwnDataController } from './erase-member/erase-member.controller';
import { EraseMemberHandler } from './erase-member/erase-member.handler';
import { DEFAULT_RECEIPT_RETRY_DELAYS_MS, ERASURE_RECEIPT_RETRY_DELAYS, ErasureCompletion } from './erase-member/erasure-completion';
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
import { WithdrawOptInController } from './withdraw-opt-in/withdraw-opt-in.controller';
import { WithdrawOptInHandler } from './withdraw-opt-in/withdraw-opt-in.handler';

/**
 * Members' sign-up, verification, consent and the secretariat's commands about members. Exports
 * the erasure completion for its reactor (projections/erasure-completion).
 */
@Module({
  imports: [MemberAccessModule],
  controllers: [
    EraseMemberController,
    EraseOwnDataController,
    ConsentTextsController,
    JoinNetworkController,
    VerifyEmailController,
    WithdrawConsentController,
    UpdateContactDetailsController,
    ReportSuspicionController,
    RestrictMemberController,
    LiftRestrictionController,
    WithdrawOptInController,
    ChooseListDeliveryController,
  ],
  providers: [
    EmailClaims,
    EraseMemberHandler,
    ErasureCompletion,
    { provide: ERASURE_RECEIPT_RETRY_DELAYS, useValue: DEFAULT_RECEIPT_RETRY_DELAYS_MS },
    JoinNetworkHandler,
    VerifyEmailHandler,
    WithdrawConsentHandler,
    UpdateContactDetailsHandler,
    ReportSuspicionHandler,
    RestrictMemberHandler,
    LiftRestrictionHandler,
    WithdrawOptInHandler,
    ChooseListDeliveryHandler,
  ],
  exports: [ErasureCompletion],
})
export class MembershipModule {}
