import type { DomainEvent, Sealed } from '../../contracts/events/domain-event';
import type { Consent, Country, Language, MemberEvent, OptIns, PersonalData, Role, SignUpChannel } from '../../contracts/events/membership.events';
import type { Evolver } from '../event-store/command-handling';

export type MemberStatus = 'awaiting-verification' | 'awaiting-assessment' | 'admitted' | 'referred' | 'declined' | 'withdrawn';

export interface PendingVerification {
  purpose: 'sign-up' | 'email-change';
  tokenHash: string;
  expiresAt: string;
  sealed: Sealed<{ token: string; email: string }>;
}

/** Where the hand-over of a relative's consent to the young person stands (see src/consent-hand-over). */
export interface ConsentHandOver {
  stage: 'requested' | 'confirmed' | 'lapsed';
  /** The link's hash: it still tells a used link from a wrong one after the confirmation. */
  tokenHash: string;
  lapsesAt: string;
}

/** What decisions about a member need to know, folded from the member's stream. */
export interface MemberState {
  exists: boolean;
  memberId: string;
  diagnosisId: string;
  status: MemberStatus;
  restricted: boolean;
  role: Role;
  country: Country;
  language: Language;
  channel: SignUpChannel;
  consent?: Consent;
  optIns?: OptIns;
  personal: Sealed<PersonalData>;
  emailVerified: boolean;
  pendingVerification?: PendingVerification;
  /** Hash of the last link used, so that a second click is told "already used", not "invalid". */
  usedTokenHash?: string;
  /** The member's own choice where LIST_DELIVERY=member-choice (unset: the deployment's default). */
  listDelivery?: 'email' | 'portal';
  handOver?: ConsentHandOver;
  /** Erased (Art. 17): the key is shredded; nothing more can happen to this member. */
  erased: boolean;
}

export const initialMemberState: MemberState = {
  exists: false,
  memberId: '',
  diagnosisId: '',
  status: 'awaiting-verification',
  restricted: false,
  role: 'patient',
  country: 'DK',
  language: 'da',
  channel: 'web',
  personal: '',
  emailVerified: false,
  erased: false,
};

export function evolveMember(state: MemberState, domainEvent: DomainEvent): MemberState {
  const event = domainEvent as MemberEvent;
  switch (event.type) {
    case 'MemberJoined': {
      const { memberId, diagnosisId, role, country, language, consent, optIns, personal } = event.data;
      return { ...state, exists: true, memberId, diagnosisId, role, country, language, consent, optIns, personal, channel: consent.channel };
    }
    case 'EmailVerificationRequested':
      return { ...state, pendingVerification: { purpose: event.data.purpose, tokenHash: event.data.tokenHash, expiresAt: event.data.expiresAt, sealed: event.data.sealed } };
    case 'EmailVerified':
      return { ...state, emailVerified: true, pendingVerification: undefined, usedTokenHash: state.pendingVerification?.tokenHash };
    case 'MemberAdmitted':
      return { ...state, status: 'admitted' };
    case 'MemberAwaitingAssessment':
      return { ...state, status: 'awaiting-assessment' };
    case 'MemberReferred':
      return { ...state, status: 'referred' };
    case 'MemberDeclined':
      return { ...state, status: 'declined' };
    case 'ConsentWithdrawn':
      return { ...state, status: 'withdrawn' };
    case 'ContactDetailsUpdated':
      return { ...state, personal: event.data.personal, country: event.data.country };
    case 'MemberRestricted':
      return { ...state, restricted: true };
    case 'RestrictionLifted':
      return { ...state, restricted: false };
    case 'OptInWithdrawn':
      return state.optIns ? { ...state, optIns: { ...state.optIns, [event.data.optIn]: false } } : state;
    case 'ListDeliveryChosen':
      return { ...state, listDelivery: event.data.delivery };
    case 'ConsentHandOverRequested':
      return { ...state, handOver: { stage: 'requested', tokenHash: event.data.tokenHash, lapsesAt: event.data.lapsesAt } };
    case 'ConsentHandOverConfirmed': {
      const { textVersion, language, channel, attestedByStaff, confirmedAt } = event.data;
      const consent = state.consent && { ...state.consent, textVersion, language, channel, attestedByStaff, givenBy: 'self' as const, givenAt: confirmedAt };
      return { ...state, consent, handOver: state.handOver && { ...state.handOver, stage: 'confirmed' } };
    }
    case 'ConsentLapsed':
      // The rules for a withdrawn member apply: the consent no longer stands.
      return { ...state, status: 'withdrawn', handOver: state.handOver && { ...state.handOver, stage: 'lapsed' } };
    case 'MemberErased':
      return { ...state, erased: true, personal: '', pendingVerification: undefined };
    case 'SuspicionReported':
      return state;
    default:
      return state;
  }
}

export const memberEvolver: Evolver<MemberState> = { initialState: initialMemberState, evolve: evolveMember };

/** Statuses in which the member still takes part (a withdrawn, referred or declined one does not). */
export const isActive = (state: MemberState): boolean =>
  state.exists && !state.erased && (state.status === 'admitted' || state.status === 'awaiting-verification' || state.status === 'awaiting-assessment');
