import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { AssessmentDecision, DiagnosisAssessed, PatientAssociation } from '../../../contracts/events/diagnosis.events';
import { DomainError, conflict, invalid, notFound } from '../../domain/domain-error';
import type { CommandContext } from '../../event-store/command-handling';
import type { DiagnosisState } from '../diagnosis';
import { patientAssociationOf } from '../patient-association';

export interface AssessDiagnosis {
  diagnosisId: string;
  decision: AssessmentDecision;
  rationale: string;
  prevalenceEstimate?: string;
  association?: Partial<PatientAssociation>;
}

/**
 * The secretariat assesses a proposed diagnosis: rare opens its group, has-association refers its
 * applicants to the named patient association, not-rare declines them. Only a diagnosis awaiting
 * assessment can be assessed; the waiting applicants are moved by the admissions reactor.
 */
export function decideAssessDiagnosis(state: DiagnosisState, command: AssessDiagnosis, context: CommandContext): DomainEvent[] {
  if (context.actorRole !== 'secretariat') throw new DomainError('forbidden', 'secretariat-only', 'Only the secretariat assesses diagnoses.');
  const rationale = command.rationale.trim();
  if (rationale === '') throw invalid('rationale-required', 'rationale', 'An assessment needs a rationale.');
  const association = associationOf(command);
  if (state.status === 'none') throw notFound('diagnosis-not-found', 'No diagnosis has this id.');
  if (state.status !== 'pending') {
    throw conflict('diagnosis-not-pending', `Only a proposed diagnosis awaiting assessment can be assessed; this one is ${state.status}.`);
  }
  const prevalenceEstimate = command.prevalenceEstimate?.trim();
  const assessed: DiagnosisAssessed = {
    type: 'DiagnosisAssessed',
    data: {
      diagnosisId: state.diagnosisId,
      decision: command.decision,
      rationale,
      ...(prevalenceEstimate ? { prevalenceEstimate } : {}),
      ...(association ? { association } : {}),
      assessorRole: 'secretariat',
    },
  };
  return [assessed];
}

/** The association, required (with a name) for has-association and refused with any other decision. */
function associationOf(command: AssessDiagnosis): PatientAssociation | undefined {
  if (command.decision !== 'has-association') {
    if (command.association !== undefined) {
      throw invalid('association-not-expected', 'association', 'A patient association is only given with the decision has-association.');
    }
    return undefined;
  }
  return patientAssociationOf(command.association);
}
