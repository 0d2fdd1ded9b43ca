import { IsIn } from 'class-validator';
import type { OptIns } from '../events/membership.events';
import { IsMemberId } from './member-id';

/** The separate consents a member may have given beside the network consent. */
export const OPT_INS = ['newsletter', 'meetups', 'facebookInvite'] as const satisfies ReadonlyArray<keyof OptIns>;

/** A signed-in member withdraws one of their opt-ins (POST /me/withdraw-opt-in); the network consent stays. */
export class WithdrawOwnOptInDto {
  @IsIn(OPT_INS, { message: `must be one of ${OPT_INS.join(', ')}` })
  optIn!: keyof OptIns;
}

/** The secretariat records that a member withdraws one of their opt-ins (POST /commands/withdraw-opt-in). */
export class WithdrawOptInDto extends WithdrawOwnOptInDto {
  @IsMemberId()
  memberId!: string;
}
