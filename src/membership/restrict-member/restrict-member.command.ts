import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../event-store/command-handling';
import type { MemberStatus } from '../member';

export interface RestrictMemberResult {
  memberId: string;
  status: MemberStatus;
  restricted: boolean;
}

/** The secretariat restricts a member (GDPR Art. 18): left off every list until the restriction is lifted. */
export class RestrictMemberCommand extends Command<RestrictMemberResult> {
  constructor(
    readonly memberId: string,
    readonly reason: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
