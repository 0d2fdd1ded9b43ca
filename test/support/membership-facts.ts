import type { DiagnosesLinked } from '../../contracts/events/diagnosis.events';
import type { DomainEvent } from '../../contracts/events/domain-event';
import type { ContactField, Country, MemberJoined } from '../../contracts/events/membership.events';
import { memberJoined } from './recorded-events';

/** Membership facts as contact-list specs need them: who joined where, with which consent, and what happened since. */
export interface JoinOptions {
  country?: Country;
  sharedFields?: ContactField[];
  scope?: 'group' | 'cluster';
  allowTransferToGreenland?: boolean;
}

export function joinedWith(memberId: string, diagnosisId: string, options: JoinOptions = {}): MemberJoined {
  const event = memberJoined(memberId, diagnosisId, { country: options.country ?? 'DK' });
  const consent = {
    ...event.data.consent,
    ...(options.sharedFields ? { sharedFields: options.sharedFields } : {}),
    ...(options.scope ? { scope: options.scope } : {}),
    ...(options.allowTransferToGreenland !== undefined ? { allowTransferToGreenland: options.allowTransferToGreenland } : {}),
  };
  return { ...event, data: { ...event.data, consent } };
}

const AT = '2026-12-01T09:00:00.000Z';
export const admittedTo = (memberId: string, diagnosisId: string): DomainEvent => ({ type: 'MemberAdmitted', data: { memberId, diagnosisId, admittedAt: AT } });
export const withdrew = (memberId: string): DomainEvent => ({ type: 'ConsentWithdrawn', data: { memberId, withdrawnBy: 'member', withdrawnAt: AT } });
export const restrictedFact = (memberId: string): DomainEvent => ({ type: 'MemberRestricted', data: { memberId, reason: 'v1.sealed-reason', restrictedAt: AT } });
export const liftedFact = (memberId: string): DomainEvent => ({ type: 'RestrictionLifted', data: { memberId, liftedAt: AT } });
export const erasedFact = (memberId: string): DomainEvent => ({ type: 'MemberErased', data: { memberId, erasedBy: 'member', erasedAt: AT } });
export const updatedFact = (memberId: string, country: Country): DomainEvent => ({
  type: 'ContactDetailsUpdated',
  data: { memberId, country, fields: ['address'], personal: `v1.sealed-update-of-${memberId.slice(0, 8)}` },
});
export const linkedFact = (clusterId: string, diagnosisIds: string[]): DiagnosesLinked => ({ type: 'DiagnosesLinked', data: { clusterId, name: 'Klynge', diagnosisIds } });
