import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../../contracts/events/domain-event';
import type { EventMetadata, NewEvent } from '../../contracts/events/event-envelope';
import type { MemberJoined } from '../../contracts/events/membership.events';
import { memberJoined } from './recorded-events';

/**
 * Events of applicants and diagnoses for projection, reactor and end-to-end specs, written
 * straight to the store. Personal data is stand-in sealed text.
 */
export const AT = '2026-11-29T12:00:00.000Z';

export function joined(memberId: string, diagnosisId: string, { attestedByStaff = false } = {}): MemberJoined {
  const event = memberJoined(memberId, diagnosisId, { optIns: { newsletter: false, meetups: false, facebookInvite: false }, personal: 'v1.sealed-personal' });
  return { ...event, data: { ...event.data, consent: { ...event.data.consent, attestedByStaff, channel: attestedByStaff ? 'paper' : 'web', givenAt: AT } } };
}

export const verified = (memberId: string): DomainEvent => ({ type: 'EmailVerified', data: { memberId, purpose: 'sign-up', verifiedAt: AT } });
export const awaiting = (memberId: string, diagnosisId: string): DomainEvent => ({ type: 'MemberAwaitingAssessment', data: { memberId, diagnosisId } });
export const admitted = (memberId: string, diagnosisId: string): DomainEvent => ({ type: 'MemberAdmitted', data: { memberId, diagnosisId, admittedAt: AT } });
export const withdrawn = (memberId: string): DomainEvent => ({ type: 'ConsentWithdrawn', data: { memberId, withdrawnBy: 'member', withdrawnAt: AT } });
export const restricted = (memberId: string): DomainEvent => ({ type: 'MemberRestricted', data: { memberId, reason: 'v1.sealed-reason', restrictedAt: AT } });

/** A web applicant who verified their email and waits for the assessment of a proposed diagnosis. */
export const waitingApplicant = (memberId: string, diagnosisId: string): DomainEvent[] => [joined(memberId, diagnosisId), verified(memberId), awaiting(memberId, diagnosisId)];

export const proposed = (diagnosisId: string, name: string, codes: { orphaCode?: string; icd10?: string } = {}): DomainEvent => ({
  type: 'DiagnosisProposed',
  data: { diagnosisId, name, ...codes, proposedBy: randomUUID() },
});
export const registered = (diagnosisId: string, name: string, codes: { orphaCode?: string; icd10?: string; description?: string } = {}): DomainEvent => ({
  type: 'DiagnosisRegistered',
  data: { diagnosisId, name, ...codes },
});
export const assessed = (diagnosisId: string, decision: 'rare' | 'not-rare' | 'has-association', association?: { name: string }): DomainEvent => ({
  type: 'DiagnosisAssessed',
  data: { diagnosisId, decision, rationale: 'Vurderet af sekretariatet.', ...(association ? { association } : {}), assessorRole: 'secretariat' },
});

/** Domain events as stored events with their metadata (one correlation id per call unless given). */
export function stored(events: DomainEvent[], metadata: Partial<EventMetadata> = {}): NewEvent[] {
  const correlationId = metadata.correlationId ?? randomUUID();
  return events.map((event) => ({
    id: randomUUID(),
    type: event.type,
    schemaVersion: 1,
    data: event.data,
    metadata: { correlationId, actorRole: 'system', occurredAt: AT, ...metadata },
  }));
}
