import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsNotBlank } from '../commands/not-blank';

/**
 * Query of a staff look-up of personal data (a roster, a member's record): why it is made. The
 * purpose is kept in the staff access log, which a data subject may see (GDPR Art. 15): state a
 * reason ("rectification request by phone"), never personal data.
 */
export class LookUpPurposeQueryDto {
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  purpose?: string;
}
