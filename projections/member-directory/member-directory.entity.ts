import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ContactField, Country, Language, Relation, Role, SignUpChannel } from '../../contracts/events/membership.events';
import type { MemberStatus } from '../../src/membership/member';

/**
 * A member's status in the directory: the member fold's, 'consent-lapsed' (a consent handed over
 * at coming of age that nobody confirmed: left like a withdrawal), or 'erased' (GDPR Art. 17:
 * personal data and memberships gone).
 */
export type DirectoryStatus = MemberStatus | 'consent-lapsed' | 'erased';

/** Where a member is with one diagnosis group. */
export type MembershipStatus = 'awaiting-verification' | 'awaiting-assessment' | 'admitted' | 'referred' | 'declined' | 'withdrawn';

/** One member as the secretariat sees them: status, consent, opt-ins; personal data only sealed. */
@Entity({ name: 'member_directory' })
export class MemberDirectoryEntry {
  @PrimaryColumn('uuid', { name: 'member_id' })
  memberId!: string;

  @Column('text')
  status!: DirectoryStatus;

  @Column('boolean')
  restricted!: boolean;

  @Column('text')
  role!: Role;

  @Column('text', { nullable: true })
  relation!: Relation | null;

  @Column('text')
  channel!: SignUpChannel;

  @Column('text')
  country!: Country;

  @Column('text')
  language!: Language;

  @Column('text', { name: 'consent_text_version' })
  consentTextVersion!: string;

  @Column('timestamptz', { name: 'consent_given_at' })
  consentGivenAt!: Date;

  @Column('text', { name: 'consent_given_by' })
  consentGivenBy!: 'self' | 'relative';

  @Column('boolean', { name: 'consent_attested_by_staff' })
  consentAttestedByStaff!: boolean;

  @Column('text', { name: 'consent_scope' })
  consentScope!: 'group' | 'cluster';

  @Column('text', { name: 'shared_fields', array: true })
  sharedFields!: ContactField[];

  @Column('boolean', { name: 'allow_transfer_to_greenland' })
  allowTransferToGreenland!: boolean;

  @Column('boolean', { name: 'opt_in_newsletter' })
  optInNewsletter!: boolean;

  @Column('boolean', { name: 'opt_in_meetups' })
  optInMeetups!: boolean;

  @Column('boolean', { name: 'opt_in_facebook_invite' })
  optInFacebookInvite!: boolean;

  @Column('boolean', { name: 'email_verified' })
  emailVerified!: boolean;

  /** A new address was given and waits for its owner to verify it. */
  @Column('boolean', { name: 'email_change_pending' })
  emailChangePending!: boolean;

  /** The member's PersonalData, sealed under their key (latest MemberJoined / ContactDetailsUpdated); '' once erased. */
  @Column('text')
  personal!: string;

  @Column('timestamptz', { name: 'joined_at' })
  joinedAt!: Date;

  /** Position of the last event applied to this member: older events are skipped (idempotency). */
  @Column('bigint')
  position!: string;
}

@Entity({ name: 'member_directory_memberships' })
export class MemberDirectoryMembership {
  @PrimaryColumn('uuid', { name: 'member_id' })
  memberId!: string;

  @PrimaryColumn('uuid', { name: 'diagnosis_id' })
  diagnosisId!: string;

  @Column('text')
  status!: MembershipStatus;
}
