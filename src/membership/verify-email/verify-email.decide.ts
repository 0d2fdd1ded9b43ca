import type { DomainEvent, Sealed } from '../../../contracts/events/domain-event';
import type { Country, PersonalData } from '../../../contracts/events/membership.events';
import type { DiagnosisState } from '../../diagnoses/diagnosis';
import { DomainError, conflict, invalid } from '../../domain/domain-error';
import { admissionOutcome } from '../admission';
import type { MemberState } from '../member';

export interface VerifyEmail {
  /** Which link the token's secret matched (the handler compares hashes in constant time). */
  matched: 'pending' | 'used' | 'none';
  /** The hash of the pending link the secret was compared with: the link still pending must be that one. */
  matchedTokenHash?: string;
  diagnosis: DiagnosisState;
  /** For an email change: the member's details with the new address, sealed. */
  changedPersonal?: { personal: Sealed<PersonalData>; country: Country };
  now: Date;
}

const INVALID_TOKEN = (): DomainError => invalid('invalid-token', 'token', 'This link is not valid. Ask for a new one.');

/**
 * A verified sign-up is admitted, waits for its diagnosis to be assessed, or is referred or
 * declined; a verified new address replaces the old one. A link works once and until it expires.
 */
export function decideVerifyEmail(state: MemberState, command: VerifyEmail): DomainEvent[] {
  if (command.matched === 'used') throw conflict('already-verified', 'This link has already been used.');
  const pending = state.pendingVerification;
  if (!state.exists || !pending || command.matched !== 'pending') throw INVALID_TOKEN();
  if (state.status === 'withdrawn') throw conflict('member-withdrawn', 'This membership has been withdrawn.');
  if (command.now.getTime() > Date.parse(pending.expiresAt)) throw new DomainError('invalid', 'token-expired', 'This link has expired. Ask for a new one.', 'token');
  // A new link was asked for between the handler's read and this one: the secret was checked against the old one.
  if (pending.tokenHash !== command.matchedTokenHash) throw conflict('verification-changed', 'A new link was sent meanwhile. Use the newest one.');
  const { memberId } = state;
  const verified: DomainEvent = { type: 'EmailVerified', data: { memberId, purpose: pending.purpose, verifiedAt: command.now.toISOString() } };
  if (pending.purpose === 'sign-up') return [verified, admissionOutcome(memberId, command.diagnosis, command.now)];
  if (!command.changedPersonal) throw new Error('An email change needs the new details');
  return [verified, { type: 'ContactDetailsUpdated', data: { memberId, country: command.changedPersonal.country, fields: ['email'], personal: command.changedPersonal.personal } }];
}
