import { consentLapsed, HAND_OVER_LAPSES_AT, handOverConfirmed, handOverRequested, signedUpByRelative } from '../../../test/support/consent-hand-over-history';
import { given } from '../../../test/support/decider-spec';
import { MEMBER, withdrawn } from '../../../test/support/member-history';
import { memberEvolver } from '../../membership/member';
import { type ConfirmConsent, decideConfirmConsent } from './confirm-consent.decide';

const NOW = '2028-01-10T12:00:00.000Z';
type State = Parameters<typeof decideConfirmConsent>[0];
const confirm =
  (via: ConfirmConsent['via'] = { link: true }, overrides: Partial<ConfirmConsent> = {}) =>
  (state: State) =>
    decideConfirmConsent(state, { via, textVersion: '1', now: new Date(NOW), ...overrides }, (version) => version === '1');
const asked = () => [...signedUpByRelative(), handOverRequested()];

describe('confirm-consent: the young person gives the consent their relative gave for them', () => {
  it('with the link from the email: the consent is now their own, given on the web', () => {
    given(memberEvolver, asked())
      .when(confirm())
      .then([{ type: 'ConsentHandOverConfirmed', data: { memberId: MEMBER, textVersion: '1', language: 'da', channel: 'web', attestedByStaff: false, confirmedAt: NOW } }]);
  });

  it('by letter, phone or email, recorded and attested by the secretariat', () => {
    given(memberEvolver, asked())
      .when(confirm({ staff: 'phone' }))
      .then([{ type: 'ConsentHandOverConfirmed', data: { memberId: MEMBER, textVersion: '1', language: 'da', channel: 'phone', attestedByStaff: true, confirmedAt: NOW } }]);
  });

  it('leaves the member with a consent given by themself', () => {
    const state = [...asked(), handOverConfirmed()].reduce(memberEvolver.evolve, memberEvolver.initialState);
    expect(state.consent).toMatchObject({ givenBy: 'self', textVersion: '1', givenAt: '2028-01-10T12:00:00.000Z', attestedByStaff: false });
    expect(state.status).toBe('admitted');
  });

  it('works once', () => {
    given(memberEvolver, [...asked(), handOverConfirmed()]).when(confirm()).thenFails({ kind: 'conflict', rule: 'already-confirmed' });
    given(memberEvolver, [...asked(), handOverConfirmed()]).when(confirm({ staff: 'paper' })).thenFails({ kind: 'conflict', rule: 'already-confirmed' });
  });

  it('refuses a link that does not match, or a member who was never asked', () => {
    given(memberEvolver, asked()).when(confirm({ link: false })).thenFails({ kind: 'invalid', rule: 'invalid-token', field: 'token' });
    given(memberEvolver, signedUpByRelative()).when(confirm({ link: false })).thenFails({ kind: 'invalid', rule: 'invalid-token', field: 'token' });
    given(memberEvolver).when(confirm({ link: false })).thenFails({ kind: 'invalid', rule: 'invalid-token', field: 'token' });
    given(memberEvolver, signedUpByRelative()).when(confirm({ staff: 'phone' })).thenFails({ kind: 'conflict', rule: 'no-hand-over' });
    given(memberEvolver).when(confirm({ staff: 'phone' })).thenFails({ kind: 'not-found', rule: 'unknown-member' });
  });

  it('is too late once the 60 days have run out, even before the daily check let the consent lapse', () => {
    given(memberEvolver, asked())
      .when(confirm({ link: true }, { now: new Date(HAND_OVER_LAPSES_AT) }))
      .thenFails({ kind: 'conflict', rule: 'hand-over-lapsed' });
    given(memberEvolver, [...asked(), consentLapsed()]).when(confirm()).thenFails({ kind: 'conflict', rule: 'hand-over-lapsed' });
  });

  it('refuses a membership withdrawn meanwhile, and an unknown consent text', () => {
    given(memberEvolver, [...asked(), withdrawn()]).when(confirm()).thenFails({ kind: 'conflict', rule: 'member-withdrawn' });
    given(memberEvolver, asked())
      .when(confirm({ link: true }, { textVersion: '99' }))
      .thenFails({ kind: 'invalid', rule: 'unknown-consent-version', field: 'textVersion' });
  });
});
