import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PatientAssociation } from '../../contracts/events/diagnosis.events';

export type CatalogueStatus = 'pending' | 'open' | 'not-rare' | 'has-association';
export type CatalogueMemberStatus = 'awaiting-assessment' | 'admitted' | 'referred' | 'declined' | 'withdrawn';

/** One diagnosis the network knows, in any status, with the size of its group. */
@Entity({ name: 'diagnosis_catalogue' })
export class DiagnosisCatalogueEntry {
  @PrimaryColumn('text', { name: 'diagnosis_id' })
  diagnosisId!: string;

  @Column('text')
  name!: string;

  /** The name tidied and lower-cased: how names are compared. */
  @Column('text', { name: 'name_key' })
  nameKey!: string;

  @Column('text', { name: 'orpha_code', nullable: true })
  orphaCode!: string | null;

  /** The number of the ORPHAcode ("ORPHA:558" and "558" are both 558): how codes are compared. */
  @Column('text', { name: 'orpha_number', nullable: true })
  orphaNumber!: string | null;

  @Column('text', { nullable: true })
  icd10!: string | null;

  @Column('text', { nullable: true })
  description!: string | null;

  @Column('text')
  status!: CatalogueStatus;

  @Column('jsonb', { nullable: true })
  association!: PatientAssociation | null;

  @Column('text', { name: 'cluster_ids', array: true, default: () => `'{}'` })
  clusterIds!: string[];

  /** Admitted members whose consent stands (a restricted member still counts). */
  @Column('integer', { name: 'member_count', default: 0 })
  memberCount!: number;

  @Column('bigint', { name: 'created_position' })
  createdPosition!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}

/** Which diagnosis a member belongs to and how far along they are; feeds sizes and waiting lists. */
@Entity({ name: 'diagnosis_catalogue_members' })
export class DiagnosisCatalogueMember {
  @PrimaryColumn('text', { name: 'member_id' })
  memberId!: string;

  @Column('text', { name: 'diagnosis_id' })
  diagnosisId!: string;

  @Column('text')
  status!: CatalogueMemberStatus;

  /** Position of the last event applied to this row: older events never overwrite newer ones. */
  @Column('bigint')
  position!: string;
}
