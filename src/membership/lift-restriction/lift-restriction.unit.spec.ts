import { given } from '../../../test/support/decider-spec';
import { admittedMember, MEMBER, restricted } from '../../../test/support/member-history';
import { memberEvolver } from '../member';
import { decideLiftRestriction } from './lift-restriction.decide';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const lift = (state: Parameters<typeof decideLiftRestriction>[0]) => decideLiftRestriction(state, { memberId: MEMBER }, { now: NOW });

describe('lift-restriction', () => {
  it('lifts a restriction', () => {
    given(memberEvolver, [...admittedMember(), restricted()])
      .when(lift)
      .then([{ type: 'RestrictionLifted', data: { memberId: MEMBER, liftedAt: NOW.toISOString() } }]);
  });

  it('refuses a member who is not restricted', () => {
    given(memberEvolver, admittedMember()).when(lift).thenFails({ kind: 'conflict', rule: 'member-not-restricted' });
  });

  it('refuses a member lifted already', () => {
    given(memberEvolver, [...admittedMember(), restricted(), { type: 'RestrictionLifted', data: { memberId: MEMBER, liftedAt: NOW.toISOString() } }])
      .when(lift)
      .thenFails({ kind: 'conflict', rule: 'member-not-restricted' });
  });

  it('does not know an unknown member', () => {
    given(memberEvolver).when(lift).thenFails({ kind: 'not-found', rule: 'unknown-member' });
  });
});
