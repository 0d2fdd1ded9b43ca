import type { OptIns, OptInWithdrawn } from '../../../contracts/events/membership.events';
import { given } from '../../../test/support/decider-spec';
import { admitted, admittedMember, joined, MEMBER, verified, withdrawn } from '../../../test/support/member-history';
import { type MemberState, memberEvolver } from '../member';
import { decideWithdrawOptIn } from './withdraw-opt-in.decide';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const ALL_OPT_INS: OptIns = { newsletter: true, meetups: true, facebookInvite: true };

const withdrawOptIn =
  (optIn: keyof OptIns, withdrawnBy: 'member' | 'secretariat' = 'member') =>
  (state: MemberState) =>
    decideWithdrawOptIn(state, { memberId: MEMBER, optIn, withdrawnBy }, { now: NOW });
const optInWithdrawn = (optIn: keyof OptIns, withdrawnBy: 'member' | 'secretariat' = 'member'): OptInWithdrawn => ({
  type: 'OptInWithdrawn',
  data: { memberId: MEMBER, optIn, withdrawnBy, withdrawnAt: NOW.toISOString() },
});
/** An admitted member who opted in to everything. */
const optedInToAll = () => [joined({ optIns: ALL_OPT_INS }), verified(), admitted()];

describe('withdraw-opt-in', () => {
  it.each(['newsletter', 'meetups', 'facebookInvite'] as const)('withdraws the %s opt-in, as the member', (optIn) => {
    given(memberEvolver, optedInToAll()).when(withdrawOptIn(optIn)).then([optInWithdrawn(optIn)]);
  });

  it('records a withdrawal the secretariat entered as theirs', () => {
    given(memberEvolver, optedInToAll()).when(withdrawOptIn('meetups', 'secretariat')).then([optInWithdrawn('meetups', 'secretariat')]);
  });

  it('lets a member who left the network still withdraw an opt-in', () => {
    given(memberEvolver, [...optedInToAll(), withdrawn()]).when(withdrawOptIn('newsletter')).then([optInWithdrawn('newsletter')]);
  });

  it('refuses an opt-in that was never given (409)', () => {
    given(memberEvolver, admittedMember()).when(withdrawOptIn('meetups')).thenFails({ kind: 'conflict', rule: 'opt-in-already-withdrawn' });
  });

  it('refuses an opt-in withdrawn already, leaving the others on', () => {
    const history = [...optedInToAll(), optInWithdrawn('newsletter')];
    given(memberEvolver, history).when(withdrawOptIn('newsletter')).thenFails({ kind: 'conflict', rule: 'opt-in-already-withdrawn' });
    given(memberEvolver, history).when(withdrawOptIn('facebookInvite')).then([optInWithdrawn('facebookInvite')]);
  });

  it('does not know an unknown member', () => {
    given(memberEvolver).when(withdrawOptIn('newsletter')).thenFails({ kind: 'not-found', rule: 'unknown-member' });
  });

  it('refuses an erased member', () => {
    const erased = { type: 'MemberErased' as const, data: { memberId: MEMBER, erasedBy: 'member' as const, erasedAt: NOW.toISOString() } };
    given(memberEvolver, [...optedInToAll(), erased]).when(withdrawOptIn('newsletter')).thenFails({ kind: 'conflict', rule: 'member-erased' });
  });
});
