import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, Matches } from 'class-validator';
import { MEMBER_ID_PATTERN } from './member-id';

/** POST /commands/mark-facebook-invited (secretariat): these members were invited to the Facebook group by hand. */
export class MarkFacebookInvitedDto {
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @Matches(MEMBER_ID_PATTERN, { each: true, message: 'must be member ids (uuids)' })
  memberIds!: string[];
}
