import type { Country } from '../../../contracts/events/membership.events';
import { consentLapsed, HAND_OVER_LAPSES_AT, handOverConfirmed, handOverRequested, signedUpByRelative } from '../../../test/support/consent-hand-over-history';
import { given } from '../../../test/support/decider-spec';
import { admittedMember, joined, MEMBER, verified, withdrawn } from '../../../test/support/member-history';
import { memberEvolver } from '../../membership/member';
import { decideReviewConsentHandOver } from './review-consent-hand-over.decide';

const LINK = { tokenHash: 'hash-of-the-new-link', sealed: 'v1.sealed-new-token' };
type State = Parameters<typeof decideReviewConsentHandOver>[0];
const review =
  (now: string, patientBirthYear?: number) =>
  (state: State) =>
    decideReviewConsentHandOver(state, { patientBirthYear, now: new Date(now), link: LINK });
/** The child of signedUpByRelative: 13 or 14 when the parent signed up in November 2026. */
const BORN = 2012;
const requested = (consentAge: number, at: string, lapsesAt: string) => ({
  type: 'ConsentHandOverRequested',
  data: { memberId: MEMBER, consentAge, tokenHash: LINK.tokenHash, requestedAt: at, lapsesAt, sealed: LINK.sealed },
});

describe('review-consent-hand-over: the daily check of one member whose consent a relative gave', () => {
  it('asks the young person on the first check from 1 January of the year after they turn 15 (DK), giving them 60 days', () => {
    // Certainly 15 from 1 January 2028.
    given(memberEvolver, signedUpByRelative())
      .when(review('2028-01-01T03:00:00.000Z', BORN))
      .then([requested(15, '2028-01-01T03:00:00.000Z', '2028-03-01T03:00:00.000Z')]);
  });

  it('asks a patient who may have been under age when the relative signed up (born 2011: 14 or 15 in November 2026)', () => {
    given(memberEvolver, signedUpByRelative())
      .when(review('2027-01-01T03:00:00.000Z', 2011))
      .then([requested(15, '2027-01-01T03:00:00.000Z', '2027-03-02T03:00:00.000Z')]);
  });

  it('does nothing while the age is not yet certainly reached', () => {
    given(memberEvolver, signedUpByRelative()).when(review('2027-12-31T22:59:59.000Z', BORN)).then([]);
  });

  it.each([
    ['DK', 2012, 15, '2028-01-01'],
    ['GL', 2012, 15, '2028-01-01'],
    ['FO', 2012, 15, '2028-01-01'],
    ['NO', 2012, 18, '2031-01-01'],
    ['SE', 2014, 13, '2028-01-01'],
  ] as Array<[Country, number, number, string]>)('in %s a child born %i is asked at %i, from %s', (country, birthYear, age, from) => {
    const dayBefore = new Date(Date.parse(`${from}T00:00:00.000Z`) - 1).toISOString();
    given(memberEvolver, signedUpByRelative(country)).when(review(dayBefore, birthYear)).then([]);
    const lapsesAt = new Date(Date.parse(`${from}T00:00:00.000Z`) + 60 * 24 * 60 * 60 * 1000).toISOString();
    given(memberEvolver, signedUpByRelative(country))
      .when(review(`${from}T00:00:00.000Z`, birthYear))
      .then([requested(age, `${from}T00:00:00.000Z`, lapsesAt)]);
  });

  it('asks nobody when the patient was certainly of age when the relative signed up, or the birth year is unknown', () => {
    given(memberEvolver, signedUpByRelative()).when(review('2028-01-01T03:00:00.000Z', 2010)).then([]); // 2026 - 2010 - 1 = 15
    given(memberEvolver, signedUpByRelative()).when(review('2028-01-01T03:00:00.000Z', 1990)).then([]);
    given(memberEvolver, signedUpByRelative()).when(review('2028-01-01T03:00:00.000Z')).then([]);
  });

  it('asks nobody about a consent the member gave themself, an unverified sign-up, a withdrawn or an erased member', () => {
    given(memberEvolver, admittedMember()).when(review('2030-01-01T03:00:00.000Z', BORN)).then([]);
    given(memberEvolver, signedUpByRelative().slice(0, 1)).when(review('2030-01-01T03:00:00.000Z', BORN)).then([]);
    given(memberEvolver, [...signedUpByRelative(), withdrawn()]).when(review('2030-01-01T03:00:00.000Z', BORN)).then([]);
    given(memberEvolver, [...signedUpByRelative(), { type: 'MemberErased', data: { memberId: MEMBER, erasedBy: 'retention', erasedAt: '2029-01-01T00:00:00.000Z' } }])
      .when(review('2030-01-01T03:00:00.000Z', BORN))
      .then([]);
    given(memberEvolver, [joined({ role: 'relative', consent: { ...joined().data.consent, givenBy: 'relative' } }), verified()])
      .when(review('2030-01-01T03:00:00.000Z', BORN))
      .then([]);
  });

  it('asks once: while the young person has time nothing more happens', () => {
    given(memberEvolver, [...signedUpByRelative(), handOverRequested()]).when(review('2028-02-29T03:00:00.000Z', BORN)).then([]);
  });

  it('lets the consent lapse at the first check once the 60 days have run out: the member leaves the lists', () => {
    given(memberEvolver, [...signedUpByRelative(), handOverRequested()])
      .when(review(HAND_OVER_LAPSES_AT, BORN))
      .then([{ type: 'ConsentLapsed', data: { memberId: MEMBER, lapsedAt: HAND_OVER_LAPSES_AT } }]);
    given(memberEvolver, [...signedUpByRelative(), handOverRequested()])
      .when(review('2028-03-02T03:00:00.000Z', BORN))
      .then([{ type: 'ConsentLapsed', data: { memberId: MEMBER, lapsedAt: '2028-03-02T03:00:00.000Z' } }]);
  });

  it('never again after a confirmation, a lapse, or a withdrawal during the 60 days', () => {
    for (const after of [[handOverConfirmed()], [consentLapsed()], [withdrawn()]]) {
      given(memberEvolver, [...signedUpByRelative(), handOverRequested(), ...after])
        .when(review('2040-01-01T03:00:00.000Z', BORN))
        .then([]);
    }
  });
});
