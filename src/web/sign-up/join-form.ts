import type { JoinNetworkDto } from '../../../contracts/commands/join-network.dto';
import { currentConsentText } from '../../../contracts/consent-texts';
import type { ContactField, Language } from '../../../contracts/events/membership.events';
import type { FormBody } from '../forms';

/** The sign-up form as typed: what the page shows again after a language switch or an error. */
export interface JoinForm {
  language: Language;
  diagnosis: string;
  role: string;
  birthYear: string;
  relation: string;
  patientBirthYear: string;
  name: string;
  email: string;
  phone: string;
  street: string;
  postalCode: string;
  city: string;
  country: string;
  shareAddress: boolean;
  sharePhone: boolean;
  shareEmail: boolean;
  consentVersion: string;
  consentGiven: boolean;
  cluster: boolean;
  greenland: boolean;
  newsletter: boolean;
  meetups: boolean;
  facebook: boolean;
}

const TEXT_FIELDS = ['diagnosis', 'role', 'birthYear', 'relation', 'patientBirthYear', 'name', 'email', 'phone', 'street', 'postalCode', 'city', 'country'] as const;
const CHECKBOXES = ['shareAddress', 'sharePhone', 'shareEmail', 'consentGiven', 'cluster', 'greenland', 'newsletter', 'meetups', 'facebook'] as const;

/**
 * A new, empty form. Consent and every opt-in start unticked; which contact details to share
 * start ticked (all three, as in the API's default): they narrow the consent, they do not give it.
 */
export function emptyJoinForm(language: Language): JoinForm {
  const blank = Object.fromEntries(TEXT_FIELDS.map((field) => [field, ''])) as Record<(typeof TEXT_FIELDS)[number], string>;
  const unticked = Object.fromEntries(CHECKBOXES.map((field) => [field, false])) as Record<(typeof CHECKBOXES)[number], boolean>;
  return { ...blank, ...unticked, language, country: 'DK', shareAddress: true, sharePhone: true, shareEmail: true, consentVersion: currentConsentText().version };
}

/** The form as posted: an unticked box is absent from a post, so it reads as false. */
export function joinFormFrom(body: FormBody, language: Language): JoinForm {
  const typed = Object.fromEntries(TEXT_FIELDS.map((field) => [field, body[field] ?? ''])) as Record<(typeof TEXT_FIELDS)[number], string>;
  const ticked = Object.fromEntries(CHECKBOXES.map((field) => [field, body[field] === 'yes'])) as Record<(typeof CHECKBOXES)[number], boolean>;
  return { ...typed, ...ticked, language, consentVersion: body.consentVersion ?? currentConsentText().version };
}

/**
 * The form as the API's join-network body, still to be validated by its DTO. Numbers are numbers
 * only when they are digits (anything else fails the DTO's rule and is named as that field); the
 * relative's fields are sent for a relative only. The diagnosis goes by name: the sign-up finds an
 * existing group by it (any spelling of case and spaces), or proposes a new diagnosis. A web
 * sign-up has no channel: that is for sign-ups the secretariat enters.
 */
export function joinNetworkPayload(form: JoinForm): Omit<Record<keyof JoinNetworkDto, unknown>, 'channel'> {
  const relative = form.role === 'relative';
  const sharedFields: ContactField[] = [form.shareAddress && 'address', form.sharePhone && 'phone', form.shareEmail && 'email'].filter((field): field is ContactField => field !== false);
  return {
    role: form.role || undefined,
    birthYear: yearOf(form.birthYear),
    relation: relative ? form.relation || undefined : undefined,
    patientBirthYear: relative ? yearOf(form.patientBirthYear) : undefined,
    name: form.name.trim(),
    email: form.email.trim(),
    phone: form.phone.trim(),
    address: { street: form.street.trim(), postalCode: form.postalCode.trim(), city: form.city.trim(), country: form.country },
    language: form.language,
    diagnosis: { name: form.diagnosis.trim() },
    consent: {
      textVersion: form.consentVersion,
      given: form.consentGiven,
      sharedFields,
      scope: form.cluster ? 'cluster' : 'group',
      allowTransferToGreenland: form.greenland,
    },
    wantsNewsletter: form.newsletter,
    wantsMeetupInvites: form.meetups,
    wantsFacebookInvite: form.facebook,
  };
}

function yearOf(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return /^\d{1,4}$/.test(trimmed) ? Number(trimmed) : trimmed;
}
