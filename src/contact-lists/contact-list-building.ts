import type { ListEntry, MessageChannel } from '../../contracts/events/contact-list.events';
import type { ContactField, PersonalData, PostalAddress } from '../../contracts/events/membership.events';
import { type ListableMember, type Listability, recipientView } from './listability';

/**
 * Building a version of a group's contact list, and each recipient's part of it: pure functions
 * over the listability fold (who may be shown, who receives) and the members' opened personal
 * data. The sender and the self-service view call them with the planner's state as of one log
 * position.
 */

/** The values an entry shows, in a fixed key order (its digest is taken over their JSON). */
export interface ShownValues {
  name: string;
  address?: PostalAddress;
  phone?: string;
  email?: string;
}

/** A list entry with the values it shows: the values stay in memory, only the digest is recorded. */
export interface BuiltEntry extends ListEntry {
  values: ShownValues;
}

export interface RecipientPlan {
  recipientId: string;
  /** welcome: a newcomer gets the whole list; update: everyone else, newcomers marked. */
  kind: 'welcome' | 'update';
  /** A recipient in Greenland (a third country) sees only the entries that allow the transfer. */
  greenlandOnly: boolean;
}

export interface ListPlan {
  entries: BuiltEntry[];
  /** The newcomers shown on this version, in list order. */
  newcomers: string[];
  recipients: RecipientPlan[];
}

const FIELD_ORDER: readonly ContactField[] = ['address', 'phone', 'email'];
const collator = new Intl.Collator('da', { sensitivity: 'base' });

/**
 * A member's entry: their name, and of the fields they share only those they have (a paper
 * sign-up without email cannot show one). The digest is keyed: it proves later which values
 * were sent without keeping them.
 */
export function entryOf(member: ListableMember, personal: PersonalData, digest: (json: string) => string): BuiltEntry {
  const fields = FIELD_ORDER.filter((field) => member.sharedFields.includes(field) && hasField(personal, field));
  const values = shownValues(personal, fields);
  return { subjectId: member.memberId, fields, digest: digest(JSON.stringify(values)), greenland: member.allowTransferToGreenland, values };
}

/** The values of `fields` (and the name), in the fixed order their digest is taken in. */
export function shownValues(personal: PersonalData, fields: readonly ContactField[]): ShownValues {
  const values: ShownValues = { name: personal.name };
  if (fields.includes('address') && personal.address) {
    const { street, postalCode, city, country } = personal.address;
    values.address = { street, postalCode, city, country };
  }
  if (fields.includes('phone') && personal.phone) values.phone = personal.phone;
  if (fields.includes('email') && personal.email) values.email = personal.email;
  return values;
}

export interface GroupListInput {
  diagnosisId: string;
  listability: Listability;
  personal: ReadonlyMap<string, PersonalData | null>;
  digest: (json: string) => string;
}

/**
 * The entries of a group's list as the fold has it now: every member it may show (the group's
 * listable members and the cluster-scope members of linked groups) whose data can still be
 * opened (an erased member's cannot), sorted by name.
 */
export function groupEntries({ diagnosisId, listability, personal, digest }: GroupListInput): BuiltEntry[] {
  return listability
    .groupList(diagnosisId)
    .flatMap((member) => {
      const data = personal.get(member.memberId);
      return data ? [entryOf(member, data, digest)] : [];
    })
    .sort((a, b) => collator.compare(a.values.name, b.values.name) || (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0));
}

/**
 * A version of a group's list (groupEntries), the pending newcomers on it, and who receives it:
 * the group's listable members who can be reached (by email, or by post: see channelOf).
 */
export function planContactList(input: GroupListInput & { pendingNewcomers: readonly string[] }): ListPlan {
  const { diagnosisId, listability, personal } = input;
  const entries = groupEntries(input);
  const pending = new Set(input.pendingNewcomers);
  const newcomers = entries.filter((entry) => pending.has(entry.subjectId)).map((entry) => entry.subjectId);
  const newcomerSet = new Set(newcomers);
  const recipients = listability
    .recipients(diagnosisId)
    .filter((member) => channelOf(personal.get(member.memberId)) !== undefined)
    .map((member) => ({
      recipientId: member.memberId,
      kind: newcomerSet.has(member.memberId) ? ('welcome' as const) : ('update' as const),
      greenlandOnly: seesGreenlandOnly(member),
    }))
    .sort((a, b) => (a.recipientId < b.recipientId ? -1 : a.recipientId > b.recipientId ? 1 : 0));
  return { entries, newcomers, recipients };
}

/** A recipient in Greenland (a third country) sees only the entries that allow the transfer. */
export function seesGreenlandOnly(recipient: ListableMember): boolean {
  return recipient.country === 'GL';
}

/**
 * How messages reach a member: by email, or by post when they have no email address (a paper or
 * phone sign-up entered by staff; such a member cannot sign in either, so they get the lists
 * themselves by post whatever LIST_DELIVERY says). Undefined: no way at all (data erased).
 */
export function channelOf(personal: PersonalData | null | undefined): MessageChannel | undefined {
  if (personal?.email) return 'email';
  if (personal?.address?.street) return 'post';
  return undefined;
}

/**
 * How a recipient gets their lists: as the deployment says, or where it lets members choose
 * (member-choice), as they chose, by email until they do. A portal recipient is sent only a
 * notice; the list is shown when they sign in.
 */
export function listDeliveryOf(deployment: 'email' | 'portal' | 'member-choice', chosen: 'email' | 'portal' | null): 'email' | 'portal' {
  return deployment === 'member-choice' ? (chosen ?? 'email') : deployment;
}

/** A recipient's part of a version, numbered from 1 as their message shows it. */
export function numberedView<Entry extends { subjectId: string; greenland: boolean }>(
  entries: readonly Entry[],
  recipientId: string,
  greenlandOnly: boolean,
): Array<Entry & { number: number }> {
  return recipientView(entries, recipientId, greenlandOnly).map((entry, index) => ({ ...entry, number: index + 1 }));
}

/** Whether a message may show these fields of a member. */
export type ShowRule = (subjectId: string, fields: readonly ContactField[]) => boolean;

/**
 * What a letter to the recipient may show as the fold has it now (a letter is printed days after
 * its dispatch): only what a list built now could show them. Undefined: they may receive no list
 * or correction any more (withdrawn, restricted, erased).
 */
export function letterShowRule(listability: Listability, recipientId: string): ShowRule | undefined {
  if (!listability.isListable(recipientId)) return undefined;
  return (subjectId, fields) => listability.unlawfulness(recipientId, subjectId, fields) === undefined;
}

/** A list would show someone it may not: a bug, never sent. Names the rule, never a person. */
export class UnlawfulListError extends Error {
  override readonly name = 'UnlawfulListError';
  constructor(readonly rule: string) {
    super(`A contact list would break the rule '${rule}'; nothing was sent`);
  }
}

/**
 * Checks every entry a recipient is about to be shown against the same fold the DPO's
 * verification replays, so that a dispatch is lawful at the position it records.
 */
export function assertLawful(listability: Listability, recipientId: string, shown: ReadonlyArray<{ subjectId: string; fields: readonly ContactField[] }>): void {
  for (const entry of shown) {
    const unlawful = listability.unlawfulness(recipientId, entry.subjectId, entry.fields);
    if (unlawful) throw new UnlawfulListError(unlawful);
  }
}

function hasField(personal: PersonalData, field: ContactField): boolean {
  switch (field) {
    case 'address':
      return Boolean(personal.address?.street);
    case 'phone':
      return Boolean(personal.phone);
    case 'email':
      return Boolean(personal.email);
  }
}
