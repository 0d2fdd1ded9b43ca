import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { ConsentHandOverConfirmed } from '../../../contracts/events/membership.events';
import { conflict, invalid } from '../../domain/domain-error';
import type { MemberState } from '../../membership/member';
import { requireMember } from '../../membership/member-rules';

export interface ConfirmConsent {
  /**
   * The young person's own link (whether its secret matched the member's hand-over link), or
   * the secretariat recording a confirmation that came by letter, phone or email.
   */
  via: { link: boolean } | { staff: 'paper' | 'phone' | 'email' };
  textVersion: string;
  now: Date;
}

/**
 * The young person gives the consent their relative gave for them: from now on it is theirs
 * (givenBy self), to the consent text they were shown. Only while the hand-over is open: not
 * before it was asked, not twice, not after the period ran out or the membership ended.
 */
export function decideConfirmConsent(state: MemberState, command: ConfirmConsent, isKnownConsentVersion: (version: string) => boolean): DomainEvent[] {
  const { via, now } = command;
  if ('link' in via && (!state.exists || !state.handOver || !via.link)) throw invalid('invalid-token', 'token', 'This link is not valid.');
  requireMember(state);
  const handOver = state.handOver;
  if (!handOver) throw conflict('no-hand-over', 'This member has not been asked to confirm a consent a relative gave.');
  if (handOver.stage === 'confirmed') throw conflict('already-confirmed', 'The consent has already been confirmed.');
  if (handOver.stage === 'lapsed' || now.getTime() >= Date.parse(handOver.lapsesAt)) {
    throw conflict('hand-over-lapsed', 'The time to confirm the consent has run out; the young person can join the network themself.');
  }
  if (state.status === 'withdrawn') throw conflict('member-withdrawn', 'The membership has been withdrawn.');
  if (!isKnownConsentVersion(command.textVersion)) throw invalid('unknown-consent-version', 'textVersion', 'Unknown consent text version; see GET /consent-texts/current.');
  const confirmed: ConsentHandOverConfirmed = {
    type: 'ConsentHandOverConfirmed',
    data: {
      memberId: state.memberId,
      textVersion: command.textVersion,
      language: state.language,
      channel: 'staff' in via ? via.staff : 'web',
      attestedByStaff: 'staff' in via,
      confirmedAt: now.toISOString(),
    },
  };
  return [confirmed];
}
