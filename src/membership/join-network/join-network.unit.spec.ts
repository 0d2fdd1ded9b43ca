import { given } from '../../../test/support/decider-spec';
import type { DiagnosisState } from '../../diagnoses/diagnosis';
import { DomainError } from '../../domain/domain-error';
import { memberEvolver } from '../member';
import { type JoinNetwork, type JoinRequest, checkJoinRules, decideJoin } from './join-network.decide';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const MEMBER = '7d4c1c1e-1111-4aaa-8bbb-000000000001';
const OPEN: DiagnosisState = { diagnosisId: 'd1000000-0000-4000-8000-000000000001', name: 'Alström syndrom', status: 'open' };
const PENDING: DiagnosisState = { ...OPEN, status: 'pending' };
const ASSOCIATED: DiagnosisState = { ...OPEN, status: 'has-association', association: { name: 'Foreningen' } };

const request = (overrides: Partial<JoinRequest> = {}): JoinRequest => ({
  role: 'patient',
  birthYear: 1987,
  phone: '+45 20 12 34 56',
  country: 'DK',
  postalCode: '2100',
  language: 'da',
  consent: { textVersion: '1', given: true },
  optIns: {},
  hasEmail: true,
  ...overrides,
});
const context = { callerIsStaff: false, now: NOW, isKnownConsentVersion: (version: string) => version === '1' };
const ruleOf = (run: () => unknown): { rule: string; field?: string; kind: string } | undefined => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { rule: error.rule, field: error.field, kind: error.kind };
    throw error;
  }
  return undefined;
};

describe('join-network: the rules of a sign-up', () => {
  it('accepts a valid sign-up and gives the phone in E.164', () => {
    expect(checkJoinRules(request(), context)).toEqual({ phone: '+4520123456' });
  });

  it.each([
    ['a patient under the Danish consent age of 15', request({ birthYear: 2012 }), 'consent-age', 'birthYear'],
    ['a Norwegian patient under 18', request({ country: 'NO', postalCode: '0150', phone: '+47 412 34 567', birthYear: 2009 }), 'consent-age', 'birthYear'],
    ['consent not given', request({ consent: { textVersion: '1', given: false } }), 'consent-required', 'consent.given'],
    ['an unknown consent text version', request({ consent: { textVersion: '99', given: true } }), 'unknown-consent-version', 'consent.textVersion'],
    ['a Danish postal code of 3 digits', request({ postalCode: '210' }), 'postal-code', 'address.postalCode'],
    ['a Swedish postal code without its space', request({ country: 'SE', postalCode: '11351', phone: '+46 8 123 456 78' }), 'postal-code', 'address.postalCode'],
    ['a Greenlandic postal code outside 39NN', request({ country: 'GL', postalCode: '2100', phone: '+299 32 12 34' }), 'postal-code', 'address.postalCode'],
    ['a phone number of another country', request({ phone: '+46 8 123 456 78' }), 'phone', 'phone'],
    ['a phone number that is too short', request({ phone: '+45 1234' }), 'phone', 'phone'],
    ['no email on a web sign-up', request({ hasEmail: false }), 'email-required', 'email'],
  ])('refuses %s', (_, join, rule, field) => {
    expect(ruleOf(() => checkJoinRules(join, context))).toEqual({ rule, field, kind: 'invalid' });
  });

  it.each([
    ['a Swedish patient of 13 or more', request({ country: 'SE', postalCode: '113 51', phone: '+46 8 123 456 78', birthYear: 2012 })],
    ['a Faroese address with FO- prefix', request({ country: 'FO', postalCode: 'FO-100', phone: '+298 31 12 34' })],
    ['a Faroese address without prefix', request({ country: 'FO', postalCode: '100', phone: '+298 31 12 34' })],
    ['a Greenlandic address', request({ country: 'GL', postalCode: '3900', phone: '+299 32 12 34' })],
    ['a relative signing up a young child', request({ role: 'relative', birthYear: undefined, patientBirthYear: 2020, relation: 'parent' })],
  ])('accepts %s', (_, join) => {
    expect(ruleOf(() => checkJoinRules(join, context))).toBeUndefined();
  });

  it('lets only the secretariat set a channel', () => {
    expect(ruleOf(() => checkJoinRules(request({ channel: 'paper' }), context))).toEqual({ rule: 'staff-channel', field: 'channel', kind: 'forbidden' });
    expect(ruleOf(() => checkJoinRules(request({ channel: 'paper', hasEmail: false }), { ...context, callerIsStaff: true }))).toBeUndefined();
  });
});

describe('join-network: deciding', () => {
  const verification = { tokenHash: 'ab'.repeat(32), expiresAt: '2026-12-02T12:00:00.000Z', sealed: 'v1.sealed-token' };
  const command = (overrides: Partial<JoinNetwork> = {}): JoinNetwork => ({
    memberId: MEMBER,
    request: request({ optIns: { wantsNewsletter: true } }),
    diagnosis: OPEN,
    personal: 'v1.sealed-personal',
    verification,
    now: NOW,
    ...overrides,
  });
  const joined = (consent: Record<string, unknown> = {}) => ({
    type: 'MemberJoined',
    data: {
      memberId: MEMBER,
      diagnosisId: OPEN.diagnosisId,
      role: 'patient',
      country: 'DK',
      language: 'da',
      consent: {
        textVersion: '1',
        language: 'da',
        channel: 'web',
        givenBy: 'self',
        attestedByStaff: false,
        sharedFields: ['address', 'phone', 'email'],
        scope: 'group',
        allowTransferToGreenland: false,
        givenAt: NOW.toISOString(),
        ...consent,
      },
      optIns: { newsletter: true, meetups: false, facebookInvite: false },
      personal: 'v1.sealed-personal',
    },
  });

  it('a web sign-up records the consent and asks for the email to be verified: nothing is shared yet', () => {
    given(memberEvolver)
      .when((state) => decideJoin(state, command()))
      .then([joined(), { type: 'EmailVerificationRequested', data: { memberId: MEMBER, purpose: 'sign-up', ...verification } }]);
  });

  it('records the chosen fields, cluster scope and the Greenland transfer', () => {
    const consent = { textVersion: '1', given: true, sharedFields: ['email' as const], scope: 'cluster' as const, allowTransferToGreenland: true };
    given(memberEvolver)
      .when((state) => decideJoin(state, command({ request: request({ consent, optIns: { wantsNewsletter: true } }) })))
      .then([joined({ sharedFields: ['email'], scope: 'cluster', allowTransferToGreenland: true }), expect.objectContaining({ type: 'EmailVerificationRequested' })]);
  });

  it('a paper sign-up by the secretariat is attested and admitted at once to an open group', () => {
    given(memberEvolver)
      .when((state) => decideJoin(state, command({ request: request({ channel: 'paper', optIns: { wantsNewsletter: true } }), verification: undefined })))
      .then([
        joined({ channel: 'paper', attestedByStaff: true }),
        { type: 'MemberAdmitted', data: { memberId: MEMBER, diagnosisId: OPEN.diagnosisId, admittedAt: NOW.toISOString() } },
      ]);
  });

  it('an attested sign-up for a pending diagnosis waits; for one with an association it is referred', () => {
    const paper = request({ channel: 'phone', optIns: { wantsNewsletter: true } });
    given(memberEvolver)
      .when((state) => decideJoin(state, command({ request: paper, diagnosis: PENDING, verification: undefined })))
      .then([joined({ channel: 'phone', attestedByStaff: true }), { type: 'MemberAwaitingAssessment', data: { memberId: MEMBER, diagnosisId: OPEN.diagnosisId } }]);
    given(memberEvolver)
      .when((state) => decideJoin(state, command({ request: paper, diagnosis: ASSOCIATED, verification: undefined })))
      .then([joined({ channel: 'phone', attestedByStaff: true }), { type: 'MemberReferred', data: { memberId: MEMBER, diagnosisId: OPEN.diagnosisId } }]);
  });

  it('a relative signs up on behalf of a patient', () => {
    const relative = request({ role: 'relative', relation: 'parent', birthYear: undefined, optIns: { wantsNewsletter: true } });
    given(memberEvolver)
      .when((state) => decideJoin(state, command({ request: relative })))
      .then([
        { ...joined({ givenBy: 'relative' }), data: { ...joined({ givenBy: 'relative' }).data, role: 'relative', relation: 'parent' } },
        expect.objectContaining({ type: 'EmailVerificationRequested' }),
      ]);
  });

  it('never makes the same member twice', () => {
    given(memberEvolver, [joined()])
      .when((state) => decideJoin(state, command()))
      .thenFails({ kind: 'conflict', rule: 'member-exists' });
  });
});
