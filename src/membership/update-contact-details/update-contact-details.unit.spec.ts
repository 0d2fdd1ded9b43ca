import type { PersonalData } from '../../../contracts/events/membership.events';
import { given } from '../../../test/support/decider-spec';
import { admittedMember, joined, MEMBER, withdrawn } from '../../../test/support/member-history';
import { type MemberState, memberEvolver } from '../member';
import { decideUpdateContactDetails, planContactDetailsUpdate, type UpdateContactDetails } from './update-contact-details.decide';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const IN_24_HOURS = '2026-11-30T12:00:00.000Z';
const TOKEN_HASH = 'ab'.repeat(32);

const CURRENT: PersonalData = {
  name: 'Test Person',
  email: 'test.person@example.org',
  phone: '+4520123456',
  address: { street: 'Testvej 1', postalCode: '2100', city: 'København Ø', country: 'DK' },
  birthYear: 1987,
};

/** Stands in for the key vault: a readable "sealed" text, so the whole event can be compared. */
const seal = (value: unknown): string => `sealed:${JSON.stringify(value)}`;

/** What the handler does, without I/O: plan from the opened current data, seal, decide. */
const update =
  (changes: UpdateContactDetails['changes'], current: PersonalData | null = CURRENT) =>
  (state: MemberState) => {
    const command = { memberId: MEMBER, changes };
    const change = planContactDetailsUpdate(state, command, current);
    const emailVerification = change.newEmail !== undefined ? { tokenHash: TOKEN_HASH, sealed: seal({ token: 'the-token', email: change.newEmail }) } : undefined;
    return decideUpdateContactDetails(state, command, { now: NOW, change, sealedPersonal: seal(change.personal), emailVerification });
  };

const updated = (fields: string[], personal: PersonalData) => ({
  type: 'ContactDetailsUpdated',
  data: { memberId: MEMBER, country: personal.address.country, fields, personal: seal(personal) },
});
const emailChangeRequested = (email: string) => ({
  type: 'EmailVerificationRequested',
  data: { memberId: MEMBER, purpose: 'email-change', tokenHash: TOKEN_HASH, expiresAt: IN_24_HOURS, sealed: seal({ token: 'the-token', email }) },
});

describe('update-contact-details', () => {
  it('changes the phone number, in E.164, keeping everything else', () => {
    given(memberEvolver, admittedMember())
      .when(update({ phone: '+45 31 23 45 67' }))
      .then([updated(['phone'], { ...CURRENT, phone: '+4531234567' })]);
  });

  it('changes name and address together', () => {
    const address = { street: 'Nyvej 2', postalCode: '8000', city: 'Aarhus C', country: 'DK' as const };
    given(memberEvolver, admittedMember())
      .when(update({ name: 'Test Personsen', address }))
      .then([updated(['name', 'address'], { ...CURRENT, name: 'Test Personsen', address })]);
  });

  it('moves the member to Sweden with a Swedish phone number: the event carries the new country', () => {
    const address = { street: 'Testgatan 3', postalCode: '113 51', city: 'Stockholm', country: 'SE' as const };
    given(memberEvolver, admittedMember())
      .when(update({ address, phone: '08 123 456 78' }))
      .then([updated(['phone', 'address'], { ...CURRENT, phone: '+46812345678', address })]);
  });

  it('a new email address is not used yet: a link to verify it is requested, valid 24 hours', () => {
    given(memberEvolver, admittedMember())
      .when(update({ email: 'new.address@example.org' }))
      .then([emailChangeRequested('new.address@example.org')]);
  });

  it('a name change applies at once while a new email waits for verification', () => {
    given(memberEvolver, admittedMember())
      .when(update({ name: 'Test Personsen', email: 'new.address@example.org' }))
      .then([updated(['name'], { ...CURRENT, name: 'Test Personsen' }), emailChangeRequested('new.address@example.org')]);
  });

  it('gives a member served by post an email address, once verified', () => {
    const withoutEmail: PersonalData = { ...CURRENT };
    delete withoutEmail.email;
    given(memberEvolver, admittedMember())
      .when(update({ email: 'first.address@example.org' }, withoutEmail))
      .then([emailChangeRequested('first.address@example.org')]);
  });

  it.each([
    ['a postal code of the wrong format', { address: { ...CURRENT.address, postalCode: '210' } }, 'postal-code', 'address.postalCode'],
    ['a phone number of another country', { phone: '+46 8 123 456 78' }, 'phone', 'phone'],
    ['a move abroad keeping a phone number of the old country', { address: { street: 'Testgatan 3', postalCode: '113 51', city: 'Stockholm', country: 'SE' as const } }, 'phone', 'phone'],
  ])('refuses %s (400, naming the field)', (_, changes, rule, field) => {
    given(memberEvolver, admittedMember()).when(update(changes)).thenFails({ kind: 'invalid', rule, field });
  });

  it.each([
    ['the same values', { name: 'Test Person', phone: '20 12 34 56', address: { ...CURRENT.address } }],
    ['the current email in other letter case', { email: 'Test.Person@Example.org' }],
    ['no fields at all', {}],
  ])('refuses a change to %s: nothing to change (400)', (_, changes) => {
    given(memberEvolver, admittedMember()).when(update(changes)).thenFails({ kind: 'invalid', rule: 'nothing-to-change' });
  });

  it('does not know an unknown member', () => {
    given(memberEvolver).when(update({ phone: '+45 31 23 45 67' })).thenFails({ kind: 'not-found', rule: 'unknown-member' });
  });

  it('refuses a member who has withdrawn', () => {
    given(memberEvolver, [...admittedMember(), withdrawn()]).when(update({ phone: '+45 31 23 45 67' })).thenFails({ kind: 'conflict', rule: 'member-withdrawn' });
  });

  it('refuses an erased member (whose data no longer opens)', () => {
    given(memberEvolver, admittedMember()).when(update({ phone: '+45 31 23 45 67' }, null)).thenFails({ kind: 'conflict', rule: 'member-erased' });
  });

  it('does not change the email of a sign-up that is not verified yet, but corrects other fields', () => {
    given(memberEvolver, [joined()]).when(update({ email: 'new.address@example.org' })).thenFails({ kind: 'conflict', rule: 'sign-up-not-verified' });
    given(memberEvolver, [joined()])
      .when(update({ phone: '+45 31 23 45 67' }))
      .then([updated(['phone'], { ...CURRENT, phone: '+4531234567' })]);
  });
});
