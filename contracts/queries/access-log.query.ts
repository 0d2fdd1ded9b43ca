import { IsMemberId } from '../commands/member-id';

/** GET /access-log: the staff look-ups that showed this member's personal data. */
export class AccessLogQueryDto {
  @IsMemberId()
  memberId!: string;
}
