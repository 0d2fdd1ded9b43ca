import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class DeliveryResponse {
  @ApiProperty({
    enum: ['pending', 'delivered', 'retrying', 'failed', 'shown'],
    description: 'pending: dispatched, no outcome recorded yet; shown: a view in self-service (nothing to deliver).',
  })
  status!: string;

  @ApiProperty({ description: 'Delivery and failure events recorded for the dispatch.' })
  attempts!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The mail provider’s message id; for a letter, post:<batchId> of the print batch it was posted in.' })
  providerMessageId!: string | null;

  @ApiProperty({ description: 'Delivered again after a crash between dispatch and delivery.' })
  resent!: boolean;
}

export class DisclosureSubjectResponse {
  @ApiProperty({ format: 'uuid' })
  subjectId!: string;

  @ApiProperty({ enum: ['address', 'phone', 'email'], isArray: true, description: 'The fields shown (empty for a deletion notice).' })
  fields!: string[];
}

export class DisclosureEntryResponse {
  @ApiProperty({ example: '42', description: 'Place in the hash chain: 1, 2, 3, ... in log order.' })
  seq!: string;

  @ApiProperty({
    enum: ['contact-list', 'correction', 'deletion-notice', 'contact-list-view', 'list-notice'],
    description: 'contact-list-view: the member saw the list in self-service; list-notice: an email that only said the list changed.',
  })
  kind!: string;

  @ApiProperty({ description: 'false for deletion notices and list notices: they carry no data about anyone.' })
  disclosesData!: boolean;

  @ApiProperty()
  dispatchId!: string;

  @ApiProperty({ format: 'uuid' })
  recipientId!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The list’s group (contact-list, contact-list-view, list-notice).' })
  diagnosisId!: string | null;

  @ApiProperty({ type: Number, nullable: true })
  listVersion!: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'The event-log position the message was built from.' })
  builtAtPosition!: string | null;

  @ApiProperty({ type: Boolean, nullable: true, description: 'The recipient saw only entries that allow transfer to Greenland.' })
  greenlandOnly!: boolean | null;

  @ApiProperty({ description: 'The reference printed in the message (traces a leaked copy).' })
  listReference!: string;

  @ApiProperty({ enum: ['email', 'post', 'portal'], description: 'post: a letter in a print batch, delivered when the secretariat confirms the batch posted.' })
  channel!: string;

  @ApiProperty({ description: 'Position of the dispatch event in the event log.' })
  position!: string;

  @ApiProperty({ format: 'date-time' })
  dispatchedAt!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['withdrawn', 'restricted', 'erased', 'left', 'list-updated', 'entry-corrected'],
    description: 'Why a deletion notice or a list notice was sent.',
  })
  noticeReason!: string | null;

  @ApiProperty({
    type: DisclosureSubjectResponse,
    nullable: true,
    description: 'The person the entry is about: the subjectId asked for, or the subject of a correction or notice; null for a whole list or view.',
  })
  subject!: DisclosureSubjectResponse | null;

  @ApiProperty({ type: DeliveryResponse })
  delivery!: DeliveryResponse;

  @ApiProperty({ description: 'sha256(prev_hash || canonical JSON of the entry), hex.' })
  hash!: string;
}

export class DisclosuresResponse {
  @ApiProperty({ type: [DisclosureEntryResponse] })
  entries!: DisclosureEntryResponse[];

  @ApiPropertyOptional({ description: 'Pass as ?after= for the next page; absent on the last page.' })
  next?: string;
}

export class VerificationProblemResponse {
  @ApiProperty({ description: 'The entry (for missing-from-disclosure-log: the seq the missing entry would have).' })
  seq!: string;

  @ApiProperty({ description: 'Position of the dispatch in the event log.' })
  position!: string;

  @ApiPropertyOptional()
  dispatchId?: string;

  @ApiProperty({ enum: ['chain', 'event-log', 'lawfulness'] })
  check!: string;

  @ApiProperty({
    enum: [
      'sequence-gap',
      'prev-hash-mismatch',
      'hash-mismatch',
      'differs-from-event-log',
      'not-in-event-log',
      'missing-from-disclosure-log',
      'list-version-unknown',
      'list-version-altered',
      'built-at-mismatch',
      'built-after-dispatch',
      'unlawful',
    ],
  })
  reason!: string;

  @ApiPropertyOptional({
    enum: [
      'recipient-not-admitted',
      'recipient-inactive',
      'subject-not-admitted',
      'subject-inactive',
      'not-same-group',
      'greenland-transfer-not-allowed',
      'field-not-shared',
      'own-entry',
      'recipient-not-in-group',
    ],
    description: 'For unlawful: the rule broken at the recorded position.',
  })
  rule?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'For unlawful: the first subject whose data should not have been shown.' })
  subjectId?: string;

  @ApiPropertyOptional({ description: 'For unlawful: how many subjects of the message should not have been shown.' })
  unlawfulSubjects?: number;

  @ApiPropertyOptional()
  builtAtPosition?: string;
}

export class VerificationReportResponse {
  @ApiProperty()
  ok!: boolean;

  @ApiProperty({ description: 'Disclosure entries checked.' })
  entries!: number;

  @ApiProperty({ description: 'The disclosure log’s checkpoint: everything up to this log position was checked.' })
  checkedUpToPosition!: string;

  @ApiProperty({ description: 'The event log’s head when the verification started: dispatches after checkedUpToPosition are not verified yet.' })
  logHeadPosition!: string;

  @ApiPropertyOptional({ description: 'Present when the disclosure log stopped at this event (it failed to apply it): nothing after it is in the log, and ok is false.' })
  projectionFailedAtPosition?: string;

  @ApiProperty()
  eventsReplayed!: number;

  @ApiPropertyOptional({ type: VerificationProblemResponse, description: 'The problem with the lowest seq.' })
  firstBrokenEntry?: VerificationProblemResponse;

  @ApiPropertyOptional({ type: [VerificationProblemResponse], description: 'The first 100 problems by seq.' })
  problems?: VerificationProblemResponse[];

  @ApiPropertyOptional({ description: 'How many problems were found in all.' })
  problemCount?: number;
}

export class BreachSubjectResponse {
  @ApiProperty({ format: 'uuid' })
  subjectId!: string;

  @ApiProperty({ enum: ['address', 'phone', 'email'], isArray: true })
  fields!: string[];

  @ApiProperty({ type: [String], description: 'Who received this person’s data in the affected messages.' })
  recipients!: string[];
}

export class BreachScopeResponse {
  @ApiProperty({ description: 'Affected messages that carried data (whatever became of their delivery).' })
  messages!: number;

  @ApiProperty({ type: [String] })
  recipients!: string[];

  @ApiProperty({ type: [BreachSubjectResponse] })
  subjects!: BreachSubjectResponse[];
}
