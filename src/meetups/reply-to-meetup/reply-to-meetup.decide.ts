import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { MeetupAnswer, MeetupReplied } from '../../../contracts/events/meetup.events';
import type { MemberState } from '../../membership/member';
import { requireMember, requireNotWithdrawn } from '../../membership/member-rules';
import { type MeetupState, requireUpcomingMeetup } from '../meetup';

export interface ReplyToMeetup {
  answer: MeetupAnswer;
  /** The member who answered (their link's token proved it), folded from their stream. */
  member: MemberState;
}

/**
 * A member answers an invitation, until the meet-up begins; a new answer replaces the last one,
 * and the same answer again changes nothing (a link may be clicked twice).
 */
export function decideReplyToMeetup(state: MeetupState, command: ReplyToMeetup, context: { now: Date }): DomainEvent[] {
  requireUpcomingMeetup(state, context.now);
  const { member, answer } = command;
  requireMember(member);
  requireNotWithdrawn(member);
  if (state.replies[member.memberId]?.answer === answer) return [];
  const replied: MeetupReplied = {
    type: 'MeetupReplied',
    data: { meetupId: state.meetupId, memberId: member.memberId, diagnosisId: member.diagnosisId, answer, repliedAt: context.now.toISOString() },
  };
  return [replied];
}
