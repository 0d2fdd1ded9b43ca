import type { DomainEvent, Sealed } from '../../../contracts/events/domain-event';
import type { ContactField, Country, EmailVerificationRequested, Language, MemberJoined, OptIns, Relation, Role } from '../../../contracts/events/membership.events';
import type { DiagnosisState } from '../../diagnoses/diagnosis';
import { DomainError, conflict, invalid } from '../../domain/domain-error';
import { admissionOutcome } from '../admission';
import { CONSENT_AGE, POSTAL_CODE_FORMAT, hasCertainlyReached, isValidPostalCode, normalisedPhone } from '../contact-rules';
import type { MemberState } from '../member';

/** A sign-up as submitted (already shaped by the DTO), with who sent it. */
export interface JoinRequest {
  role: Role;
  birthYear?: number;
  relation?: Relation;
  patientBirthYear?: number;
  phone: string;
  country: Country;
  postalCode: string;
  language: Language;
  consent: { textVersion: string; given: boolean; sharedFields?: ContactField[]; scope?: 'group' | 'cluster'; allowTransferToGreenland?: boolean };
  optIns: { wantsFacebookInvite?: boolean; wantsMeetupInvites?: boolean; wantsNewsletter?: boolean };
  /** Set only by a secretariat sign-up. */
  channel?: 'paper' | 'phone' | 'email';
  hasEmail: boolean;
}

export interface JoinContext {
  callerIsStaff: boolean;
  now: Date;
  isKnownConsentVersion(version: string): boolean;
}

/**
 * The rules of a sign-up that need no stored state. Checked before anything is written; each
 * broken rule names its field. Returns the phone number in E.164.
 */
export function checkJoinRules(request: JoinRequest, context: JoinContext): { phone: string } {
  if (request.channel !== undefined && !context.callerIsStaff) {
    throw new DomainError('forbidden', 'staff-channel', 'Only the secretariat enters paper, phone or email sign-ups.', 'channel');
  }
  if (!request.consent.given) throw invalid('consent-required', 'consent.given', 'Joining requires consent: it must be true.');
  if (!context.isKnownConsentVersion(request.consent.textVersion)) {
    throw invalid('unknown-consent-version', 'consent.textVersion', 'Unknown consent text version; see GET /consent-texts/current.');
  }
  if (!request.hasEmail && !(request.channel === 'paper' || request.channel === 'phone')) {
    throw invalid('email-required', 'email', 'An email address is required, except for paper or phone sign-ups.');
  }
  if (request.role === 'patient' && request.birthYear !== undefined) {
    const age = CONSENT_AGE[request.country];
    if (!hasCertainlyReached(age, request.birthYear, context.now)) {
      throw invalid('consent-age', 'birthYear', `A patient under ${age} (the consent age in ${request.country}) must be signed up by a parent or guardian (role relative).`);
    }
  }
  if (!isValidPostalCode(request.country, request.postalCode)) {
    throw invalid('postal-code', 'address.postalCode', `Not a postal code of ${request.country}: ${POSTAL_CODE_FORMAT[request.country]}.`);
  }
  const phone = normalisedPhone(request.country, request.phone);
  if (!phone) throw invalid('phone', 'phone', `Not a valid phone number for ${request.country}.`);
  return { phone };
}

export interface JoinNetwork {
  memberId: string;
  request: JoinRequest;
  diagnosis: DiagnosisState;
  personal: MemberJoined['data']['personal'];
  /** For a web sign-up: the one-time link to send, as its hash and its sealed form. */
  verification?: { tokenHash: string; expiresAt: string; sealed: Sealed<{ token: string; email: string }> };
  now: Date;
}

/**
 * A new member: the consent as given, and then either the verification link (web) or, for a
 * sign-up the secretariat entered and attested, the admission outcome at once.
 */
export function decideJoin(state: MemberState, command: JoinNetwork): DomainEvent[] {
  if (state.exists) throw conflict('member-exists', 'This member already exists.');
  const { memberId, request, diagnosis, now } = command;
  const attested = request.channel !== undefined;
  const optIns: OptIns = {
    newsletter: request.optIns.wantsNewsletter ?? false,
    meetups: request.optIns.wantsMeetupInvites ?? false,
    facebookInvite: request.optIns.wantsFacebookInvite ?? false,
  };
  const joined: MemberJoined = {
    type: 'MemberJoined',
    data: {
      memberId,
      diagnosisId: diagnosis.diagnosisId,
      role: request.role,
      ...(request.relation ? { relation: request.relation } : {}),
      country: request.country,
      language: request.language,
      consent: {
        textVersion: request.consent.textVersion,
        language: request.language,
        channel: request.channel ?? 'web',
        givenBy: request.role === 'patient' ? 'self' : 'relative',
        attestedByStaff: attested,
        sharedFields: request.consent.sharedFields ?? ['address', 'phone', 'email'],
        scope: request.consent.scope ?? 'group',
        allowTransferToGreenland: request.consent.allowTransferToGreenland ?? false,
        givenAt: now.toISOString(),
      },
      optIns,
      personal: command.personal,
    },
  };
  if (attested) return [joined, admissionOutcome(memberId, diagnosis, now)];
  if (!command.verification) throw new Error('A web sign-up needs a verification link');
  const verification: EmailVerificationRequested = { type: 'EmailVerificationRequested', data: { memberId, purpose: 'sign-up', ...command.verification } };
  return [joined, verification];
}
