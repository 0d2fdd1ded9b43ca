import { Command } from '@nestjs/cqrs';
import type { JoinNetworkDto } from '../../../contracts/commands/join-network.dto';
import type { CommandContext } from '../../event-store/command-handling';

export interface JoinNetworkResult {
  memberId: string;
  status: string;
}

export class JoinNetworkCommand extends Command<JoinNetworkResult> {
  constructor(
    readonly payload: JoinNetworkDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}
