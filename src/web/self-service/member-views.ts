import type { Language, PostalAddress } from '../../../contracts/events/membership.events';
import type { OwnData, OwnDisclosures } from '../../member-access/my-data/my-data.queries';
import type { WebTexts } from '../i18n';
import { fill } from '../i18n';

/** A date (and time) as the member reads it, in Danish time: the secretariat's time zone. */
export function formatTime(language: Language, iso: string, withTime = true): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return new Intl.DateTimeFormat(language, { dateStyle: 'long', ...(withTime ? { timeStyle: 'short' } : {}), timeZone: 'Europe/Copenhagen' }).format(time);
}

export function addressLines({ street, postalCode, city, country }: PostalAddress, t: WebTexts): string[] {
  return [street, `${postalCode} ${city}`, t.countries[country]];
}

/** GET /me/overview: the member's data (the same OwnData as GET /me), worded. */
export function overviewModel(own: OwnData, t: WebTexts, language: Language) {
  const yesNo = (value: boolean) => (value ? t.form.yes : t.form.no);
  const { personal, consent } = own;
  return {
    status: t.member.statuses[own.status],
    restricted: own.restricted,
    personal: personal && {
      name: personal.name,
      email: personal.email,
      phone: personal.phone,
      address: addressLines(personal.address, t),
      birthYear: personal.birthYear,
      patientBirthYear: personal.patientBirthYear,
    },
    emailChangePending: own.emailChangePending,
    role: t.member.roles[own.role],
    relation: own.relation ? t.join.relations[own.relation] : undefined,
    groups: own.groups.map((group) => ({ name: group.name, status: t.member.statuses[group.status] })),
    consent: {
      given: fill(t.overview.consentGiven, { date: formatTime(language, consent.givenAt, false), version: consent.textVersion }),
      sharedFields: consent.sharedFields.length > 0 ? consent.sharedFields.map((field) => t.member.fields[field]).join(', ') : t.overview.onlyName,
      cluster: yesNo(consent.scope === 'cluster'),
      greenland: yesNo(consent.allowTransferToGreenland),
    },
    optIns: [
      { name: t.join.newsletter, on: yesNo(own.optIns.newsletter) },
      { name: t.join.meetups, on: yesNo(own.optIns.meetups) },
      { name: t.join.facebook, on: yesNo(own.optIns.facebookInvite) },
    ],
    delivery: t.overview.delivery[own.listDelivery.delivery],
  };
}

/** GET /me/recipients: who received the member's data (the same as GET /me/disclosures), worded. */
export function recipientsModel(own: OwnDisclosures, t: WebTexts, language: Language) {
  return {
    disclosures: own.disclosures.map((disclosure) => ({
      when: formatTime(language, disclosure.dispatchedAt),
      recipient: disclosure.recipient.name ?? t.recipients.unnamedRecipient,
      what: t.recipients.kinds[disclosure.kind],
      fields: disclosure.disclosesData ? [t.member.fields.name, ...disclosure.fields.map((field) => t.member.fields[field])].join(', ') : t.recipients.noData,
      delivery: t.recipients.deliveries[disclosure.delivery.status],
    })),
    staffLookUps: own.staffLookUps.map((lookUp) => ({
      when: formatTime(language, lookUp.at),
      what: t.recipients.staffKinds[lookUp.kind],
      purpose: lookUp.purpose ?? t.recipients.noPurpose,
    })),
  };
}
