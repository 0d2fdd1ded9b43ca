import { IsString, MaxLength } from 'class-validator';
import { IsMemberId } from './member-id';
import { IsNotBlank } from './not-blank';

/** The secretariat restricts a member (GDPR Art. 18): left off every list until lifted. */
export class RestrictMemberDto {
  @IsMemberId()
  memberId!: string;

  /** Why; stored sealed under the member's key (it is about the person). */
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  reason!: string;
}
