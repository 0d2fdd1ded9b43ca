import type { DomainEvent } from './domain-event';

/** Stream of one diagnosis (and its group): `diagnosis-<diagnosisId>`. */
export const diagnosisStream = (diagnosisId: string): string => `diagnosis-${diagnosisId}`;
/** Stream of one cluster of diagnosis groups: `cluster-<clusterId>`. */
export const clusterStream = (clusterId: string): string => `cluster-${clusterId}`;

export interface DiagnosisCodes {
  name: string;
  orphaCode?: string;
  icd10?: string;
  description?: string;
}

export interface PatientAssociation {
  name: string;
  email?: string;
  url?: string;
}

export type AssessmentDecision = 'rare' | 'not-rare' | 'has-association';

/** The secretariat opened a group for a diagnosis directly. */
export type DiagnosisRegistered = DomainEvent<'DiagnosisRegistered', DiagnosisCodes & { diagnosisId: string }>;
/** An applicant named a diagnosis the network does not have yet; it waits for assessment. */
export type DiagnosisProposed = DomainEvent<'DiagnosisProposed', DiagnosisCodes & { diagnosisId: string; proposedBy: string }>;
/** The secretariat assessed a proposed diagnosis. 'rare' opens its group. */
export type DiagnosisAssessed = DomainEvent<
  'DiagnosisAssessed',
  {
    diagnosisId: string;
    decision: AssessmentDecision;
    rationale: string;
    prevalenceEstimate?: string;
    association?: PatientAssociation;
    assessorRole: 'secretariat';
  }
>;
/**
 * An open group started its own patient association (with the network's help): its members are
 * told, and from now on applicants for the diagnosis are referred to the association.
 */
export type GroupBecameAssociation = DomainEvent<'GroupBecameAssociation', { diagnosisId: string; association: PatientAssociation; recordedAt: string }>;
/** Groups gathered into a cluster of shared characteristics (or more groups added to one). */
export type DiagnosesLinked = DomainEvent<'DiagnosesLinked', { clusterId: string; name: string; diagnosisIds: string[] }>;

export type DiagnosisEvent = DiagnosisRegistered | DiagnosisProposed | DiagnosisAssessed | GroupBecameAssociation;
export type ClusterEvent = DiagnosesLinked;

/** The group for people without a diagnosis (suspected rare), present from the first start. */
export const UNDIAGNOSED_DIAGNOSIS_ID = '00000000-0000-4000-8000-000000000001';
