import { IsMemberId } from './member-id';

/** The secretariat records a member's withdrawal of consent (GDPR Art. 7(3)), effective at once. */
export class WithdrawConsentDto {
  @IsMemberId()
  memberId!: string;
}
