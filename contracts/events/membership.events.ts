import type { DomainEvent, Sealed } from './domain-event';

/** Stream of one member: `member-<memberId>`. The id is random: it says nothing about the person. */
export const memberStream = (memberId: string): string => `member-${memberId}`;

export type Country = 'DK' | 'SE' | 'NO' | 'GL' | 'FO';
export type Language = 'da' | 'sv' | 'nb' | 'en';
export type ContactField = 'address' | 'phone' | 'email';
export type SignUpChannel = 'web' | 'paper' | 'phone' | 'email';

export interface PostalAddress {
  street: string;
  postalCode: string;
  city: string;
  country: Country;
}

/** The personal data a member gives. Always sealed under the member's own key in events. */
export interface ContactDetails {
  name: string;
  /** Absent only for paper or phone sign-ups entered by staff: served by post. */
  email?: string;
  /** E.164, e.g. +4520123456. */
  phone: string;
  address: PostalAddress;
}

export interface PersonalData extends ContactDetails {
  /** The patient's birth year (for a relative: the patient's, if given). Decides the consent age. */
  birthYear?: number;
  patientBirthYear?: number;
}

/** The explicit consent (GDPR Art. 6(1)(a) + 9(2)(a)) as it was given. */
export interface Consent {
  textVersion: string;
  language: Language;
  channel: SignUpChannel;
  /** 'self': the member; 'relative': a relative acting for the patient; 'staff-attested': paper/phone/email sign-up. */
  givenBy: 'self' | 'relative';
  attestedByStaff: boolean;
  sharedFields: ContactField[];
  scope: 'group' | 'cluster';
  allowTransferToGreenland: boolean;
  givenAt: string;
}

export interface OptIns {
  newsletter: boolean;
  meetups: boolean;
  facebookInvite: boolean;
}

export type Role = 'patient' | 'relative';
export type Relation = 'parent' | 'guardian' | 'partner' | 'other';

export type MemberJoined = DomainEvent<
  'MemberJoined',
  {
    memberId: string;
    diagnosisId: string;
    role: Role;
    relation?: Relation;
    country: Country;
    language: Language;
    consent: Consent;
    optIns: OptIns;
    personal: Sealed<PersonalData>;
  }
>;
/**
 * A one-time link was made to prove control of an email address: the sign-up address, or a new
 * address a rectification asks for (which takes effect only once verified). Only the token's
 * hash is kept in the clear; the token itself (for the email) is sealed.
 */
export type EmailVerificationRequested = DomainEvent<
  'EmailVerificationRequested',
  { memberId: string; purpose: 'sign-up' | 'email-change'; tokenHash: string; expiresAt: string; sealed: Sealed<{ token: string; email: string }> }
>;
export type EmailVerified = DomainEvent<'EmailVerified', { memberId: string; purpose: 'sign-up' | 'email-change'; verifiedAt: string }>;
export type MemberAdmitted = DomainEvent<'MemberAdmitted', { memberId: string; diagnosisId: string; admittedAt: string }>;
export type MemberAwaitingAssessment = DomainEvent<'MemberAwaitingAssessment', { memberId: string; diagnosisId: string }>;
export type MemberReferred = DomainEvent<'MemberReferred', { memberId: string; diagnosisId: string }>;
export type MemberDeclined = DomainEvent<'MemberDeclined', { memberId: string; diagnosisId: string; reason: 'not-rare' }>;
export type ConsentWithdrawn = DomainEvent<'ConsentWithdrawn', { memberId: string; withdrawnBy: 'member' | 'secretariat'; withdrawnAt: string }>;
/** Rectification: the member's details as they are now (an email change only after verification). */
export type ContactDetailsUpdated = DomainEvent<'ContactDetailsUpdated', { memberId: string; country: Country; fields: Array<keyof ContactDetails>; personal: Sealed<PersonalData> }>;
export type SuspicionReported = DomainEvent<'SuspicionReported', { memberId: string; reportedBy: 'member' | 'secretariat'; note: Sealed<string>; reportedAt: string }>;
export type MemberRestricted = DomainEvent<'MemberRestricted', { memberId: string; reason: Sealed<string>; restrictedAt: string }>;
export type RestrictionLifted = DomainEvent<'RestrictionLifted', { memberId: string; liftedAt: string }>;

/** One of the separate consents (newsletter, meet-up invitations, Facebook invitation) is withdrawn; the network consent stays. */
export type OptInWithdrawn = DomainEvent<'OptInWithdrawn', { memberId: string; optIn: keyof OptIns; withdrawnBy: 'member' | 'secretariat'; withdrawnAt: string }>;
/** Where LIST_DELIVERY=member-choice: how the member wants their contact lists (email, or shown in self-service). */
export type ListDeliveryChosen = DomainEvent<'ListDeliveryChosen', { memberId: string; delivery: 'email' | 'portal'; chosenAt: string }>;

/**
 * Consent hand-over: a member whose consent a relative gave for them as a child has reached the
 * consent age of their country (`consentAge`), and the young person is asked to give it
 * themself by `lapsesAt`. Only the link token's hash is in the clear; the token is sealed.
 */
export type ConsentHandOverRequested = DomainEvent<
  'ConsentHandOverRequested',
  { memberId: string; consentAge: number; tokenHash: string; requestedAt: string; lapsesAt: string; sealed: Sealed<{ token: string }> }
>;
/** The young person gave the consent themself: through the emailed link (web), or by letter, phone or email recorded by the secretariat. */
export type ConsentHandOverConfirmed = DomainEvent<
  'ConsentHandOverConfirmed',
  { memberId: string; textVersion: string; language: Language; channel: SignUpChannel; attestedByStaff: boolean; confirmedAt: string }
>;
/** Nobody confirmed the handed-over consent in time: it no longer stands, and the member leaves every list as after a withdrawal. */
export type ConsentLapsed = DomainEvent<'ConsentLapsed', { memberId: string; lapsedAt: string }>;

/** Erasure (Art. 17): the member's key is shredded; this event holds no personal data. */
export type MemberErased = DomainEvent<'MemberErased', { memberId: string; erasedBy: 'member' | 'secretariat' | 'retention'; erasedAt: string }>;

export type MemberEvent =
  | MemberJoined
  | EmailVerificationRequested
  | EmailVerified
  | MemberAdmitted
  | MemberAwaitingAssessment
  | MemberReferred
  | MemberDeclined
  | ConsentWithdrawn
  | ContactDetailsUpdated
  | SuspicionReported
  | MemberRestricted
  | RestrictionLifted
  | OptInWithdrawn
  | ListDeliveryChosen
  | ConsentHandOverRequested
  | ConsentHandOverConfirmed
  | ConsentLapsed
  | MemberErased;
