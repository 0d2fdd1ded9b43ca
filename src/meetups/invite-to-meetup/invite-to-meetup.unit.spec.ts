import type { MeetupCreated, MeetupInvitationsRequested } from '../../../contracts/events/meetup.events';
import { given } from '../../../test/support/decider-spec';
import type { DiagnosisStatus } from '../../diagnoses/diagnosis';
import { type MeetupState, meetupEvolver } from '../meetup';
import { decideInviteToMeetup } from './invite-to-meetup.decide';

const MEETUP = 'ae700000-0000-4000-8000-000000000001';
const OPEN_GROUP = 'd1000000-0000-4000-8000-000000000001';
const ASSOCIATION_GROUP = 'd1000000-0000-4000-8000-000000000002';
const PENDING = 'd1000000-0000-4000-8000-000000000003';
const NOW = new Date('2026-05-01T09:00:00.000Z');
const GROUPS: Record<string, DiagnosisStatus> = { [OPEN_GROUP]: 'open', [ASSOCIATION_GROUP]: 'has-association', [PENDING]: 'pending' };

const created: MeetupCreated = {
  type: 'MeetupCreated',
  data: { meetupId: MEETUP, startsAt: '2026-06-13T08:00:00.000Z', place: 'Odense', descriptions: { da: 'Træf' }, createdAt: '2026-04-01T09:00:00.000Z' },
};
const invite = (diagnosisIds?: string[], now = NOW) => (state: MeetupState) => decideInviteToMeetup(state, { diagnosisIds, groups: GROUPS }, { now });
const invited = (diagnosisIds: string[] | null): MeetupInvitationsRequested => ({
  type: 'MeetupInvitationsRequested',
  data: { meetupId: MEETUP, diagnosisIds, requestedAt: NOW.toISOString() },
});

describe('invite-to-meetup', () => {
  it('invites the members of every group', () => {
    given(meetupEvolver, [created]).when(invite()).then([invited(null)]);
  });

  it('invites only some groups: open ones, and ones that became an association', () => {
    given(meetupEvolver, [created]).when(invite([OPEN_GROUP, ASSOCIATION_GROUP])).then([invited([OPEN_GROUP, ASSOCIATION_GROUP])]);
  });

  it('may invite again, e.g. more groups later', () => {
    given(meetupEvolver, [created, invited([OPEN_GROUP])]).when(invite([ASSOCIATION_GROUP])).then([invited([ASSOCIATION_GROUP])]);
  });

  it('refuses a diagnosis that has no group, naming its place in the list', () => {
    given(meetupEvolver, [created]).when(invite([OPEN_GROUP, PENDING])).thenFails({ kind: 'invalid', rule: 'unknown-group', field: 'diagnosisIds.1' });
    given(meetupEvolver, [created]).when(invite(['d1000000-0000-4000-8000-00000000ffff'])).thenFails({ kind: 'invalid', rule: 'unknown-group', field: 'diagnosisIds.0' });
  });

  it('refuses a meet-up that has begun (409) or does not exist (404)', () => {
    given(meetupEvolver, [created]).when(invite(undefined, new Date('2026-06-13T08:00:00.000Z'))).thenFails({ kind: 'conflict', rule: 'meetup-over' });
    given(meetupEvolver).when(invite()).thenFails({ kind: 'not-found', rule: 'unknown-meetup' });
  });
});
