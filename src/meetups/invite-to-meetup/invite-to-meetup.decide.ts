import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { MeetupInvitationsRequested } from '../../../contracts/events/meetup.events';
import type { DiagnosisStatus } from '../../diagnoses/diagnosis';
import { invalid } from '../../domain/domain-error';
import { type MeetupState, requireUpcomingMeetup } from '../meetup';

export interface InviteToMeetup {
  /** Only the members of these groups; undefined: of every group. */
  diagnosisIds?: string[];
  /** The status of each diagnosis named in diagnosisIds. */
  groups: Readonly<Record<string, DiagnosisStatus>>;
}

/** Groups that have members: open ones, and those that became an association. */
const HAS_MEMBERS: ReadonlySet<DiagnosisStatus> = new Set(['open', 'has-association']);

/**
 * Invites the members with the meet-up opt-in to a meet-up to come. It may be asked again (e.g.
 * for more groups): the mailing sender invites each member once per meet-up.
 */
export function decideInviteToMeetup(state: MeetupState, command: InviteToMeetup, context: { now: Date }): DomainEvent[] {
  requireUpcomingMeetup(state, context.now);
  command.diagnosisIds?.forEach((diagnosisId, index) => {
    if (!HAS_MEMBERS.has(command.groups[diagnosisId] ?? 'none')) throw invalid('unknown-group', `diagnosisIds.${index}`, 'No diagnosis group has this id.');
  });
  const requested: MeetupInvitationsRequested = {
    type: 'MeetupInvitationsRequested',
    data: { meetupId: state.meetupId, diagnosisIds: command.diagnosisIds ?? null, requestedAt: context.now.toISOString() },
  };
  return [requested];
}
