import type { DomainEvent } from './domain-event';
import type { ContactField } from './membership.events';

/** One version of a group's contact list: `contact-list-<diagnosisId>`. */
export const contactListStream = (diagnosisId: string): string => `contact-list-${diagnosisId}`;
/** One message to one recipient (a list, a correction, a notice) or one view of a list in self-service: `dispatch-<dispatchId>`. */
export const dispatchStream = (dispatchId: string): string => `dispatch-${dispatchId}`;

/**
 * How a message reaches its recipient: by email, or by post for a member without an email address
 * (a paper or phone sign-up entered by staff): a letter in a print batch the secretariat posts.
 */
export type MessageChannel = 'email' | 'post';

/** A person on a list version: which of their fields were shown, and a keyed digest of the values shown. */
export interface ListEntry {
  subjectId: string;
  fields: ContactField[];
  /** HMAC of the shown values: proves later what was sent without keeping the values. */
  digest: string;
  /** Whether the person allowed their data to go to recipients in Greenland. */
  greenland: boolean;
}

/**
 * A group's list as it stood at a log position: everyone who may be shown to the group's
 * members (the group's listable members and the cluster-scope members of linked groups). Stored
 * once; each dispatch refers to it, so storage grows with recipients + entries.
 */
export type ContactListVersionPublished = DomainEvent<
  'ContactListVersionPublished',
  { diagnosisId: string; version: number; builtAtPosition: string; entries: ListEntry[]; newcomers: string[] }
>;

/**
 * Which part of a version a recipient got: every entry but their own, and in Greenland (a third
 * country) only the entries that allowed it.
 */
export interface RecipientView {
  greenlandOnly: boolean;
}

/** Recorded BEFORE the message goes to the mail transport (or, by post, into the print queue): the log may over-report a send, never under-report one. */
export type ContactListDispatched = DomainEvent<
  'ContactListDispatched',
  {
    dispatchId: string;
    recipientId: string;
    diagnosisId: string;
    listVersion: number;
    builtAtPosition: string;
    view: RecipientView;
    /** Printed in the message, so that a leaked copy can be traced to its recipient. */
    listReference: string;
    /** Same recipient + same list version = same key: a retried dispatch is recognised. */
    idempotencyKey: string;
    channel: MessageChannel;
  }
>;

/** A rectified entry sent to a member who received the old one (GDPR Art. 16 + 19). */
export type CorrectionDispatched = DomainEvent<
  'CorrectionDispatched',
  { dispatchId: string; recipientId: string; subjectId: string; entry: ListEntry; builtAtPosition: string; listReference: string; channel: MessageChannel }
>;

/** A notice to delete a person's entry (withdrawn, restricted, erased, left): no data about them is sent. */
export type DeletionNoticeDispatched = DomainEvent<
  'DeletionNoticeDispatched',
  { dispatchId: string; recipientId: string; subjectId: string; reason: 'withdrawn' | 'restricted' | 'erased' | 'left'; listReference: string; channel: MessageChannel }
>;

/**
 * Portal delivery: an email that only says the recipient's group list changed (a new version, or
 * a corrected entry they have seen) and how to sign in to see it. It carries no data about anyone;
 * the disclosure is each view (ContactListViewed).
 */
export type ListNoticeDispatched = DomainEvent<
  'ListNoticeDispatched',
  {
    dispatchId: string;
    recipientId: string;
    diagnosisId: string;
    listReference: string;
    /** As the list or correction it stands in for: a retried dispatch is recognised. */
    idempotencyKey: string;
    channel: 'email';
  } & (
    | { reason: 'list-updated'; listVersion: number }
    /** The rectification of `subjectId` recorded at `correctedAtPosition` (nothing of it is sent). */
    | { reason: 'entry-corrected'; subjectId: string; correctedAtPosition: string }
  )
>;

/**
 * A member saw their group's contact list in self-service: the disclosure, recorded BEFORE the
 * list is shown. `entries` are exactly what was shown (the recipient's view of the list as the
 * planner had it at `builtAtPosition`), numbered from 1 in this order.
 */
export type ContactListViewed = DomainEvent<
  'ContactListViewed',
  { dispatchId: string; recipientId: string; diagnosisId: string; builtAtPosition: string; entries: ListEntry[]; listReference: string; channel: 'portal' }
>;

/** providerMessageId: the mail provider's id, or `post:<batchId>` for a letter the secretariat confirmed posted in that print batch. */
export type ContactListDelivered = DomainEvent<'ContactListDelivered', { dispatchId: string; providerMessageId: string; attempt: number; resent: boolean }>;
export type ContactListDeliveryFailed = DomainEvent<'ContactListDeliveryFailed', { dispatchId: string; attempt: number; reason: string; final: boolean }>;

export type ContactListEvent =
  | ContactListVersionPublished
  | ContactListDispatched
  | CorrectionDispatched
  | DeletionNoticeDispatched
  | ListNoticeDispatched
  | ContactListViewed
  | ContactListDelivered
  | ContactListDeliveryFailed;
