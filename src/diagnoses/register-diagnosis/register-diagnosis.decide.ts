import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { DiagnosisRegistered } from '../../../contracts/events/diagnosis.events';
import { DomainError, conflict, invalid } from '../../domain/domain-error';
import type { CommandContext } from '../../event-store/command-handling';
import { canonicalOrphaCode, tidyName } from '../diagnosis-codes';
import type { DiagnosisState } from '../diagnosis';

export interface RegisterDiagnosis {
  /** The new diagnosis' id (from the id generator). */
  diagnosisId: string;
  name: string;
  orphaCode?: string;
  icd10?: string;
  description?: string;
  /** A diagnosis the network already knows by this ORPHAcode or name (any status), if any. */
  knownDiagnosisId?: string;
}

/**
 * The secretariat opens a group for a diagnosis. The same diagnosis (by ORPHAcode or name) is
 * never registered twice: a proposed one is assessed instead. The ORPHAcode is stored as ORPHA:<n>.
 */
export function decideRegisterDiagnosis(state: DiagnosisState, command: RegisterDiagnosis, context: CommandContext): DomainEvent[] {
  if (context.actorRole !== 'secretariat') throw new DomainError('forbidden', 'secretariat-only', 'Only the secretariat registers diagnoses.');
  const name = tidyName(command.name);
  if (name === '') throw invalid('name-required', 'name', 'The diagnosis needs a name.');
  if (state.status !== 'none') throw conflict('diagnosis-exists', 'A diagnosis with this id already exists.');
  if (command.knownDiagnosisId !== undefined) {
    throw conflict(
      'diagnosis-known',
      `The network already knows this diagnosis (diagnosisId ${command.knownDiagnosisId}); a proposed diagnosis is assessed instead.`,
    );
  }
  const orphaCode = canonicalOrphaCode(command.orphaCode);
  const description = command.description?.trim();
  const registered: DiagnosisRegistered = {
    type: 'DiagnosisRegistered',
    data: {
      diagnosisId: command.diagnosisId,
      name,
      ...(orphaCode ? { orphaCode } : {}),
      ...(command.icd10 ? { icd10: command.icd10 } : {}),
      ...(description ? { description } : {}),
    },
  };
  return [registered];
}
