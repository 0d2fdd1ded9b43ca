import { Command } from '@nestjs/cqrs';
import type { ConsentWithdrawn } from '../../../contracts/events/membership.events';
import type { CommandContext } from '../../event-store/command-handling';
import type { MemberStatus } from '../member';

export interface WithdrawConsentResult {
  memberId: string;
  status: MemberStatus;
}

/** A member withdraws their consent (themselves, or recorded by the secretariat); they leave every list at once. */
export class WithdrawConsentCommand extends Command<WithdrawConsentResult> {
  constructor(
    readonly memberId: string,
    readonly withdrawnBy: ConsentWithdrawn['data']['withdrawnBy'],
    readonly context: CommandContext,
  ) {
    super();
  }
}
