import { createHash } from 'node:crypto';
import type { DeletionNoticeDispatched } from '../../contracts/events/contact-list.events';
import { uuidOfDigest } from '../domain/derived-id';

/**
 * Idempotency keys and ids of the messages the contact-list sender records. Each is derived from
 * what the message is about (never from time or chance), so that a dispatch retried after a crash
 * gets the same key, the same dispatch id and so the same stream `dispatch-<dispatchId>`, whose
 * 'no_stream' append then fails and shows that it happened before. Only pseudonymous ids and log
 * positions go in; sha256 is enough, as nothing secret is hidden by them.
 */
export type DeletionReason = DeletionNoticeDispatched['data']['reason'];

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** A recipient's copy of a version of a group's list. */
export const listKey = (recipientId: string, diagnosisId: string, version: number): string => sha256(`${recipientId}|${diagnosisId}|${version}`);

/** The corrected entry of `subjectId` for a recipient, for the rectification recorded at `sourcePosition`. */
export const correctionKey = (recipientId: string, subjectId: string, sourcePosition: bigint | string): string =>
  sha256(`correction|${recipientId}|${subjectId}|${sourcePosition.toString()}`);

/** The notice to delete `subjectId`'s entry from the list `heldListReference` the recipient holds, for one reason. */
export const deletionKey = (recipientId: string, subjectId: string, reason: DeletionReason, heldListReference: string): string =>
  sha256(`deletion|${recipientId}|${subjectId}|${reason}|${heldListReference}`);

/** The dispatch id (a uuid) of an idempotency key (64 hex digits). */
export function dispatchIdOf(idempotencyKey: string): string {
  return uuidOfDigest(/^[0-9a-f]{64}$/.test(idempotencyKey) ? idempotencyKey : sha256(idempotencyKey));
}

/** Event ids made the same way, for events whose retry must be recognisable (a list version). */
export const eventIdOf = (text: string): string => dispatchIdOf(sha256(text));

/** Crockford's base32: no I, L, O or U, so a reference read aloud over the phone is not misheard. */
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The reference printed in a message ("SN-" and 8 characters), made from a keyed digest of the
 * dispatch id: the same dispatch always prints the same reference, and nobody without the
 * master key can tell which dispatch a reference belongs to, except through the disclosure log.
 */
export function listReferenceOf(keyedDigestOfDispatchId: string): string {
  const bytes = Buffer.from(keyedDigestOfDispatchId, 'base64url');
  if (bytes.length < 5) throw new Error('A list reference needs a digest of at least 5 bytes');
  let bits = 0n;
  for (const byte of bytes.subarray(0, 5)) bits = (bits << 8n) | BigInt(byte);
  let reference = '';
  for (let shift = 35n; shift >= 0n; shift -= 5n) reference += BASE32[Number((bits >> shift) & 31n)];
  return `SN-${reference}`;
}

/** The digest purpose of list references (KeyVault.keyedDigest). */
export const LIST_REFERENCE_PURPOSE = 'list-reference';
/** The digest purpose of list entries: an HMAC of the values shown. */
export const LIST_ENTRY_PURPOSE = 'list-entry';
