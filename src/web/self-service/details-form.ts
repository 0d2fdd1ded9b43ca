import type { ContactDetailsChangesDto } from '../../../contracts/commands/update-contact-details.dto';
import type { PersonalData } from '../../../contracts/events/membership.events';
import type { FormBody } from '../forms';

/** The correction form as typed (or as the member's details stand). */
export interface DetailsForm {
  name: string;
  email: string;
  phone: string;
  street: string;
  postalCode: string;
  city: string;
  country: string;
}

export function detailsFormOf(personal: PersonalData | null): DetailsForm {
  if (!personal) return detailsFormFrom({});
  const { name, email = '', phone, address } = personal;
  return { name, email, phone, ...address };
}

export function detailsFormFrom(body: FormBody): DetailsForm {
  const { name = '', email = '', phone = '', street = '', postalCode = '', city = '', country = '' } = body;
  return { name, email, phone, street, postalCode, city, country };
}

/**
 * The form as the body of a rectification, still to be validated by its DTO. Every field is
 * sent as it stands: the command itself keeps what did not change (and refuses when nothing
 * did). An empty email stays unset: members signed up on paper may have none.
 */
export function contactDetailsPayload(form: DetailsForm): Record<keyof ContactDetailsChangesDto, unknown> {
  const email = form.email.trim();
  return {
    name: form.name.trim(),
    email: email === '' ? undefined : email,
    phone: form.phone.trim(),
    address: { street: form.street.trim(), postalCode: form.postalCode.trim(), city: form.city.trim(), country: form.country },
  };
}
