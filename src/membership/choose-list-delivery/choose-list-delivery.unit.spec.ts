import { given } from '../../../test/support/decider-spec';
import { admittedMember, joined, MEMBER, withdrawn } from '../../../test/support/member-history';
import { memberEvolver } from '../member';
import { decideChooseListDelivery } from './choose-list-delivery.decide';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const choose = (delivery: 'email' | 'portal', deployment: 'email' | 'portal' | 'member-choice' = 'member-choice') => (state: Parameters<typeof decideChooseListDelivery>[0]) =>
  decideChooseListDelivery(state, { memberId: MEMBER, delivery }, { now: NOW, deployment });

describe('choose-list-delivery', () => {
  it('records the member’s choice of portal delivery, and a later change back to email', () => {
    given(memberEvolver, admittedMember())
      .when(choose('portal'))
      .then([{ type: 'ListDeliveryChosen', data: { memberId: MEMBER, delivery: 'portal', chosenAt: NOW.toISOString() } }]);
    given(memberEvolver, [...admittedMember(), { type: 'ListDeliveryChosen', data: { memberId: MEMBER, delivery: 'portal', chosenAt: NOW.toISOString() } }])
      .when(choose('email'))
      .then([{ type: 'ListDeliveryChosen', data: { memberId: MEMBER, delivery: 'email', chosenAt: NOW.toISOString() } }]);
  });

  it('lets a member choose while their sign-up is still being handled', () => {
    given(memberEvolver, [joined()])
      .when(choose('portal'))
      .then([{ type: 'ListDeliveryChosen', data: { memberId: MEMBER, delivery: 'portal', chosenAt: NOW.toISOString() } }]);
  });

  it('records nothing when the choice is the one already made', () => {
    given(memberEvolver, [...admittedMember(), { type: 'ListDeliveryChosen', data: { memberId: MEMBER, delivery: 'portal', chosenAt: NOW.toISOString() } }])
      .when(choose('portal'))
      .then([]);
  });

  it('refuses where the deployment decides for everyone (409)', () => {
    given(memberEvolver, admittedMember()).when(choose('portal', 'email')).thenFails({ kind: 'conflict', rule: 'list-delivery-not-chosen-by-members' });
    given(memberEvolver, admittedMember()).when(choose('email', 'portal')).thenFails({ kind: 'conflict', rule: 'list-delivery-not-chosen-by-members' });
  });

  it('refuses an unknown member and one who withdrew', () => {
    given(memberEvolver).when(choose('portal')).thenFails({ kind: 'not-found', rule: 'unknown-member' });
    given(memberEvolver, [...admittedMember(), withdrawn()]).when(choose('portal')).thenFails({ kind: 'conflict', rule: 'member-withdrawn' });
  });
});
