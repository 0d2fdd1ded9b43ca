import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../event-store/command-handling';
import type { MemberStatus } from '../member';

export interface ReportSuspicionResult {
  memberId: string;
  status: MemberStatus;
  restricted: boolean;
}

/** The secretariat records a suspicion that a member joined under false pretences. */
export class ReportSuspicionCommand extends Command<ReportSuspicionResult> {
  constructor(
    readonly memberId: string,
    readonly note: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
