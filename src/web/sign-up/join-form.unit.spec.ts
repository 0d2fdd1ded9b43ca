import 'reflect-metadata';
import { JoinNetworkDto } from '../../../contracts/commands/join-network.dto';
import { invalid } from '../../domain/domain-error';
import { formErrorsOf, validated } from '../forms';
import { TEXTS } from '../i18n';
import { emptyJoinForm, joinFormFrom, joinNetworkPayload } from './join-form';

const typed = {
  diagnosis: ' Bardet-Biedl syndrom ',
  role: 'patient',
  birthYear: '1984',
  name: 'Åse Ærø',
  email: ' aase@example.org ',
  phone: '+45 20 12 34 56',
  street: 'Ølandsgade 1',
  postalCode: '2300',
  city: 'København S',
  country: 'DK',
  shareAddress: 'yes',
  shareEmail: 'yes',
  consentGiven: 'yes',
  consentVersion: '1',
  meetups: 'yes',
};

describe('the sign-up form', () => {
  it('starts with the consent and every opt-in unticked, and all contact details to share ticked', () => {
    const form = emptyJoinForm('sv');
    expect(form).toEqual(expect.objectContaining({ language: 'sv', country: 'DK', consentVersion: '1', shareAddress: true, sharePhone: true, shareEmail: true }));
    expect([form.consentGiven, form.cluster, form.greenland, form.newsletter, form.meetups, form.facebook]).toEqual([false, false, false, false, false, false]);
  });

  it('becomes the join-network body the API validates: unticked boxes false, the diagnosis by name', async () => {
    const payload = joinNetworkPayload(joinFormFrom(typed, 'da'));
    expect(payload).toEqual({
      role: 'patient',
      birthYear: 1984,
      relation: undefined,
      patientBirthYear: undefined,
      name: 'Åse Ærø',
      email: 'aase@example.org',
      phone: '+45 20 12 34 56',
      address: { street: 'Ølandsgade 1', postalCode: '2300', city: 'København S', country: 'DK' },
      language: 'da',
      diagnosis: { name: 'Bardet-Biedl syndrom' },
      consent: { textVersion: '1', given: true, sharedFields: ['address', 'email'], scope: 'group', allowTransferToGreenland: false },
      wantsNewsletter: false,
      wantsMeetupInvites: true,
      wantsFacebookInvite: false,
    });
    await expect(validated(JoinNetworkDto, payload)).resolves.toBeInstanceOf(JoinNetworkDto);
  });

  it('sends a relative’s fields for a relative only, and a year that is not digits as typed (so the DTO names it)', () => {
    const patient = joinNetworkPayload(joinFormFrom({ ...typed, relation: 'parent', patientBirthYear: '2015' }, 'da'));
    expect([patient.relation, patient.patientBirthYear]).toEqual([undefined, undefined]);
    const relative = joinNetworkPayload(joinFormFrom({ ...typed, role: 'relative', relation: 'parent', patientBirthYear: '2015', birthYear: 'nineteen' }, 'da'));
    expect([relative.relation, relative.patientBirthYear, relative.birthYear]).toEqual(['parent', 2015, 'nineteen']);
  });

  it('names each refused field in the page’s language, with the country’s example where the rule has one', async () => {
    const refusal = await validated(JoinNetworkDto, joinNetworkPayload(joinFormFrom({ ...typed, name: '', email: 'not-an-address', birthYear: '' }, 'sv'))).catch((error: unknown) => error);
    const errors = formErrorsOf(refusal, TEXTS.sv, 'SE');
    expect(errors?.fields).toEqual({ birthYear: TEXTS.sv.fieldErrors.birthYear, name: 'Skriv ditt namn.', email: TEXTS.sv.fieldErrors.email });
    expect(errors?.summary.map((item) => item.href)).toEqual(['#birthYear', '#name', '#email']);

    const postal = formErrorsOf(invalid('postal-code', 'address.postalCode', 'Not a postal code of SE'), TEXTS.nb, 'SE');
    expect(postal?.fields).toEqual({ postalCode: 'Postnummeret passer ikke til Sverige. Skriv det slik: 113 51.' });
    expect(formErrorsOf(new Error('database down'), TEXTS.da, 'DK')).toBeUndefined();
  });
});
