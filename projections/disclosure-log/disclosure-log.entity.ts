import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ContactField } from '../../contracts/events/membership.events';
import type { DisclosureKind } from './disclosure-entry';

/**
 * The tables of the disclosure log (infra/migrations/1764491000000-disclosure-log.ts,
 * 1764530000000-portal-delivery.ts). The
 * projector and the queries use SQL (keyset paging, batch inserts); these entities describe the
 * tables for TypeORM. Positions and sequence numbers are bigint, read as strings.
 */

/** One version of a group's contact list, stored once and referred to by every dispatch of it. */
@Entity({ name: 'disclosure_list_versions' })
export class DisclosureListVersion {
  @PrimaryColumn('text', { name: 'diagnosis_id' })
  diagnosisId!: string;

  @PrimaryColumn('integer')
  version!: number;

  @Column('bigint', { name: 'built_at_position' })
  builtAtPosition!: string;

  /** versionHash() of the version as published: binds its entries into the chain through each dispatch. */
  @Column('text', { name: 'version_hash' })
  versionHash!: string;

  @Column('integer', { name: 'entry_count' })
  entryCount!: number;

  @Column('text', { array: true })
  newcomers!: string[];

  /** Position of the ContactListVersionPublished event. */
  @Column('bigint')
  position!: string;

  @Column('timestamptz', { name: 'published_at' })
  publishedAt!: Date;
}

/** One person on a list version: which fields were shown, the keyed digest of the values, the Greenland flag. */
@Entity({ name: 'disclosure_list_entries' })
export class DisclosureListEntry {
  @PrimaryColumn('text', { name: 'diagnosis_id' })
  diagnosisId!: string;

  @PrimaryColumn('integer')
  version!: number;

  /** The entry's place in the version, as published. */
  @PrimaryColumn('integer')
  ordinal!: number;

  @Column('text', { name: 'subject_id' })
  subjectId!: string;

  @Column('text', { array: true })
  fields!: ContactField[];

  @Column('text')
  digest!: string;

  @Column('boolean')
  greenland!: boolean;
}

/** One person a self-service view showed: which fields, the keyed digest of the values, the Greenland flag. */
@Entity({ name: 'disclosure_view_entries' })
export class DisclosureViewEntry {
  @PrimaryColumn('text', { name: 'dispatch_id' })
  dispatchId!: string;

  /** The entry's place in the view, as shown (0-based). */
  @PrimaryColumn('integer')
  ordinal!: number;

  @Column('text', { name: 'subject_id' })
  subjectId!: string;

  @Column('text', { array: true })
  fields!: ContactField[];

  @Column('text')
  digest!: string;

  @Column('boolean')
  greenland!: boolean;
}

/** One message to one recipient (or one view in self-service), hash-chained to the one before. Never updated. */
@Entity({ name: 'disclosure_log' })
export class DisclosureLogRow {
  @PrimaryColumn('bigint')
  seq!: string;

  @Column('bigint', { unique: true })
  position!: string;

  @Column('text')
  kind!: DisclosureKind;

  @Column('boolean', { name: 'discloses_data' })
  disclosesData!: boolean;

  @Column('text', { name: 'dispatch_id' })
  dispatchId!: string;

  @Column('text', { name: 'recipient_id' })
  recipientId!: string;

  @Column('text', { name: 'diagnosis_id', nullable: true })
  diagnosisId!: string | null;

  @Column('integer', { name: 'list_version', nullable: true })
  listVersion!: number | null;

  @Column('bigint', { name: 'built_at_position', nullable: true })
  builtAtPosition!: string | null;

  @Column('boolean', { name: 'greenland_only', nullable: true })
  greenlandOnly!: boolean | null;

  @Column('text', { name: 'version_hash', nullable: true })
  versionHash!: string | null;

  @Column('text', { name: 'subject_id', nullable: true })
  subjectId!: string | null;

  @Column('text', { name: 'subject_fields', array: true, nullable: true })
  subjectFields!: ContactField[] | null;

  @Column('text', { name: 'subject_digest', nullable: true })
  subjectDigest!: string | null;

  @Column('boolean', { name: 'subject_greenland', nullable: true })
  subjectGreenland!: boolean | null;

  @Column('text', { name: 'notice_reason', nullable: true })
  noticeReason!: string | null;

  @Column('text', { name: 'list_reference' })
  listReference!: string;

  @Column('text')
  channel!: string;

  @Column('text', { name: 'idempotency_key', nullable: true })
  idempotencyKey!: string | null;

  @Column('timestamptz', { name: 'dispatched_at' })
  dispatchedAt!: Date;

  @Column('text', { name: 'prev_hash' })
  prevHash!: string;

  @Column('text')
  hash!: string;
}

/** What became of a dispatch: one row per ContactListDelivered / ContactListDeliveryFailed event. */
@Entity({ name: 'disclosure_deliveries' })
export class DisclosureDelivery {
  @PrimaryColumn('bigint')
  position!: string;

  @Column('text', { name: 'dispatch_id' })
  dispatchId!: string;

  @Column('text')
  outcome!: 'delivered' | 'failed';

  @Column('integer')
  attempt!: number;

  @Column('boolean')
  final!: boolean;

  @Column('boolean')
  resent!: boolean;

  @Column('text', { name: 'provider_message_id', nullable: true })
  providerMessageId!: string | null;

  @Column('timestamptz')
  at!: Date;
}

export const DISCLOSURE_LOG_ENTITIES = [DisclosureListVersion, DisclosureListEntry, DisclosureViewEntry, DisclosureLogRow, DisclosureDelivery];
