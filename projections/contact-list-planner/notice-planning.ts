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
 * The number of a version's entry in one recipient's copy, as the SQL of the planner computes it
 * from stored ordinals (ordinal: 1-based in the whole version; ordinalGl: among the entries that
 * allow Greenland; own: the recipient's own entry, which their copy leaves out). Kept here so a
 * unit spec can hold it against the sender's numbering (numberedView).
 */
export function entryNumber(
  entry: { ordinal: number; ordinalGl: number | null },
  own: { ordinal: number; greenland: boolean } | undefined,
  greenlandOnly: boolean,
): number {
  const base = greenlandOnly ? (entry.ordinalGl ?? 0) : entry.ordinal;
  const ownBefore = own !== undefined && own.ordinal < entry.ordinal && (!greenlandOnly || own.greenland);
  return base - (ownBefore ? 1 : 0);
}

/** The same computation in SQL, over `e` (the entry), `own` (LEFT JOINed own entry) and `d` (the dispatch). */
export const ENTRY_NUMBER_SQL = `(CASE WHEN d.greenland_only THEN e.ordinal_gl ELSE e.ordinal END
  - CASE WHEN own.ordinal IS NOT NULL AND own.ordinal < e.ordinal AND (NOT d.greenland_only OR own.greenland) THEN 1 ELSE 0 END)`;
