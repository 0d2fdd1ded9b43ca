import { Command } from '@nestjs/cqrs';
import type { AssessDiagnosisDto } from '../../../contracts/commands/assess-diagnosis.dto';
import type { CommandContext } from '../../event-store/command-handling';
import type { DiagnosisStatus } from '../diagnosis';

export interface AssessDiagnosisResult {
  diagnosisId: string;
  /** The diagnosis' status after the assessment: open, not-rare or has-association. */
  status: DiagnosisStatus;
}

export class AssessDiagnosisCommand extends Command<AssessDiagnosisResult> {
  constructor(
    readonly payload: AssessDiagnosisDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}
