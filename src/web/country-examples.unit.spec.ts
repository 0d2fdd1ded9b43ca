import type { Country } from '../../contracts/events/membership.events';
import { isValidPostalCode, normalisedPhone } from '../membership/contact-rules';
import { COUNTRY_EXAMPLES } from './country-examples';

describe('the postal code and phone examples the forms show', () => {
  it('are valid by the sign-up rules of their own country', () => {
    for (const [country, { postalCode, phone }] of Object.entries(COUNTRY_EXAMPLES) as Array<[Country, { postalCode: string; phone: string }]>) {
      expect({ country, postalCode: isValidPostalCode(country, postalCode), phone: normalisedPhone(country, phone) !== undefined }).toEqual({
        country,
        postalCode: true,
        phone: true,
      });
    }
  });
});
