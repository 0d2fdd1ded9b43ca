import type { PersonalData } from '../../contracts/events/membership.events';
import type { PlannedMember } from '../../projections/contact-list-planner/contact-list-planner.queries';
import type { KeyVault } from '../crypto/key-vault';
import { LIST_ENTRY_PURPOSE, LIST_REFERENCE_PURPOSE, listReferenceOf } from './dispatch-keys';

/** What building and recording contact lists needs from the key vault; shared by the sender and the self-service view. */

/** Opens the personal data of planned members, all at once (erased: null). */
export async function openPlanned(vault: KeyVault, members: ReadonlyMap<string, PlannedMember>): Promise<Map<string, PersonalData | null>> {
  const sealed = [...members.values()].filter((member) => member.personal !== null);
  const values = await vault.openMany<PersonalData | null>(
    sealed.map((member) => ({ subjectId: member.facts.memberId, sealed: member.personal as string })),
    null,
  );
  const opened = new Map<string, PersonalData | null>([...members.keys()].map((memberId) => [memberId, null]));
  sealed.forEach((member, index) => opened.set(member.facts.memberId, values[index]));
  return opened;
}

/** The keyed digest of an entry's shown values. */
export function entryDigest(vault: KeyVault): (json: string) => string {
  return (json) => vault.keyedDigest(LIST_ENTRY_PURPOSE, json);
}

/** The reference a dispatch (or view) prints, made from a keyed digest of its id. */
export function listReferenceFor(vault: KeyVault, dispatchId: string): string {
  return listReferenceOf(vault.keyedDigest(LIST_REFERENCE_PURPOSE, dispatchId));
}
