import { Command } from '@nestjs/cqrs';
import type { RegisterDiagnosisDto } from '../../../contracts/commands/register-diagnosis.dto';
import type { CommandContext } from '../../event-store/command-handling';

export interface RegisterDiagnosisResult {
  diagnosisId: string;
}

export class RegisterDiagnosisCommand extends Command<RegisterDiagnosisResult> {
  constructor(
    readonly payload: RegisterDiagnosisDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}
