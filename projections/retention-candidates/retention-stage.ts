import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { MemberEvent } from '../../contracts/events/membership.events';

/**
 * Where a member stands for the retention policy (src/retention/retention-policy.ts):
 * unverified: signed up, email never verified · referred / declined: referred to a patient
 * association, or the diagnosis was assessed not rare · withdrawn: took part, then withdrew (or
 * the consent handed over at coming of age lapsed) ·
 * active: verified and admitted or waiting for an assessment · erased: nothing left to erase.
 */
export type RetentionStage = 'unverified' | 'referred' | 'declined' | 'withdrawn' | 'active' | 'erased';

export interface RetentionCandidate {
  stage: RetentionStage;
  /** When the member reached the stage (the event's occurredAt). */
  since: string;
  /** The last event applied: an event at or before it was applied already. */
  position: bigint;
}

/** The member's candidate row after the event (the same object when the event changes nothing). */
export function applyToCandidate(current: RetentionCandidate | undefined, event: RecordedEvent): RetentionCandidate | undefined {
  if (current && event.position <= current.position) return current;
  const stage = stageAfter(current?.stage, event as unknown as MemberEvent);
  if (stage === undefined) return current;
  return { stage, since: event.metadata.occurredAt, position: event.position };
}

function stageAfter(current: RetentionStage | undefined, event: MemberEvent): RetentionStage | undefined {
  if (current === 'erased') return undefined;
  switch (event.type) {
    case 'MemberJoined':
      return current === undefined ? 'unverified' : undefined;
    case 'EmailVerified':
      // An email change of a member further along moves nothing.
      return event.data.purpose === 'sign-up' && current === 'unverified' ? 'active' : undefined;
    case 'MemberAdmitted':
    case 'MemberAwaitingAssessment':
      return 'active';
    case 'MemberReferred':
      return 'referred';
    case 'MemberDeclined':
      return 'declined';
    case 'ConsentWithdrawn':
    case 'ConsentLapsed':
      // Only someone who took part becomes 'withdrawn'; an applicant never admitted keeps the
      // shorter period of their stage (an unverified sign-up that withdraws is still erased after 30 days).
      return current === 'active' ? 'withdrawn' : undefined;
    case 'MemberErased':
      return 'erased';
    default:
      return undefined;
  }
}
