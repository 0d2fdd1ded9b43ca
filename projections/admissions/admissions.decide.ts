import type { DomainEvent } from '../../contracts/events/domain-event';
import type { AssessmentDecision } from '../../contracts/events/diagnosis.events';
import type { MemberAdmitted, MemberDeclined, MemberReferred } from '../../contracts/events/membership.events';
import type { Evolver } from '../../src/event-store/command-handling';
import { type MemberState, evolveMember, initialMemberState } from '../../src/membership/member';

/** A member's state, plus the diagnosis whose assessment they wait for. */
export interface ApplicantState extends MemberState {
  awaitingDiagnosisId?: string;
}

export const applicantEvolver: Evolver<ApplicantState> = {
  initialState: initialMemberState,
  evolve(state, event) {
    const next: ApplicantState = evolveMember(state, event);
    if (event.type === 'MemberAwaitingAssessment') return { ...next, awaitingDiagnosisId: (event.data as { diagnosisId: string }).diagnosisId };
    return next;
  },
};

export interface MoveApplicant {
  memberId: string;
  diagnosisId: string;
  decision: AssessmentDecision;
  now: Date;
}

/**
 * Moves an applicant who waits for the assessment of this diagnosis: rare admits, has-association
 * refers, not-rare declines. Anyone else (already moved, withdrawn, erased, waiting for another
 * diagnosis, or not verified) is left alone, so a repeated run decides nothing.
 */
export function decideMoveApplicant(state: ApplicantState, command: MoveApplicant): DomainEvent[] {
  if (!state.exists || state.erased || state.status !== 'awaiting-assessment' || state.awaitingDiagnosisId !== command.diagnosisId) return [];
  if (!state.emailVerified && !state.consent?.attestedByStaff) return [];
  const { memberId, diagnosisId } = command;
  switch (command.decision) {
    case 'rare':
      return [{ type: 'MemberAdmitted', data: { memberId, diagnosisId, admittedAt: command.now.toISOString() } } satisfies MemberAdmitted];
    case 'has-association':
      return [{ type: 'MemberReferred', data: { memberId, diagnosisId } } satisfies MemberReferred];
    case 'not-rare':
      return [{ type: 'MemberDeclined', data: { memberId, diagnosisId, reason: 'not-rare' } } satisfies MemberDeclined];
  }
}
