import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ID_FORMAT } from './register-diagnosis.dto';
import { IsNotBlank } from './not-blank';

/** Markdown that a newsletter or a meet-up may hold per language (the whole body is limited to 100 kB). */
export const MARKDOWN_MAX_LENGTH = 20_000;

export class NewsletterEditionDto {
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  subject!: string;

  /** Markdown; rendered to HTML and sanitized when mailed (no images, scripts or styles). */
  @IsString()
  @IsNotBlank()
  @MaxLength(MARKDOWN_MAX_LENGTH)
  markdown!: string;
}

/** One edition per language; Danish is required and goes to members whose language has none. */
export class NewsletterEditionsDto {
  @IsObject()
  @ValidateNested()
  @Type(() => NewsletterEditionDto)
  da!: NewsletterEditionDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NewsletterEditionDto)
  sv?: NewsletterEditionDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NewsletterEditionDto)
  nb?: NewsletterEditionDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NewsletterEditionDto)
  en?: NewsletterEditionDto;
}

/** POST /commands/compose-newsletter (secretariat): a new newsletter, or (with its id) a rewrite of one not yet sent. */
export class ComposeNewsletterDto {
  @IsOptional()
  @IsString()
  @Matches(ID_FORMAT, { message: 'must be a newsletter id (uuid)' })
  newsletterId?: string;

  @IsObject()
  @ValidateNested()
  @Type(() => NewsletterEditionsDto)
  editions!: NewsletterEditionsDto;
}

/** POST /commands/send-newsletter (secretariat). */
export class SendNewsletterDto {
  @IsString()
  @Matches(ID_FORMAT, { message: 'must be a newsletter id (uuid)' })
  newsletterId!: string;
}
