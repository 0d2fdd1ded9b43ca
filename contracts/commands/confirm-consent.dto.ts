import { IsIn, IsString, MaxLength } from 'class-validator';
import { IsMemberId } from './member-id';
import { IsNotBlank } from './not-blank';

/** The consent text the young person agreed to (GET /consent-texts/current). */
class ConsentTextChoiceDto {
  @IsString()
  @IsNotBlank()
  @MaxLength(20)
  textVersion!: string;
}

/** POST /commands/confirm-consent (public): the young person confirms with the link from their email. */
export class ConfirmConsentDto extends ConsentTextChoiceDto {
  /** The token from the link in the consent hand-over email. */
  @IsString()
  @MaxLength(200)
  token!: string;
}

export const STAFF_CONFIRMATION_CHANNELS = ['paper', 'phone', 'email'] as const;

/** POST /commands/record-consent-confirmation (secretariat): the young person confirmed by letter, phone or email. */
export class RecordConsentConfirmationDto extends ConsentTextChoiceDto {
  @IsMemberId()
  memberId!: string;

  @IsIn(STAFF_CONFIRMATION_CHANNELS, { message: 'must be one of paper, phone, email' })
  channel!: (typeof STAFF_CONFIRMATION_CHANNELS)[number];
}
