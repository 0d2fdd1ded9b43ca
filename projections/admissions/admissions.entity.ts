import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AssessmentDecision } from '../../contracts/events/diagnosis.events';

/** An applicant waiting for the assessment of their diagnosis (removed once they are moved or withdraw). */
@Entity({ name: 'admissions_waiting' })
export class AdmissionsWaitingMember {
  @PrimaryColumn('text', { name: 'member_id' })
  memberId!: string;

  @Column('text', { name: 'diagnosis_id' })
  diagnosisId!: string;

  @Column('bigint')
  position!: string;
}

/** An assessed diagnosis: applicants who start waiting for it later are moved at once. */
@Entity({ name: 'admissions_decisions' })
export class AdmissionsDecision {
  @PrimaryColumn('text', { name: 'diagnosis_id' })
  diagnosisId!: string;

  @Column('text')
  decision!: AssessmentDecision;

  @Column('bigint')
  position!: string;
}
