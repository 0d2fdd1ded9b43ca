import type { ConsentHandOverConfirmed, ConsentHandOverRequested, ConsentLapsed, Country, MemberEvent } from '../../contracts/events/membership.events';
import { admitted, joined, MEMBER, verified } from './member-history';

/** Events of a consent hand-over on MEMBER's stream, for decider specs. */

/** A parent's web sign-up for their child (consent given 2026-11-01), verified and admitted: the consent is the relative's. */
export function signedUpByRelative(country: Country = 'DK'): MemberEvent[] {
  const base = joined();
  return [joined({ role: 'relative', relation: 'parent', country, consent: { ...base.data.consent, givenBy: 'relative' } }), verified(), admitted()];
}

export const HAND_OVER_REQUESTED_AT = '2028-01-01T03:00:00.000Z';
export const HAND_OVER_LAPSES_AT = '2028-03-01T03:00:00.000Z';

export const handOverRequested = (): ConsentHandOverRequested => ({
  type: 'ConsentHandOverRequested',
  data: { memberId: MEMBER, consentAge: 15, tokenHash: 'hash-of-the-link', requestedAt: HAND_OVER_REQUESTED_AT, lapsesAt: HAND_OVER_LAPSES_AT, sealed: 'v1.sealed-token' },
});

export const handOverConfirmed = (): ConsentHandOverConfirmed => ({
  type: 'ConsentHandOverConfirmed',
  data: { memberId: MEMBER, textVersion: '1', language: 'da', channel: 'web', attestedByStaff: false, confirmedAt: '2028-01-10T12:00:00.000Z' },
});

export const consentLapsed = (): ConsentLapsed => ({ type: 'ConsentLapsed', data: { memberId: MEMBER, lapsedAt: HAND_OVER_LAPSES_AT } });
