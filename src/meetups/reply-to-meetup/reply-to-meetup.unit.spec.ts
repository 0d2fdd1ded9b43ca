import type { MeetupAnswer, MeetupCreated, MeetupReplied } from '../../../contracts/events/meetup.events';
import type { DomainEvent } from '../../../contracts/events/domain-event';
import { given } from '../../../test/support/decider-spec';
import { admittedMember, DIAGNOSIS, MEMBER, withdrawn } from '../../../test/support/member-history';
import { memberEvolver } from '../../membership/member';
import { type MeetupState, meetupEvolver } from '../meetup';
import { decideReplyToMeetup } from './reply-to-meetup.decide';

const MEETUP = 'ae700000-0000-4000-8000-000000000001';
const NOW = new Date('2026-05-02T09:00:00.000Z');

const created: MeetupCreated = {
  type: 'MeetupCreated',
  data: { meetupId: MEETUP, startsAt: '2026-06-13T08:00:00.000Z', place: 'Odense', descriptions: { da: 'Træf' }, createdAt: '2026-04-01T09:00:00.000Z' },
};
const fold = (events: DomainEvent[]) => events.reduce(memberEvolver.evolve, memberEvolver.initialState);
const reply = (answer: MeetupAnswer, member: DomainEvent[] = admittedMember(), now = NOW) => (state: MeetupState) =>
  decideReplyToMeetup(state, { answer, member: fold(member) }, { now });
const replied = (answer: MeetupAnswer): MeetupReplied => ({
  type: 'MeetupReplied',
  data: { meetupId: MEETUP, memberId: MEMBER, diagnosisId: DIAGNOSIS, answer, repliedAt: NOW.toISOString() },
});

describe('reply-to-meetup', () => {
  it('records a yes, with the group the member is in', () => {
    given(meetupEvolver, [created]).when(reply('yes')).then([replied('yes')]);
  });

  it('records a change of mind', () => {
    given(meetupEvolver, [created, replied('yes')]).when(reply('no')).then([replied('no')]);
  });

  it('records nothing when the same answer comes again (a link clicked twice)', () => {
    given(meetupEvolver, [created, replied('no')]).when(reply('no')).then([]);
  });

  it('takes no answer once the meet-up has begun', () => {
    given(meetupEvolver, [created]).when(reply('yes', admittedMember(), new Date('2026-06-13T08:00:00.000Z'))).thenFails({ kind: 'conflict', rule: 'meetup-over' });
  });

  it('takes no answer from a member who left the network or was erased', () => {
    given(meetupEvolver, [created]).when(reply('yes', [...admittedMember(), withdrawn()])).thenFails({ kind: 'conflict', rule: 'member-withdrawn' });
    const erased = { type: 'MemberErased', data: { memberId: MEMBER, erasedBy: 'member', erasedAt: NOW.toISOString() } };
    given(meetupEvolver, [created]).when(reply('yes', [...admittedMember(), erased])).thenFails({ kind: 'conflict', rule: 'member-erased' });
  });

  it('does not know a meet-up that was never created', () => {
    given(meetupEvolver).when(reply('yes')).thenFails({ kind: 'not-found', rule: 'unknown-meetup' });
  });
});
