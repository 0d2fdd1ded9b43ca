import { IsIn, Matches } from 'class-validator';
import { EXTENSION_REASONS, type ExtensionReason } from '../events/rights-request.events';
import { MEMBER_ID_PATTERN } from './member-id';

/** POST /commands/extend-rights-request (secretariat): GDPR Art. 12(3), two further months, once. */
export class ExtendRightsRequestDto {
  @Matches(MEMBER_ID_PATTERN, { message: 'must be a request id (uuid)' })
  requestId!: string;

  @IsIn(EXTENSION_REASONS, { message: `must be one of ${EXTENSION_REASONS.join(', ')}` })
  reason!: ExtensionReason;
}
