import type { DomainEvent } from '../../../contracts/events/domain-event';
import { given } from '../../../test/support/decider-spec';
import type { DiagnosisState } from '../../diagnoses/diagnosis';
import { memberEvolver } from '../member';
import { type VerifyEmail, decideVerifyEmail } from './verify-email.decide';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const MEMBER = '7d4c1c1e-1111-4aaa-8bbb-000000000001';
const DIAGNOSIS = 'd1000000-0000-4000-8000-000000000001';
const diagnosis = (status: DiagnosisState['status']): DiagnosisState => ({ diagnosisId: DIAGNOSIS, name: 'X', status });

const joined: DomainEvent = {
  type: 'MemberJoined',
  data: {
    memberId: MEMBER,
    diagnosisId: DIAGNOSIS,
    role: 'patient',
    country: 'DK',
    language: 'da',
    consent: { channel: 'web' },
    optIns: {},
    personal: 'v1.old',
  },
};
const requested = (purpose: 'sign-up' | 'email-change', expiresAt = '2026-12-01T00:00:00.000Z'): DomainEvent => ({
  type: 'EmailVerificationRequested',
  data: { memberId: MEMBER, purpose, tokenHash: 'hash', expiresAt, sealed: 'v1.token' },
});
const verify = (overrides: Partial<VerifyEmail> = {}): VerifyEmail => ({ matched: 'pending', matchedTokenHash: 'hash', diagnosis: diagnosis('open'), now: NOW, ...overrides });
const verified = (purpose: string) => ({ type: 'EmailVerified', data: { memberId: MEMBER, purpose, verifiedAt: NOW.toISOString() } });

describe('verify-email', () => {
  it('admits a verified applicant to an open group', () => {
    given(memberEvolver, [joined, requested('sign-up')])
      .when((state) => decideVerifyEmail(state, verify()))
      .then([verified('sign-up'), { type: 'MemberAdmitted', data: { memberId: MEMBER, diagnosisId: DIAGNOSIS, admittedAt: NOW.toISOString() } }]);
  });

  it.each([
    ['pending', { type: 'MemberAwaitingAssessment', data: { memberId: MEMBER, diagnosisId: DIAGNOSIS } }],
    ['has-association', { type: 'MemberReferred', data: { memberId: MEMBER, diagnosisId: DIAGNOSIS } }],
    ['not-rare', { type: 'MemberDeclined', data: { memberId: MEMBER, diagnosisId: DIAGNOSIS, reason: 'not-rare' } }],
  ] as const)('for a diagnosis that is %s', (status, outcome) => {
    given(memberEvolver, [joined, requested('sign-up')])
      .when((state) => decideVerifyEmail(state, verify({ diagnosis: diagnosis(status) })))
      .then([verified('sign-up'), outcome]);
  });

  it('applies a verified new address', () => {
    given(memberEvolver, [joined, requested('sign-up'), verified('sign-up'), requested('email-change')])
      .when((state) => decideVerifyEmail(state, verify({ changedPersonal: { personal: 'v1.new', country: 'DK' } })))
      .then([verified('email-change'), { type: 'ContactDetailsUpdated', data: { memberId: MEMBER, country: 'DK', fields: ['email'], personal: 'v1.new' } }]);
  });

  it('refuses a secret that was checked against a link replaced since', () => {
    given(memberEvolver, [joined, requested('sign-up'), verified('sign-up'), requested('email-change')])
      .when((state) => decideVerifyEmail(state, verify({ matchedTokenHash: 'hash-of-the-link-before', changedPersonal: { personal: 'v1.new', country: 'DK' } })))
      .thenFails({ kind: 'conflict', rule: 'verification-changed' });
  });

  it('a link works once', () => {
    given(memberEvolver, [joined, requested('sign-up'), verified('sign-up')])
      .when((state) => decideVerifyEmail(state, verify({ matched: 'used' })))
      .thenFails({ kind: 'conflict', rule: 'already-verified' });
  });

  it('refuses a wrong secret, an expired link, and a member that does not exist', () => {
    given(memberEvolver, [joined, requested('sign-up')])
      .when((state) => decideVerifyEmail(state, verify({ matched: 'none' })))
      .thenFails({ kind: 'invalid', rule: 'invalid-token', field: 'token' });
    given(memberEvolver, [joined, requested('sign-up', '2026-11-29T11:59:59.000Z')])
      .when((state) => decideVerifyEmail(state, verify()))
      .thenFails({ kind: 'invalid', rule: 'token-expired', field: 'token' });
    given(memberEvolver)
      .when((state) => decideVerifyEmail(state, verify()))
      .thenFails({ kind: 'invalid', rule: 'invalid-token', field: 'token' });
  });

  it('does not admit a member who withdrew before verifying', () => {
    given(memberEvolver, [joined, requested('sign-up'), { type: 'ConsentWithdrawn', data: { memberId: MEMBER, withdrawnBy: 'secretariat', withdrawnAt: NOW.toISOString() } }])
      .when((state) => decideVerifyEmail(state, verify()))
      .thenFails({ kind: 'conflict', rule: 'member-withdrawn' });
  });
});
