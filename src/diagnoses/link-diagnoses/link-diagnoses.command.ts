import { Command } from '@nestjs/cqrs';
import type { LinkDiagnosesDto } from '../../../contracts/commands/link-diagnoses.dto';
import type { CommandContext } from '../../event-store/command-handling';

export interface LinkDiagnosesResult {
  clusterId: string;
}

export class LinkDiagnosesCommand extends Command<LinkDiagnosesResult> {
  constructor(
    readonly payload: LinkDiagnosesDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}
