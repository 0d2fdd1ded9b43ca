import type { ContactDetails, ContactField } from '../../contracts/events/membership.events';
import type { DeletionReason } from '../../src/contact-lists/dispatch-keys';
import type { ListableMember, Unlawful } from '../../src/contact-lists/listability';

/**
 * Why a recipient who holds a member's entry must be told to delete it (GDPR Art. 19), or
 * undefined when the entry may stay. The member's own state comes first (erased, withdrawn,
 * restricted, in that order); otherwise the entry must go when the listability fold no longer
 * lets this recipient see this member at all: the member left the group (or its cluster).
 * `unlawful` is Listability.unlawfulness(recipient, subject, []).
 */
export function deletionReason(subject: ListableMember | undefined, unlawful: Unlawful | undefined): DeletionReason | undefined {
  if (!subject) return undefined;
  if (subject.erased) return 'erased';
  if (subject.withdrawn) return 'withdrawn';
  if (subject.restricted) return 'restricted';
  if (unlawful === 'subject-not-admitted' || unlawful === 'not-same-group') return 'left';
  return undefined;
}

/** Whether a rectification of `updated` changes an entry that shows `shown` (the name is always shown). */
export function correctionNeeded(updated: ReadonlyArray<keyof ContactDetails>, shown: readonly ContactField[]): boolean {
  return updated.some((field) => field === 'name' || shown.includes(field));
}

/**
 * The number of a version's entry in one recipient's copy, from its stored ordinals (ordinal:
 * 1-based in the whole version; ordinal_gl: among the entries that allow Greenland; own: the
 * recipient's own entry, which their copy leaves out). A unit spec holds it against the sender's
 * numbering (numberedView).
 */
export function entryNumber(
  entry: { ordinal: number; ordinal_gl: number | null },
  own: { ordinal: number; greenland: boolean } | undefined,
  greenlandOnly: boolean,
): number {
  const base = greenlandOnly ? (entry.ordinal_gl ?? 0) : entry.ordinal;
  const ownBefore = own !== undefined && own.ordinal < entry.ordinal && (!greenlandOnly || own.greenland);
  return base - (ownBefore ? 1 : 0);
}
