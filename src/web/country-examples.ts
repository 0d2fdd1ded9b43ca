import type { Country } from '../../contracts/events/membership.events';

/**
 * What a postal code and a phone number look like in each country: the forms' hints and the
 * examples in their error messages. country-examples.unit.spec.ts checks each against the
 * sign-up's own rules (src/membership/contact-rules.ts), so a hint cannot drift from them.
 */
export const COUNTRY_EXAMPLES: Record<Country, { postalCode: string; phone: string }> = {
  DK: { postalCode: '2100', phone: '+45 20 12 34 56' },
  SE: { postalCode: '113 51', phone: '+46 70 123 45 67' },
  NO: { postalCode: '0150', phone: '+47 412 34 567' },
  GL: { postalCode: '3900', phone: '+299 32 12 34' },
  FO: { postalCode: 'FO-100', phone: '+298 21 12 34' },
};
