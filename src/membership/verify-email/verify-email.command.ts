import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../event-store/command-handling';

export interface VerifyEmailResult {
  memberId: string;
  status: string;
}

export class VerifyEmailCommand extends Command<VerifyEmailResult> {
  constructor(
    readonly token: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
