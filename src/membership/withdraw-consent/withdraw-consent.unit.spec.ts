import { given } from '../../../test/support/decider-spec';
import { admittedMember, joined, MEMBER, referred, withdrawn } from '../../../test/support/member-history';
import { memberEvolver } from '../member';
import { decideWithdrawConsent } from './withdraw-consent.decide';

const NOW = new Date('2026-11-29T12:00:00.000Z');
type State = Parameters<typeof decideWithdrawConsent>[0];
const withdrawBy = (withdrawnBy: 'member' | 'secretariat') => (state: State) => decideWithdrawConsent(state, { memberId: MEMBER, withdrawnBy }, { now: NOW });
const withdraw = withdrawBy('secretariat');

describe('withdraw-consent', () => {
  it('records the withdrawal by the secretariat, effective now', () => {
    given(memberEvolver, admittedMember())
      .when(withdraw)
      .then([{ type: 'ConsentWithdrawn', data: { memberId: MEMBER, withdrawnBy: 'secretariat', withdrawnAt: NOW.toISOString() } }]);
  });

  it('records a withdrawal the member made themselves (self-service) as theirs', () => {
    given(memberEvolver, admittedMember())
      .when(withdrawBy('member'))
      .then([{ type: 'ConsentWithdrawn', data: { memberId: MEMBER, withdrawnBy: 'member', withdrawnAt: NOW.toISOString() } }]);
  });

  it('also withdraws a sign-up that is still waiting for verification', () => {
    given(memberEvolver, [joined()])
      .when(withdraw)
      .then([{ type: 'ConsentWithdrawn', data: { memberId: MEMBER, withdrawnBy: 'secretariat', withdrawnAt: NOW.toISOString() } }]);
  });

  it('does not know an unknown member', () => {
    given(memberEvolver).when(withdraw).thenFails({ kind: 'not-found', rule: 'unknown-member' });
  });

  it('refuses a second withdrawal', () => {
    given(memberEvolver, [...admittedMember(), withdrawn()])
      .when(withdraw)
      .thenFails({ kind: 'conflict', rule: 'consent-already-withdrawn' });
  });

  it('refuses a member who takes no part (referred to an association)', () => {
    given(memberEvolver, [joined(), referred()])
      .when(withdraw)
      .thenFails({ kind: 'conflict', rule: 'member-not-active' });
  });
});
