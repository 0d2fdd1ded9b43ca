import { admitted, awaiting, joined, verified, withdrawn } from '../../test/support/applicant-events';
import { given } from '../../test/support/decider-spec';
import { type ApplicantState, type MoveApplicant, applicantEvolver, decideMoveApplicant } from './admissions.decide';

const MEMBER = '7d4c1c1e-1111-4aaa-8bbb-000000000001';
const DIAGNOSIS = 'd1000000-0000-4000-8000-000000000001';
const OTHER = 'd2000000-0000-4000-8000-000000000002';
const NOW = new Date('2026-11-30T08:00:00.000Z');
const move =
  (decision: MoveApplicant['decision'], diagnosisId = DIAGNOSIS) =>
  (state: ApplicantState) =>
    decideMoveApplicant(state, { memberId: MEMBER, diagnosisId, decision, now: NOW });
const waiting = [joined(MEMBER, DIAGNOSIS), verified(MEMBER), awaiting(MEMBER, DIAGNOSIS)];

describe('admissions: moving an applicant once the diagnosis is assessed', () => {
  it('admits a verified applicant when the diagnosis is rare', () => {
    given(applicantEvolver, waiting)
      .when(move('rare'))
      .then([{ type: 'MemberAdmitted', data: { memberId: MEMBER, diagnosisId: DIAGNOSIS, admittedAt: '2026-11-30T08:00:00.000Z' } }]);
  });

  it('refers the applicant when the diagnosis has a patient association', () => {
    given(applicantEvolver, waiting).when(move('has-association')).then([{ type: 'MemberReferred', data: { memberId: MEMBER, diagnosisId: DIAGNOSIS } }]);
  });

  it('declines the applicant when the diagnosis is not rare', () => {
    given(applicantEvolver, waiting)
      .when(move('not-rare'))
      .then([{ type: 'MemberDeclined', data: { memberId: MEMBER, diagnosisId: DIAGNOSIS, reason: 'not-rare' } }]);
  });

  it('moves a sign-up the secretariat entered (consent attested, no email verification)', () => {
    given(applicantEvolver, [joined(MEMBER, DIAGNOSIS, { attestedByStaff: true }), awaiting(MEMBER, DIAGNOSIS)])
      .when(move('rare'))
      .then([{ type: 'MemberAdmitted', data: { memberId: MEMBER, diagnosisId: DIAGNOSIS, admittedAt: '2026-11-30T08:00:00.000Z' } }]);
  });

  it('moves nobody twice: an admitted applicant gets nothing more', () => {
    given(applicantEvolver, [...waiting, admitted(MEMBER, DIAGNOSIS)])
      .when(move('rare'))
      .then([]);
  });

  it('leaves alone an applicant who withdrew, was erased, waits for another diagnosis, is unverified or unknown', () => {
    given(applicantEvolver, [...waiting, withdrawn(MEMBER)]).when(move('rare')).then([]);
    given(applicantEvolver, [...waiting, { type: 'MemberErased', data: { memberId: MEMBER, erasedBy: 'member', erasedAt: NOW.toISOString() } }]).when(move('rare')).then([]);
    given(applicantEvolver, waiting).when(move('rare', OTHER)).then([]);
    given(applicantEvolver, [joined(MEMBER, DIAGNOSIS), awaiting(MEMBER, DIAGNOSIS)]).when(move('rare')).then([]);
    given(applicantEvolver).when(move('rare')).then([]);
  });
});
