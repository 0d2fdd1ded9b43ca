import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, isISO8601, Matches, Max, MaxLength, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { IsMemberId } from '../commands/member-id';
import { IsNotBlank } from '../commands/not-blank';

/** An ISO 8601 date (a whole day, UTC) or a date-time with its zone (Z or ±hh:mm). */
const INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** A bound of a time span: `2026-11-29` or `2026-11-29T12:00:00Z`. */
export const IsInstant = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && INSTANT.test(value) && isISO8601(value, { strict: true }) && !Number.isNaN(Date.parse(value)),
        defaultMessage: () => 'must be an ISO 8601 date (YYYY-MM-DD) or date-time with a zone (e.g. 2026-11-29T12:00:00Z)',
      },
    },
    options,
  );

/**
 * GET /disclosures: entries of the disclosure log. `from` and `to` are inclusive; a date alone
 * means that whole day (UTC). Pages: `limit` entries after the seq `after` (the previous page's `next`).
 */
export class DisclosuresQueryDto {
  /** Only messages that held this member's data (or named them, for deletion notices). */
  @IsOptional()
  @IsMemberId()
  subjectId?: string;

  @IsOptional()
  @IsMemberId()
  recipientId?: string;

  @IsOptional()
  @IsInstant()
  from?: string;

  @IsOptional()
  @IsInstant()
  to?: string;

  @IsOptional()
  @Matches(/^[1-9][0-9]{0,17}$/, { message: 'must be the seq of an entry (the previous page’s next)' })
  after?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

/**
 * GET /disclosures/breach-scope: the messages of one list reference (a leaked copy), or those
 * dispatched between `from` and `to` (inclusive; a date alone means that whole day, UTC).
 */
export class BreachScopeQueryDto {
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'must not contain control characters' })
  listReference?: string;

  @IsOptional()
  @IsInstant()
  from?: string;

  @IsOptional()
  @IsInstant()
  to?: string;
}

/** A route that takes no query parameters: any given is refused (400), not ignored. */
export class NoQueryDto {}
