import { isValidPhoneNumber, parsePhoneNumberWithError } from 'libphonenumber-js';
import type { Country } from '../../contracts/events/membership.events';

/** The age from which a person gives consent to health data being shared themself (GL, FO as DK). */
export const CONSENT_AGE: Record<Country, number> = { DK: 15, NO: 18, SE: 13, GL: 15, FO: 15 };

const POSTAL_CODE: Record<Country, RegExp> = {
  DK: /^\d{4}$/,
  NO: /^\d{4}$/,
  SE: /^\d{3} \d{2}$/,
  GL: /^39\d{2}$/,
  FO: /^(FO-)?\d{3}$/,
};

export const POSTAL_CODE_FORMAT: Record<Country, string> = {
  DK: '4 digits, e.g. 2100',
  NO: '4 digits, e.g. 0150',
  SE: '"NNN NN", e.g. 113 51',
  GL: '39NN, e.g. 3900',
  FO: '3 digits, "FO-" optional, e.g. FO-100',
};

export function isValidPostalCode(country: Country, postalCode: string): boolean {
  return POSTAL_CODE[country].test(postalCode);
}

/** The phone number in E.164 when it is a valid number of the country, else undefined. */
export function normalisedPhone(country: Country, phone: string): string | undefined {
  if (!isValidPhoneNumber(phone, country)) return undefined;
  const parsed = parsePhoneNumberWithError(phone, country);
  return parsed.country === country ? parsed.number : undefined;
}

/**
 * With only a birth year known, the youngest the person can be is (year - birthYear - 1): the
 * consent age counts as reached only when it certainly is.
 */
export function hasCertainlyReached(age: number, birthYear: number, today: Date): boolean {
  return today.getUTCFullYear() - birthYear - 1 >= age;
}
