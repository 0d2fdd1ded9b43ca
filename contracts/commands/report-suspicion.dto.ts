import { IsString, MaxLength } from 'class-validator';
import { IsMemberId } from './member-id';
import { IsNotBlank } from './not-blank';

/** The secretariat records a suspicion that a member joined under false pretences. */
export class ReportSuspicionDto {
  /** The member the suspicion is about. */
  @IsMemberId()
  memberId!: string;

  /** What was reported; stored sealed under the reported member's key. */
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  note!: string;
}
