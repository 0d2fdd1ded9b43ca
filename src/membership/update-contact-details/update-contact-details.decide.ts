import type { DomainEvent, Sealed } from '../../../contracts/events/domain-event';
import type {
  ContactDetails,
  ContactDetailsUpdated,
  Country,
  EmailVerificationRequested,
  PersonalData,
  PostalAddress,
} from '../../../contracts/events/membership.events';
import { conflict, DomainError, invalid } from '../../domain/domain-error';
import { isValidPostalCode, normalisedPhone, POSTAL_CODE_FORMAT } from '../contact-rules';
import type { MemberState } from '../member';
import { requireMember, requireNotWithdrawn } from '../member-rules';

export interface UpdateContactDetails {
  memberId: string;
  changes: { name?: string; email?: string; phone?: string; address?: PostalAddress };
}

/** What a rectification changes, worked out from the member's current (opened) personal data. */
export interface ContactDetailsChange {
  /** The member's personal data as it will be, still with the current email (a new one waits for verification). */
  personal: PersonalData;
  /** The fields that change now, in a fixed order; never 'email'. */
  fields: Array<keyof ContactDetails>;
  country: Country;
  /** A new email address: applied only once its owner has verified it. */
  newEmail?: string;
}

/** How long a link to verify a new email address works. */
export const EMAIL_CHANGE_LINK_VALIDITY_MS = 24 * 60 * 60 * 1000;

/** Checked before the member's personal data is opened or anything is sealed for them. */
export function checkUpdateContactDetails(state: MemberState): void {
  requireMember(state);
  requireNotWithdrawn(state);
}

/**
 * Merges the given fields into the member's current personal data (`null`: the member's key was
 * shredded), normalises the phone number and checks it and the postal code against the country of
 * the (new) address. A changed country needs a phone number of that country.
 */
export function planContactDetailsUpdate(state: MemberState, command: UpdateContactDetails, current: PersonalData | null): ContactDetailsChange {
  checkUpdateContactDetails(state);
  if (current === null) throw conflict('member-erased', 'The member has been erased.');
  const { changes } = command;

  const name = changes.name?.trim() ?? current.name;
  const address = changes.address ? trimmedAddress(changes.address) : current.address;
  const country = address.country;
  if (changes.address && !isValidPostalCode(country, address.postalCode)) {
    throw invalid('postal-code', 'address.postalCode', `must be a postal code of ${country}: ${POSTAL_CODE_FORMAT[country]}`);
  }
  let phone = current.phone;
  if (changes.phone !== undefined || country !== current.address.country) {
    const normalised = normalisedPhone(country, changes.phone ?? current.phone);
    if (!normalised) {
      throw invalid(
        'phone',
        'phone',
        changes.phone !== undefined ? `must be a phone number of ${country}` : `the member's phone number is not one of ${country}; give a new one with the new address`,
      );
    }
    phone = normalised;
  }
  const newEmail = changes.email !== undefined && !sameEmail(changes.email, current.email) ? changes.email.trim() : undefined;
  if (newEmail !== undefined && state.status === 'awaiting-verification') {
    throw conflict('sign-up-not-verified', 'The member has not verified their sign-up yet; the email can be changed once they have.');
  }

  const fields: Array<keyof ContactDetails> = [];
  if (name !== current.name) fields.push('name');
  if (phone !== current.phone) fields.push('phone');
  if (!sameAddress(address, current.address)) fields.push('address');
  if (fields.length === 0 && newEmail === undefined) {
    throw new DomainError('invalid', 'nothing-to-change', 'Every field given already has that value: nothing to change.');
  }
  return { personal: { ...current, name, phone, address }, fields, country, ...(newEmail !== undefined ? { newEmail } : {}) };
}

/** The change, sealed under the member's key by the handler, and a verification link for a new email. */
export interface UpdateContactDetailsContext {
  now: Date;
  change: ContactDetailsChange;
  sealedPersonal: Sealed<PersonalData>;
  /** Present exactly when the change has a new email: the token's hash, and the token and address sealed. */
  emailVerification?: { tokenHash: string; sealed: Sealed<{ token: string; email: string }> };
}

/**
 * Appends the rectified details (when any changed now) and, for a new email address, a request to
 * verify it: the address is used only once its owner has followed the link (verify-email).
 */
export function decideUpdateContactDetails(state: MemberState, command: UpdateContactDetails, context: UpdateContactDetailsContext): DomainEvent[] {
  checkUpdateContactDetails(state);
  const { change } = context;
  const events: DomainEvent[] = [];
  if (change.fields.length > 0) {
    const updated: ContactDetailsUpdated = {
      type: 'ContactDetailsUpdated',
      data: { memberId: command.memberId, country: change.country, fields: change.fields, personal: context.sealedPersonal },
    };
    events.push(updated);
  }
  if (context.emailVerification) {
    const requested: EmailVerificationRequested = {
      type: 'EmailVerificationRequested',
      data: {
        memberId: command.memberId,
        purpose: 'email-change',
        tokenHash: context.emailVerification.tokenHash,
        expiresAt: new Date(context.now.getTime() + EMAIL_CHANGE_LINK_VALIDITY_MS).toISOString(),
        sealed: context.emailVerification.sealed,
      },
    };
    events.push(requested);
  }
  return events;
}

function trimmedAddress(address: PostalAddress): PostalAddress {
  return { street: address.street.trim(), postalCode: address.postalCode.trim(), city: address.city.trim(), country: address.country };
}

function sameAddress(a: PostalAddress, b: PostalAddress): boolean {
  return a.street === b.street && a.postalCode === b.postalCode && a.city === b.city && a.country === b.country;
}

function sameEmail(given: string, current: string | undefined): boolean {
  return current !== undefined && given.trim().toLowerCase() === current.trim().toLowerCase();
}
