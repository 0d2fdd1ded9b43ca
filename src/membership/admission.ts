import type { DomainEvent } from '../../contracts/events/domain-event';
import type { MemberAdmitted, MemberAwaitingAssessment, MemberDeclined, MemberReferred } from '../../contracts/events/membership.events';
import type { DiagnosisState } from '../diagnoses/diagnosis';

export type AdmissionEvent = MemberAdmitted | MemberAwaitingAssessment | MemberReferred | MemberDeclined;

/** Where a verified applicant goes, given the state of their diagnosis. */
export function admissionOutcome(memberId: string, diagnosis: DiagnosisState, now: Date): AdmissionEvent {
  const { diagnosisId } = diagnosis;
  switch (diagnosis.status) {
    case 'open':
      return { type: 'MemberAdmitted', data: { memberId, diagnosisId, admittedAt: now.toISOString() } };
    case 'has-association':
      return { type: 'MemberReferred', data: { memberId, diagnosisId } };
    case 'not-rare':
      return { type: 'MemberDeclined', data: { memberId, diagnosisId, reason: 'not-rare' } };
    default:
      return { type: 'MemberAwaitingAssessment', data: { memberId, diagnosisId } };
  }
}

/** The status the HTTP API reports for an admission event. */
export const STATUS_OF: Record<AdmissionEvent['type'], string> = {
  MemberAdmitted: 'admitted',
  MemberAwaitingAssessment: 'awaiting-assessment',
  MemberReferred: 'referred',
  MemberDeclined: 'declined',
};

export const isAdmissionEvent = (event: DomainEvent): event is AdmissionEvent => event.type in STATUS_OF;
