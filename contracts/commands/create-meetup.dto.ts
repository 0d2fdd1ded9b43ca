import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUrl, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MARKDOWN_MAX_LENGTH } from './compose-newsletter.dto';
import { ID_FORMAT } from './register-diagnosis.dto';
import { IsNotBlank } from './not-blank';

/** A time with its offset from UTC, e.g. 2026-06-13T10:00:00+02:00 or 2026-06-13T08:00:00Z. */
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A meet-up's description in Markdown per language; Danish is required and stands in for the others. */
export class MeetupDescriptionsDto {
  @IsString()
  @IsNotBlank()
  @MaxLength(MARKDOWN_MAX_LENGTH)
  da!: string;

  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(MARKDOWN_MAX_LENGTH)
  sv?: string;

  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(MARKDOWN_MAX_LENGTH)
  nb?: string;

  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(MARKDOWN_MAX_LENGTH)
  en?: string;
}

/** POST /commands/create-meetup (secretariat): a Sjældne-træf in person (place), online (onlineLink) or both. */
export class CreateMeetupDto {
  @IsString()
  @Matches(ZONED_TIME, { message: 'must be a date and time with its UTC offset, e.g. 2026-06-13T10:00:00+02:00' })
  @IsISO8601({ strict: true }, { message: 'must be a date that exists (not 30 February) and a valid time' }) // Date would roll 30 February over to March
  startsAt!: string;

  /** The venue's address (a place, not a person's home). */
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(300)
  place?: string;

  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http(s) URL' })
  @MaxLength(500)
  onlineLink?: string;

  @IsObject()
  @ValidateNested()
  @Type(() => MeetupDescriptionsDto)
  descriptions!: MeetupDescriptionsDto;
}

/** POST /commands/invite-to-meetup (secretariat): invites the members with the meet-up opt-in, of these groups or of all. */
export class InviteToMeetupDto {
  @IsString()
  @Matches(ID_FORMAT, { message: 'must be a meet-up id (uuid)' })
  meetupId!: string;

  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @Matches(ID_FORMAT, { each: true, message: 'must be diagnosis ids (uuids)' })
  diagnosisIds?: string[];
}

/** The query of a link in a newsletter or an invitation. */
export class MailLinkQueryDto {
  @IsString()
  @MaxLength(200)
  token!: string;
}

/** The query of a yes or no link in a meet-up invitation. */
export class MeetupReplyQueryDto extends MailLinkQueryDto {
  @IsIn(['yes', 'no'], { message: 'must be yes or no' })
  answer!: 'yes' | 'no';
}
