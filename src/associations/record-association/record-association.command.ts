import { Command } from '@nestjs/cqrs';
import type { RecordAssociationDto } from '../../../contracts/commands/record-association.dto';
import type { DiagnosisStatus } from '../../diagnoses/diagnosis';
import type { CommandContext } from '../../event-store/command-handling';

export interface RecordAssociationResult {
  diagnosisId: string;
  /** has-association: applicants are referred from now on. */
  status: DiagnosisStatus;
}

/** The secretariat records that a group became its own patient association. */
export class RecordAssociationCommand extends Command<RecordAssociationResult> {
  constructor(
    readonly payload: RecordAssociationDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}
