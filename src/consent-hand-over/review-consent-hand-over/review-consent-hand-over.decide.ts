import type { DomainEvent, Sealed } from '../../../contracts/events/domain-event';
import type { ConsentHandOverRequested, ConsentLapsed } from '../../../contracts/events/membership.events';
import { CONSENT_AGE, hasCertainlyReached } from '../../membership/contact-rules';
import type { MemberState } from '../../membership/member';

/** How long the young person has to confirm the consent themself before it lapses. */
export const HAND_OVER_PERIOD_DAYS = 60;
const DAY_MS = 24 * 60 * 60 * 1000;

export type HandOverStep = 'request' | 'lapse';

/**
 * What a member's consent hand-over needs now, if anything:
 * - request: a relative gave the consent while the patient was a child (the consent age of the
 *   member's country not certainly reached when it was given), and the age is now certainly
 *   reached. With only a birth year that is 1 January of the year after the patient turns the
 *   age: the same date from which the sign-up lets a patient of that year consent themself.
 * - lapse: the young person was asked and the period has run out without a confirmation.
 * Only for a member who takes part (admitted, or verified and waiting for an assessment).
 */
export function handOverStep(state: MemberState, patientBirthYear: number | undefined, now: Date): HandOverStep | undefined {
  if (!state.exists || state.erased || state.consent?.givenBy !== 'relative') return undefined;
  if (state.status !== 'admitted' && state.status !== 'awaiting-assessment') return undefined;
  if (state.handOver) return state.handOver.stage === 'requested' && now.getTime() >= Date.parse(state.handOver.lapsesAt) ? 'lapse' : undefined;
  if (patientBirthYear === undefined) return undefined;
  const age = CONSENT_AGE[state.country];
  const childWhenGiven = !hasCertainlyReached(age, patientBirthYear, new Date(state.consent.givenAt));
  return childWhenGiven && hasCertainlyReached(age, patientBirthYear, now) ? 'request' : undefined;
}

export interface ReviewConsentHandOver {
  /** The patient's birth year from the member's sealed details; undefined when not given. */
  patientBirthYear?: number;
  now: Date;
  /** The young person's one-time link (its hash, and the token sealed), made when a request is due. */
  link?: { tokenHash: string; sealed: Sealed<{ token: string }> };
}

/** The daily check's decision for one member: ask the young person, let the consent lapse, or nothing. */
export function decideReviewConsentHandOver(state: MemberState, command: ReviewConsentHandOver): DomainEvent[] {
  const { memberId } = state;
  const step = handOverStep(state, command.patientBirthYear, command.now);
  if (step === 'lapse') {
    const lapsed: ConsentLapsed = { type: 'ConsentLapsed', data: { memberId, lapsedAt: command.now.toISOString() } };
    return [lapsed];
  }
  if (step !== 'request') return [];
  if (!command.link) throw new Error('A consent hand-over needs the young person’s link');
  const requested: ConsentHandOverRequested = {
    type: 'ConsentHandOverRequested',
    data: {
      memberId,
      consentAge: CONSENT_AGE[state.country],
      tokenHash: command.link.tokenHash,
      requestedAt: command.now.toISOString(),
      lapsesAt: new Date(command.now.getTime() + HAND_OVER_PERIOD_DAYS * DAY_MS).toISOString(),
      sealed: command.link.sealed,
    },
  };
  return [requested];
}
