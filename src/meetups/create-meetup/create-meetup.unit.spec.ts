import type { MeetupCreated } from '../../../contracts/events/meetup.events';
import { given } from '../../../test/support/decider-spec';
import { type MeetupState, meetupEvolver } from '../meetup';
import { type CreateMeetup, decideCreateMeetup } from './create-meetup.decide';

const MEETUP = 'ae700000-0000-4000-8000-000000000001';
const NOW = new Date('2026-05-01T09:00:00.000Z');
const PLACE = 'Sjældne Diagnoser, Fruebjergvej 3, 2100 København Ø';

const create = (command: Partial<CreateMeetup> = {}) => (state: MeetupState) =>
  decideCreateMeetup(state, { meetupId: MEETUP, startsAt: '2026-06-13T10:00:00+02:00', place: PLACE, descriptions: { da: 'Frokost og snak.' }, ...command }, { now: NOW });
const created = (data: Partial<MeetupCreated['data']> = {}): MeetupCreated => ({
  type: 'MeetupCreated',
  data: { meetupId: MEETUP, startsAt: '2026-06-13T08:00:00.000Z', place: PLACE, descriptions: { da: 'Frokost og snak.' }, createdAt: NOW.toISOString(), ...data },
});

describe('create-meetup', () => {
  it('plans a meet-up in person, its time kept in UTC', () => {
    given(meetupEvolver).when(create()).then([created()]);
  });

  it('plans an online meet-up, or one that is both, with descriptions in several languages (trimmed)', () => {
    given(meetupEvolver)
      .when(create({ place: undefined, onlineLink: 'https://meet.example.org/traef', descriptions: { da: ' Online træf ', en: 'Online meet-up\n' } }))
      .then([{ type: 'MeetupCreated', data: { meetupId: MEETUP, startsAt: '2026-06-13T08:00:00.000Z', onlineLink: 'https://meet.example.org/traef', descriptions: { da: 'Online træf', en: 'Online meet-up' }, createdAt: NOW.toISOString() } }]);
    given(meetupEvolver).when(create({ onlineLink: 'https://meet.example.org/traef' })).then([created({ onlineLink: 'https://meet.example.org/traef' })]);
  });

  it('refuses a meet-up that is nowhere', () => {
    given(meetupEvolver).when(create({ place: '  ' })).thenFails({ kind: 'invalid', rule: 'place-or-link-required', field: 'place' });
  });

  it('refuses a meet-up in the past', () => {
    given(meetupEvolver).when(create({ startsAt: '2026-04-30T10:00:00Z' })).thenFails({ kind: 'invalid', rule: 'meetup-in-the-past', field: 'startsAt' });
  });

  it('needs a Danish description (the others fall back to it)', () => {
    given(meetupEvolver)
      .when(create({ descriptions: { da: ' ', sv: 'Lunch och prat.' } as CreateMeetup['descriptions'] }))
      .thenFails({ kind: 'invalid', rule: 'description-required', field: 'descriptions.da' });
  });
});
