import type { Type } from '@nestjs/common';
import { COUNTRIES } from '../../contracts/commands/join-network.dto';
import type { Country } from '../../contracts/events/membership.events';
import { DomainError } from '../domain/domain-error';
import { WrongExpectedRevisionError } from '../event-store/event-store.port';
import { CONSENT_AGE } from '../membership/contact-rules';
import { InvalidInputException, createValidationPipe } from '../http/validation';
import { COUNTRY_EXAMPLES } from './country-examples';
import { type WebTexts, fill } from './i18n';

const pipe = createValidationPipe();

/** A form's values as the browser sent them (urlencoded: a name sent twice counts once). */
export type FormBody = Record<string, string | undefined>;

export function formBody(body: unknown): FormBody {
  const entries = Object.entries((body ?? {}) as Record<string, unknown>).map(([name, value]) => [name, Array.isArray(value) ? value[0] : value]);
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/**
 * Validates what a form becomes by the API's own DTO and pipe, so that a page refuses exactly
 * what the API refuses; throws InvalidInputException naming each bad field.
 */
export async function validated<T>(metatype: Type<T>, payload: object): Promise<T> {
  return (await pipe.transform(payload, { type: 'body', metatype })) as T;
}

/** The country a form's messages speak of: the one chosen, Denmark until one is. */
export function formCountry(form: { country: string }): Country {
  return COUNTRIES.find((country) => country === form.country) ?? 'DK';
}

/** A refused command or form: the field (a dotted API path) and the broken rule, as far as known. */
interface Problem {
  field?: string;
  rule?: string;
}

/** The API's field paths, as the pages' form fields are named (the join form and the details form). */
const FORM_FIELD: Record<string, string> = {
  'address.street': 'street',
  'address.postalCode': 'postalCode',
  'address.city': 'city',
  'address.country': 'country',
  diagnosis: 'diagnosis',
  'diagnosis.name': 'diagnosis',
  'diagnosis.diagnosisId': 'diagnosis',
  'consent.given': 'consentGiven',
  'consent.textVersion': 'consentGiven',
  'consent.sharedFields': 'share',
  'consent.scope': 'cluster',
  'consent.allowTransferToGreenland': 'greenland',
};

export interface FormErrors {
  /** Each bad form field's message. */
  fields: Record<string, string>;
  /** The summary at the top of the form: a link to each bad field, and messages about no field. */
  summary: Array<{ href?: string; message: string }>;
}

export const NO_ERRORS: FormErrors = { fields: {}, summary: [] };

/**
 * The errors to show for a refused form, in the page's language, or undefined when the error is
 * not about the input (it goes on to the error page). Validation and broken rules name their
 * field; a rule is translated by its slug, else the field by its name. Nothing the visitor typed
 * is repeated in a message.
 */
export function formErrorsOf(error: unknown, t: WebTexts, country: Country): FormErrors | undefined {
  const problems = problemsOf(error);
  if (!problems) return undefined;
  const values = { country: t.countries[country], postalExample: COUNTRY_EXAMPLES[country].postalCode, phoneExample: COUNTRY_EXAMPLES[country].phone, age: CONSENT_AGE[country] };
  const rules = t.ruleErrors as Record<string, string>;
  const fieldMessages = t.fieldErrors as Record<string, string>;
  const errors: FormErrors = { fields: {}, summary: [] };
  for (const { field, rule } of problems) {
    const formField = field === undefined ? undefined : (FORM_FIELD[field] ?? field);
    const message = fill((rule && rules[rule]) || (formField && fieldMessages[formField]) || (formField ? t.fieldErrors.other : t.ruleErrors.other), values);
    if (formField === undefined || !(formField in fieldMessages)) {
      errors.summary.push({ message });
    } else if (!errors.fields[formField]) {
      errors.fields[formField] = message;
      errors.summary.push({ href: `#${formField}`, message });
    }
  }
  return errors;
}

function problemsOf(error: unknown): Problem[] | undefined {
  if (error instanceof InvalidInputException) return error.fieldErrors.map(({ field }) => ({ field }));
  if (error instanceof DomainError && (error.kind === 'invalid' || error.kind === 'conflict')) return [{ field: error.field, rule: error.rule }];
  if (error instanceof WrongExpectedRevisionError) return [{ rule: 'concurrent-change' }];
  return undefined;
}
