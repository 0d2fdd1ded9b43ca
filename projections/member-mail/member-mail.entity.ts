import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PatientAssociation } from '../../contracts/events/diagnosis.events';

/** A member as the mails need them: their language, and their personal data still sealed. */
@Entity({ name: 'member_mail_recipients' })
export class MemberMailRecipient {
  @PrimaryColumn('text', { name: 'member_id' })
  memberId!: string;

  @Column('text')
  language!: string;

  /**
   * The member's PersonalData (name, email, ...) exactly as sealed in MemberJoined or the latest
   * ContactDetailsUpdated: opened only to send, unreadable for good once the member is erased.
   */
  @Column('text')
  personal!: string;
}

/** A diagnosis as the mails name it, with the patient association it was assessed to have. */
@Entity({ name: 'member_mail_diagnoses' })
export class MemberMailDiagnosis {
  @PrimaryColumn('text', { name: 'diagnosis_id' })
  diagnosisId!: string;

  @Column('text')
  name!: string;

  @Column('jsonb', { nullable: true })
  association!: PatientAssociation | null;
}

export type MemberMailKind = 'verification' | 'referral' | 'not-rare' | 'consent-hand-over' | 'consent-hand-over-relative';
/** sent · rejected (by the provider, for good) · no-email (paper or phone sign-up) · erased · expired (a verification link, or a hand-over past its date). */
export type MemberMailOutcome = 'sent' | 'rejected' | 'no-email' | 'erased' | 'expired';

/**
 * One row per event and mail it called for (a consent hand-over calls for two), whatever became
 * of it. Never emptied by a rebuild: it is what keeps a replay of the log from mailing anyone twice.
 */
@Entity({ name: 'member_mail_dispatches' })
export class MemberMailDispatch {
  @PrimaryColumn('text', { name: 'event_id' })
  eventId!: string;

  @Column('text', { name: 'member_id' })
  memberId!: string;

  @PrimaryColumn('text')
  kind!: MemberMailKind;

  @Column('text')
  outcome!: MemberMailOutcome;

  @Column('text', { name: 'provider_message_id', nullable: true })
  providerMessageId!: string | null;

  @Column('timestamptz', { name: 'dispatched_at', default: () => 'now()' })
  dispatchedAt!: Date;
}

export const MEMBER_MAIL_ENTITIES = [MemberMailRecipient, MemberMailDiagnosis, MemberMailDispatch];
