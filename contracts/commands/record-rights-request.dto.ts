import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import { REQUEST_CHANNELS, RIGHTS, type RequestChannel, type Right } from '../events/rights-request.events';
import { IsMemberId } from './member-id';

/** POST /commands/record-rights-request (secretariat): a request under a data-protection right, as received. */
export class RecordRightsRequestDto {
  /** The member it is about, when the requester is (or was) one. */
  @IsOptional()
  @IsMemberId()
  memberId?: string;

  @IsIn(RIGHTS, { message: `must be one of ${RIGHTS.join(', ')}` })
  right!: Right;

  @IsIn(REQUEST_CHANNELS, { message: `must be one of ${REQUEST_CHANNELS.join(', ')}` })
  channel!: RequestChannel;

  /** The day it was received (in Denmark), YYYY-MM-DD; not in the future. Default: today. */
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'must be a date, YYYY-MM-DD' })
  receivedAt?: string;
}
