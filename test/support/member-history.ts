import type {
  ConsentWithdrawn,
  EmailVerified,
  MemberAdmitted,
  MemberJoined,
  MemberReferred,
  MemberRestricted,
} from '../../contracts/events/membership.events';
import { memberJoined } from './recorded-events';

/** Events of one member's stream for decider specs: ids and times fixed, personal data as stand-in sealed text. */
export const MEMBER = '7d4c1c1e-2222-4aaa-8bbb-000000000002';
export const DIAGNOSIS = 'd1000000-0000-4000-8000-000000000001';
export const JOINED_AT = '2026-11-01T10:00:00.000Z';

export function joined(overrides: Partial<MemberJoined['data']> = {}): MemberJoined {
  return memberJoined(MEMBER, DIAGNOSIS, { personal: 'v1.sealed-personal', ...overrides });
}

export const verified = (): EmailVerified => ({ type: 'EmailVerified', data: { memberId: MEMBER, purpose: 'sign-up', verifiedAt: JOINED_AT } });
export const admitted = (): MemberAdmitted => ({ type: 'MemberAdmitted', data: { memberId: MEMBER, diagnosisId: DIAGNOSIS, admittedAt: JOINED_AT } });
export const referred = (): MemberReferred => ({ type: 'MemberReferred', data: { memberId: MEMBER, diagnosisId: DIAGNOSIS } });
export const withdrawn = (): ConsentWithdrawn => ({ type: 'ConsentWithdrawn', data: { memberId: MEMBER, withdrawnBy: 'member', withdrawnAt: JOINED_AT } });
export const restricted = (): MemberRestricted => ({ type: 'MemberRestricted', data: { memberId: MEMBER, reason: 'v1.sealed-reason', restrictedAt: JOINED_AT } });

/** A member who joined on the web, verified their email and was admitted to DIAGNOSIS. */
export const admittedMember = () => [joined(), verified(), admitted()];
