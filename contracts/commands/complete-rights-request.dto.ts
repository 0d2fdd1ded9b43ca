import { IsIn, Matches } from 'class-validator';
import { REQUEST_OUTCOMES, type RequestOutcome } from '../events/rights-request.events';
import { MEMBER_ID_PATTERN } from './member-id';

/** POST /commands/complete-rights-request (secretariat): the request was answered. */
export class CompleteRightsRequestDto {
  @Matches(MEMBER_ID_PATTERN, { message: 'must be a request id (uuid)' })
  requestId!: string;

  @IsIn(REQUEST_OUTCOMES, { message: `must be one of ${REQUEST_OUTCOMES.join(', ')}` })
  outcome!: RequestOutcome;
}
