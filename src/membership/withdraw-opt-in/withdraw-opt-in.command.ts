import { Command } from '@nestjs/cqrs';
import type { OptIns, OptInWithdrawn } from '../../../contracts/events/membership.events';
import type { CommandContext } from '../../event-store/command-handling';

export interface WithdrawOptInResult {
  memberId: string;
  /** The member's opt-ins after the withdrawal. */
  optIns: OptIns;
}

/** A member withdraws one of their separate consents (newsletter, meet-ups, Facebook invitation). */
export class WithdrawOptInCommand extends Command<WithdrawOptInResult> {
  constructor(
    readonly memberId: string,
    readonly optIn: keyof OptIns,
    readonly withdrawnBy: OptInWithdrawn['data']['withdrawnBy'],
    readonly context: CommandContext,
  ) {
    super();
  }
}
