import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../event-store/command-handling';
import type { MemberStatus } from '../member';

export interface RestrictionResult {
  memberId: string;
  status: MemberStatus;
  restricted: boolean;
}

/** The secretariat ends a member's restriction: they are on their group's lists again. */
export class LiftRestrictionCommand extends Command<RestrictionResult> {
  constructor(
    readonly memberId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
