import type { MemberEvent } from '../../contracts/events/membership.events';
import { memberJoined, recorded } from '../../test/support/recorded-events';
import { type RetentionCandidate, applyToCandidate } from './retention-stage';

const MEMBER = 'f1000000-0000-4000-8000-000000000001';
const GROUP = 'd1000000-0000-4000-8000-000000000001';
const AT = '2026-11-29T12:00:00.000Z';

const joined = memberJoined(MEMBER, GROUP);
const verified = (purpose: 'sign-up' | 'email-change' = 'sign-up'): MemberEvent => ({ type: 'EmailVerified', data: { memberId: MEMBER, purpose, verifiedAt: AT } });
const admitted: MemberEvent = { type: 'MemberAdmitted', data: { memberId: MEMBER, diagnosisId: GROUP, admittedAt: AT } };
const awaiting: MemberEvent = { type: 'MemberAwaitingAssessment', data: { memberId: MEMBER, diagnosisId: GROUP } };
const referred: MemberEvent = { type: 'MemberReferred', data: { memberId: MEMBER, diagnosisId: GROUP } };
const declined: MemberEvent = { type: 'MemberDeclined', data: { memberId: MEMBER, diagnosisId: GROUP, reason: 'not-rare' } };
const withdrawn: MemberEvent = { type: 'ConsentWithdrawn', data: { memberId: MEMBER, withdrawnBy: 'member', withdrawnAt: AT } };
const erased: MemberEvent = { type: 'MemberErased', data: { memberId: MEMBER, erasedBy: 'retention', erasedAt: AT } };
const restricted: MemberEvent = { type: 'MemberRestricted', data: { memberId: MEMBER, reason: 'v1.sealed', restrictedAt: AT } };

/** The stage after a history, each event a day after the one before: [stage, the day it was reached]. */
function fold(history: MemberEvent[]): [string, string] | undefined {
  const events = recorded(history).map((event, index) => ({ ...event, metadata: { ...event.metadata, occurredAt: `2026-01-${String(index + 1).padStart(2, '0')}T12:00:00.000Z` } }));
  const candidate = events.reduce<RetentionCandidate | undefined>(applyToCandidate, undefined);
  return candidate && [candidate.stage, candidate.since.slice(0, 10)];
}

describe('a member’s retention stage', () => {
  it('starts unverified at the sign-up', () => {
    expect(fold([joined])).toEqual(['unverified', '2026-01-01']);
  });

  it('is active once verified, admitted or waiting for an assessment', () => {
    expect(fold([joined, verified()])).toEqual(['active', '2026-01-02']);
    expect(fold([joined, verified(), admitted])).toEqual(['active', '2026-01-03']);
    expect(fold([joined, verified(), awaiting])).toEqual(['active', '2026-01-03']);
    // A staff sign-up is admitted at once, without a verification.
    expect(fold([joined, admitted])).toEqual(['active', '2026-01-02']);
  });

  it('counts a referral or a decline from that decision', () => {
    expect(fold([joined, verified(), referred])).toEqual(['referred', '2026-01-03']);
    expect(fold([joined, verified(), awaiting, declined])).toEqual(['declined', '2026-01-04']);
  });

  it('counts a withdrawal of someone who took part from the withdrawal', () => {
    expect(fold([joined, verified(), admitted, restricted, withdrawn])).toEqual(['withdrawn', '2026-01-05']);
  });

  it('counts a consent that lapsed at the hand-over (nobody confirmed it) like a withdrawal', () => {
    const lapsed: MemberEvent = { type: 'ConsentLapsed', data: { memberId: MEMBER, lapsedAt: AT } };
    expect(fold([joined, verified(), admitted, lapsed])).toEqual(['withdrawn', '2026-01-04']);
  });

  it('keeps the shorter stage of an applicant never admitted who withdraws', () => {
    expect(fold([joined, withdrawn])).toEqual(['unverified', '2026-01-01']);
    expect(fold([joined, verified(), referred, withdrawn])).toEqual(['referred', '2026-01-03']);
  });

  it('is not moved by an email change or other events', () => {
    expect(fold([joined, verified(), admitted, verified('email-change'), restricted])).toEqual(['active', '2026-01-03']);
  });

  it('ends at erased: nothing after it moves the stage', () => {
    expect(fold([joined, erased])).toEqual(['erased', '2026-01-02']);
    expect(fold([joined, verified(), admitted, withdrawn, erased, admitted])).toEqual(['erased', '2026-01-05']);
  });

  it('skips an event at or before the last one applied', () => {
    const [first, second] = recorded([joined, verified()]);
    const after = applyToCandidate(applyToCandidate(undefined, first), second);
    expect(applyToCandidate(after, second)).toBe(after);
    expect(applyToCandidate(after, first)).toBe(after);
  });
});
