import { given } from '../../../test/support/decider-spec';
import { admittedMember, MEMBER, restricted, withdrawn } from '../../../test/support/member-history';
import { memberEvolver } from '../member';
import { decideRestrictMember } from './restrict-member.decide';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const context = { now: NOW, sealedReason: 'v1.sealed-reason-text' };
const restrict = (state: Parameters<typeof decideRestrictMember>[0]) => decideRestrictMember(state, { memberId: MEMBER }, context);

describe('restrict-member', () => {
  it('restricts a member, with the reason sealed', () => {
    given(memberEvolver, admittedMember())
      .when(restrict)
      .then([{ type: 'MemberRestricted', data: { memberId: MEMBER, reason: 'v1.sealed-reason-text', restrictedAt: NOW.toISOString() } }]);
  });

  it('may restrict a member who has withdrawn (their data is still held)', () => {
    given(memberEvolver, [...admittedMember(), withdrawn()])
      .when(restrict)
      .then([{ type: 'MemberRestricted', data: { memberId: MEMBER, reason: 'v1.sealed-reason-text', restrictedAt: NOW.toISOString() } }]);
  });

  it('refuses a member restricted already', () => {
    given(memberEvolver, [...admittedMember(), restricted()]).when(restrict).thenFails({ kind: 'conflict', rule: 'member-already-restricted' });
  });

  it('does not know an unknown member', () => {
    given(memberEvolver).when(restrict).thenFails({ kind: 'not-found', rule: 'unknown-member' });
  });
});
