import type { DomainEvent } from '../../../contracts/events/domain-event';
import { given } from '../../../test/support/decider-spec';
import { admittedMember, joined, MEMBER, referred, restricted, withdrawn } from '../../../test/support/member-history';
import { memberEvolver, type MemberState } from '../member';
import { decideEraseMember, type EraseMember } from './erase-member.decide';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const erase = (erasedBy: EraseMember['erasedBy']) => (state: MemberState) => decideEraseMember(state, { memberId: MEMBER, erasedBy }, { now: NOW });
const erased = (erasedBy: EraseMember['erasedBy']): DomainEvent => ({ type: 'MemberErased', data: { memberId: MEMBER, erasedBy, erasedAt: NOW.toISOString() } });

describe('erase-member', () => {
  it.each(['member', 'secretariat', 'retention'] as const)('erases an admitted member, as asked by %s, with the time', (erasedBy) => {
    given(memberEvolver, admittedMember()).when(erase(erasedBy)).then([erased(erasedBy)]);
  });

  it.each([
    ['who has not verified their sign-up', [joined()]],
    ['who has withdrawn (their data is still held)', [...admittedMember(), withdrawn()]],
    ['who is restricted', [...admittedMember(), restricted()]],
    ['who was referred to a patient association', [joined(), referred()]],
  ])('erases a member %s', (_, history) => {
    given(memberEvolver, history).when(erase('secretariat')).then([erased('secretariat')]);
  });

  it('refuses a member erased already', () => {
    given(memberEvolver, [...admittedMember(), erased('member')]).when(erase('secretariat')).thenFails({ kind: 'conflict', rule: 'member-erased' });
  });

  it('does not know an unknown member', () => {
    given(memberEvolver).when(erase('member')).thenFails({ kind: 'not-found', rule: 'unknown-member' });
  });
});
