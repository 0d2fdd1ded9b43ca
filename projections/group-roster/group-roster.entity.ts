import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ContactField, Country, Language, Role } from '../../contracts/events/membership.events';

export type RosterStatus = 'admitted' | 'restricted';

/**
 * One admitted member of a diagnosis group whose consent stands. A restricted member stays on the
 * roster with status 'restricted' and is left off every contact list. Personal data only sealed.
 */
@Entity({ name: 'group_roster' })
export class GroupRosterEntry {
  @PrimaryColumn('uuid', { name: 'diagnosis_id' })
  diagnosisId!: string;

  @PrimaryColumn('uuid', { name: 'member_id' })
  memberId!: string;

  @Column('text')
  status!: RosterStatus;

  @Column('text')
  role!: Role;

  @Column('text')
  country!: Country;

  @Column('text')
  language!: Language;

  @Column('text', { name: 'consent_scope' })
  consentScope!: 'group' | 'cluster';

  @Column('text', { name: 'shared_fields', array: true })
  sharedFields!: ContactField[];

  @Column('boolean', { name: 'allow_transfer_to_greenland' })
  allowTransferToGreenland!: boolean;

  @Column('boolean', { name: 'email_verified' })
  emailVerified!: boolean;

  /** The member's PersonalData, sealed under their key (latest MemberJoined / ContactDetailsUpdated). */
  @Column('text')
  personal!: string;

  @Column('timestamptz', { name: 'admitted_at' })
  admittedAt!: Date;
}

/** Every member the roster projection has seen, admitted or not: what group_roster is made from. */
@Entity({ name: 'group_roster_members' })
export class GroupRosterMember {
  @PrimaryColumn('uuid', { name: 'member_id' })
  memberId!: string;

  @Column('uuid', { name: 'diagnosis_id' })
  diagnosisId!: string;

  @Column('text')
  role!: Role;

  @Column('text')
  country!: Country;

  @Column('text')
  language!: Language;

  @Column('text', { name: 'consent_scope' })
  consentScope!: 'group' | 'cluster';

  @Column('text', { name: 'shared_fields', array: true })
  sharedFields!: ContactField[];

  @Column('boolean', { name: 'allow_transfer_to_greenland' })
  allowTransferToGreenland!: boolean;

  @Column('boolean', { name: 'email_verified' })
  emailVerified!: boolean;

  @Column('boolean')
  restricted!: boolean;

  @Column('timestamptz', { name: 'admitted_at', nullable: true })
  admittedAt!: Date | null;

  /** A withdrawn member stays as a tombstone (so a replayed event cannot bring them back), without personal data. */
  @Column('boolean')
  withdrawn!: boolean;

  @Column('text', { nullable: true })
  personal!: string | null;

  /** Position of the last event applied to this member: older events are skipped (idempotency). */
  @Column('bigint')
  position!: string;
}
