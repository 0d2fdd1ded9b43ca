import { IsMemberId } from './member-id';

/** The secretariat ends a member's restriction: they are on their group's lists again. */
export class LiftRestrictionDto {
  @IsMemberId()
  memberId!: string;
}
