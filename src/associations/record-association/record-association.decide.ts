import type { DomainEvent } from '../../../contracts/events/domain-event';
import { type GroupBecameAssociation, type PatientAssociation, UNDIAGNOSED_DIAGNOSIS_ID } from '../../../contracts/events/diagnosis.events';
import type { DiagnosisState } from '../../diagnoses/diagnosis';
import { patientAssociationOf } from '../../diagnoses/patient-association';
import { conflict, notFound } from '../../domain/domain-error';

export interface RecordAssociation {
  association: Partial<PatientAssociation>;
}

/**
 * An open group became its own patient association. The diagnosis is then has-association, so
 * later applicants are referred to it (src/membership/admission.ts), and the group's members are
 * told by mail (src/mailings). The group for the undiagnosed gathers no single diagnosis and
 * cannot become one.
 */
export function decideRecordAssociation(state: DiagnosisState, command: RecordAssociation, context: { now: Date }): DomainEvent[] {
  const association = patientAssociationOf(command.association);
  if (state.status === 'none') throw notFound('diagnosis-not-found', 'No diagnosis has this id.');
  if (state.diagnosisId === UNDIAGNOSED_DIAGNOSIS_ID) throw conflict('undiagnosed-group', 'The group for people without a diagnosis cannot become a patient association.');
  if (state.status !== 'open') throw conflict('group-not-open', `Only an open group can become a patient association; this diagnosis is ${state.status}.`);
  const became: GroupBecameAssociation = { type: 'GroupBecameAssociation', data: { diagnosisId: state.diagnosisId, association, recordedAt: context.now.toISOString() } };
  return [became];
}
