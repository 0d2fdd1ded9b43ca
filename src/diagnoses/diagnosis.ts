import type { DomainEvent } from '../../contracts/events/domain-event';
import type { DiagnosisEvent, PatientAssociation } from '../../contracts/events/diagnosis.events';
import type { Evolver } from '../event-store/command-handling';

/**
 * none: no such diagnosis · pending: proposed, awaiting assessment · open: has a group ·
 * not-rare / has-association: assessed, no group (applicants are declined or referred); a group
 * that became an association is has-association too, its members staying where they are.
 */
export type DiagnosisStatus = 'none' | 'pending' | 'open' | 'not-rare' | 'has-association';

export interface DiagnosisState {
  diagnosisId: string;
  name: string;
  status: DiagnosisStatus;
  association?: PatientAssociation;
}

export const initialDiagnosisState: DiagnosisState = { diagnosisId: '', name: '', status: 'none' };

export function evolveDiagnosis(state: DiagnosisState, domainEvent: DomainEvent): DiagnosisState {
  const event = domainEvent as DiagnosisEvent;
  switch (event.type) {
    case 'DiagnosisRegistered':
      return { ...state, diagnosisId: event.data.diagnosisId, name: event.data.name, status: 'open' };
    case 'DiagnosisProposed':
      return { ...state, diagnosisId: event.data.diagnosisId, name: event.data.name, status: 'pending' };
    case 'DiagnosisAssessed': {
      const status = event.data.decision === 'rare' ? 'open' : event.data.decision;
      return { ...state, status, association: event.data.association };
    }
    case 'GroupBecameAssociation':
      return { ...state, status: 'has-association', association: event.data.association };
    default:
      return state;
  }
}

export const diagnosisEvolver: Evolver<DiagnosisState> = { initialState: initialDiagnosisState, evolve: evolveDiagnosis };
