import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../event-store/command-handling';
import type { MemberStatus } from '../member';

export interface WithdrawConsentResult {
  memberId: string;
  status: MemberStatus;
}

/** The secretariat records that a member withdraws their consent; the member leaves every list at once. */
export class WithdrawConsentCommand extends Command<WithdrawConsentResult> {
  constructor(
    readonly memberId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
