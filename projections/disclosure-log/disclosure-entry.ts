import { createHash } from 'node:crypto';
import type {
  ContactListDispatched,
  ContactListVersionPublished,
  ContactListViewed,
  CorrectionDispatched,
  DeletionNoticeDispatched,
  ListEntry,
  ListNoticeDispatched,
} from '../../contracts/events/contact-list.events';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { ContactField } from '../../contracts/events/membership.events';

/**
 * One entry of the disclosure log: one message to one recipient, or one view of a list in
 * self-service, as the chain hashes it. A list dispatch points at a list version (stored once,
 * bound here by its hash); a correction carries its one entry; a view carries its own entries
 * (stored apart, bound here by their hash); a deletion notice and a portal recipient's notice
 * disclose no data and are recorded all the same.
 *
 * Pure: the projector makes entries from events with it, and the verification makes them again
 * from the stored rows and from the event log, so that all three can be compared.
 */
export type DisclosureKind = 'contact-list' | 'correction' | 'deletion-notice' | 'contact-list-view' | 'list-notice';

export interface DisclosureEntry {
  /** 1, 2, 3, ... in log order, without gaps. */
  seq: string;
  /** Position of the dispatch event in the log. */
  position: string;
  kind: DisclosureKind;
  disclosesData: boolean;
  dispatchId: string;
  recipientId: string;
  /** The list's group (contact-list, contact-list-view, list-notice). */
  diagnosisId: string | null;
  /** The list version (contact-list, and a list-notice of a new version). */
  listVersion: number | null;
  /** The log position the message was built from (contact-list, correction, contact-list-view). */
  builtAtPosition: string | null;
  /** The recipient's view of the version (contact-list only). */
  greenlandOnly: boolean | null;
  /**
   * The hash of the entries shown: versionHash of the list version a list dispatch refers to
   * (null when the log had no such version before it); entriesHash of a view's own entries.
   */
  versionHash: string | null;
  /** The person a correction, a deletion notice or a correction's list-notice is about. */
  subjectId: string | null;
  /** The fields a correction showed, with their digest and Greenland flag. */
  subjectFields: ContactField[] | null;
  subjectDigest: string | null;
  subjectGreenland: boolean | null;
  /** Why a deletion notice or a list-notice was sent. */
  noticeReason: string | null;
  listReference: string;
  channel: string;
  idempotencyKey: string | null;
  /** When the dispatch was recorded (the event's occurredAt), ISO-8601 in UTC. */
  dispatchedAt: string;
}

export type DispatchEvent = ContactListDispatched | CorrectionDispatched | DeletionNoticeDispatched | ListNoticeDispatched | ContactListViewed;

/** The events that make a disclosure-log entry, each one entry. */
export const DISPATCH_EVENT_TYPES: ReadonlySet<string> = new Set<DispatchEvent['type']>([
  'ContactListDispatched',
  'CorrectionDispatched',
  'DeletionNoticeDispatched',
  'ListNoticeDispatched',
  'ContactListViewed',
]);

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** A list version as the log published it and the read model stores it. */
export interface ListVersion {
  diagnosisId: string;
  version: number;
  builtAtPosition: string;
  entries: readonly ListEntry[];
}

/** Key of a list version in maps: `<diagnosisId>/<version>`. */
export const versionKey = (diagnosisId: string, version: number): string => `${diagnosisId}/${version}`;

/**
 * JSON with object keys sorted at every level, so the same values always give the same text.
 * Arrays keep their order (the order of a list's entries and of a member's fields is part of
 * what was sent).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** An entry's fields in canonical (sorted) order, each with its JSON key: sorted once, since every entry is hashed. */
const ENTRY_KEYS: ReadonlyArray<readonly [keyof DisclosureEntry, string]> = (
  Object.keys({
    seq: true,
    position: true,
    kind: true,
    disclosesData: true,
    dispatchId: true,
    recipientId: true,
    diagnosisId: true,
    listVersion: true,
    builtAtPosition: true,
    greenlandOnly: true,
    versionHash: true,
    subjectId: true,
    subjectFields: true,
    subjectDigest: true,
    subjectGreenland: true,
    noticeReason: true,
    listReference: true,
    channel: true,
    idempotencyKey: true,
    dispatchedAt: true,
  } satisfies Record<keyof DisclosureEntry, true>) as Array<keyof DisclosureEntry>
)
  .sort()
  .map((key) => [key, `${JSON.stringify(key)}:`] as const);

/** canonicalJson(entry) for an entry with a DisclosureEntry's fields (and no others), without sorting its keys again. */
export function entryJson(entry: DisclosureEntry): string {
  const fields: string[] = [];
  for (const [key, jsonKey] of ENTRY_KEYS) if (entry[key] !== undefined) fields.push(jsonKey + canonicalJson(entry[key]));
  return `{${fields.join(',')}}`;
}

/** hash = sha256(prev_hash || canonical JSON of the entry), hex. */
export function chainHash(prevHash: string, entry: DisclosureEntry): string {
  return sha256(prevHash + entryJson(entry));
}

/** Binds a list version's content (its group, number, position and every entry in order) into one hash. */
export function versionHash(version: ListVersion): string {
  return sha256(
    canonicalJson({
      diagnosisId: version.diagnosisId,
      version: version.version,
      builtAtPosition: BigInt(version.builtAtPosition).toString(),
      entries: version.entries.map(({ subjectId, fields, digest, greenland }) => ({ subjectId, fields, digest, greenland })),
    }),
  );
}

/** Binds a view's entries (each in order, as shown) into one hash. */
export function entriesHash(entries: readonly ListEntry[]): string {
  return sha256(canonicalJson(entries.map(({ subjectId, fields, digest, greenland }) => ({ subjectId, fields, digest, greenland }))));
}

/** The list version a ContactListVersionPublished event carries. */
export function listVersionOf(event: RecordedEvent): ListVersion {
  const { diagnosisId, version, builtAtPosition, entries } = (event as unknown as ContactListVersionPublished).data;
  return { diagnosisId, version, builtAtPosition, entries };
}

/**
 * The entry a dispatch event makes. `versionHash` is the hash of the list version the dispatch
 * refers to, as the log published it before the dispatch (null if it had not).
 *
 * Built as one object literal, every field in place: the projector makes one per dispatch, and
 * spreading shared parts into it and then overriding some made each entry cost more than its hash.
 */
export function entryOf(event: RecordedEvent, seq: bigint, versionHashOfList: string | null): DisclosureEntry {
  const dispatch = event as unknown as DispatchEvent;
  let kind: DisclosureKind;
  let disclosesData = false;
  let diagnosisId: string | null = null;
  let listVersion: number | null = null;
  let builtAtPosition: string | null = null;
  let greenlandOnly: boolean | null = null;
  let versionHash: string | null = null;
  let subjectId: string | null = null;
  let subjectFields: ContactField[] | null = null;
  let subjectDigest: string | null = null;
  let subjectGreenland: boolean | null = null;
  let noticeReason: string | null = null;
  let idempotencyKey: string | null = null;
  switch (dispatch.type) {
    case 'ContactListDispatched':
      kind = 'contact-list';
      disclosesData = true;
      diagnosisId = dispatch.data.diagnosisId;
      listVersion = dispatch.data.listVersion;
      builtAtPosition = BigInt(dispatch.data.builtAtPosition).toString();
      greenlandOnly = dispatch.data.view.greenlandOnly;
      versionHash = versionHashOfList;
      idempotencyKey = dispatch.data.idempotencyKey;
      break;
    case 'CorrectionDispatched':
      kind = 'correction';
      disclosesData = true;
      builtAtPosition = BigInt(dispatch.data.builtAtPosition).toString();
      // What was shown is the entry: its subject is the person whose data went out.
      subjectId = dispatch.data.entry.subjectId;
      subjectFields = [...dispatch.data.entry.fields];
      subjectDigest = dispatch.data.entry.digest;
      subjectGreenland = dispatch.data.entry.greenland;
      break;
    case 'DeletionNoticeDispatched':
      kind = 'deletion-notice';
      subjectId = dispatch.data.subjectId;
      noticeReason = dispatch.data.reason;
      break;
    case 'ListNoticeDispatched': {
      const { data } = dispatch;
      kind = 'list-notice';
      diagnosisId = data.diagnosisId;
      listVersion = data.reason === 'list-updated' ? data.listVersion : null;
      subjectId = data.reason === 'entry-corrected' ? data.subjectId : null;
      noticeReason = data.reason;
      idempotencyKey = data.idempotencyKey;
      break;
    }
    case 'ContactListViewed':
      kind = 'contact-list-view';
      disclosesData = true;
      diagnosisId = dispatch.data.diagnosisId;
      builtAtPosition = BigInt(dispatch.data.builtAtPosition).toString();
      versionHash = entriesHash(dispatch.data.entries);
      break;
  }
  return {
    seq: seq.toString(),
    position: event.position.toString(),
    kind,
    disclosesData,
    dispatchId: dispatch.data.dispatchId,
    recipientId: dispatch.data.recipientId,
    diagnosisId,
    listVersion,
    builtAtPosition,
    greenlandOnly,
    versionHash,
    subjectId,
    subjectFields,
    subjectDigest,
    subjectGreenland,
    noticeReason,
    listReference: dispatch.data.listReference,
    channel: dispatch.data.channel,
    idempotencyKey,
    dispatchedAt: new Date(event.metadata.occurredAt).toISOString(),
  };
}
