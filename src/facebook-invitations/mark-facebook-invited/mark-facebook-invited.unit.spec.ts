import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { MembersInvitedToFacebookGroup } from '../../../contracts/events/facebook-invitation.events';
import type { OptIns, OptInWithdrawn } from '../../../contracts/events/membership.events';
import { given } from '../../../test/support/decider-spec';
import { admitted, joined, MEMBER, verified, withdrawn } from '../../../test/support/member-history';
import { type MemberState, memberEvolver } from '../../membership/member';
import { type FacebookInvitationsState, facebookInvitationsEvolver } from '../facebook-invitations';
import { decideMarkFacebookInvited } from './mark-facebook-invited.decide';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const OTHER = '7d4c1c1e-2222-4aaa-8bbb-000000000003';
const ASKED: OptIns = { newsletter: false, meetups: false, facebookInvite: true };

const fold = (events: DomainEvent[]): MemberState => events.reduce(memberEvolver.evolve, memberEvolver.initialState);
const asking = (...more: DomainEvent[]) => fold([joined({ optIns: ASKED }), verified(), admitted(), ...more]);
/** A second member who asked, with their own id. */
const otherAsking = (): MemberState => ({ ...asking(), memberId: OTHER });
const mark = (...members: MemberState[]) => (state: FacebookInvitationsState) => decideMarkFacebookInvited(state, { members }, { now: NOW });
const invited = (...memberIds: string[]): MembersInvitedToFacebookGroup => ({ type: 'MembersInvitedToFacebookGroup', data: { memberIds, invitedAt: NOW.toISOString() } });

describe('mark-facebook-invited', () => {
  it('records the members the secretariat invited', () => {
    given(facebookInvitationsEvolver).when(mark(asking(), otherAsking())).then([invited(MEMBER, OTHER)]);
  });

  it('refuses a member invited before, all or none', () => {
    given(facebookInvitationsEvolver, [invited(MEMBER)]).when(mark(otherAsking(), asking())).thenFails({ kind: 'conflict', rule: 'already-invited' });
  });

  it('refuses a member who did not ask, or withdrew the wish', () => {
    given(facebookInvitationsEvolver).when(mark(fold([joined(), verified(), admitted()]))).thenFails({ kind: 'conflict', rule: 'no-facebook-opt-in' });
    const withdrawnOptIn: OptInWithdrawn = { type: 'OptInWithdrawn', data: { memberId: MEMBER, optIn: 'facebookInvite', withdrawnBy: 'member', withdrawnAt: NOW.toISOString() } };
    given(facebookInvitationsEvolver).when(mark(asking(withdrawnOptIn))).thenFails({ kind: 'conflict', rule: 'no-facebook-opt-in' });
  });

  it('refuses a member who is not admitted (waiting, or left the network)', () => {
    given(facebookInvitationsEvolver).when(mark(fold([joined({ optIns: ASKED })]))).thenFails({ kind: 'conflict', rule: 'member-not-admitted' });
    given(facebookInvitationsEvolver).when(mark(asking(withdrawn()))).thenFails({ kind: 'conflict', rule: 'member-not-admitted' });
  });

  it('refuses an unknown (404) or erased (409) member', () => {
    given(facebookInvitationsEvolver).when(mark(fold([]))).thenFails({ kind: 'not-found', rule: 'unknown-member' });
    const erased = { type: 'MemberErased', data: { memberId: MEMBER, erasedBy: 'member', erasedAt: NOW.toISOString() } };
    given(facebookInvitationsEvolver).when(mark(asking(erased))).thenFails({ kind: 'conflict', rule: 'member-erased' });
  });
});
