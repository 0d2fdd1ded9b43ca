import type { DiagnosisAssessed, DiagnosisProposed, DiagnosisRegistered, GroupBecameAssociation, PatientAssociation } from '../../../contracts/events/diagnosis.events';
import { given } from '../../../test/support/decider-spec';
import { admissionOutcome } from '../../membership/admission';
import { type DiagnosisState, diagnosisEvolver } from '../../diagnoses/diagnosis';
import { undiagnosedGroupRegistered } from '../../diagnoses/undiagnosed-group';
import { decideRecordAssociation, type RecordAssociation } from './record-association.decide';

const DIAGNOSIS = 'd1000000-0000-4000-8000-000000000001';
const NOW = new Date('2026-11-29T12:00:00.000Z');
const ASSOCIATION = { name: 'Foreningen for Alström syndrom', email: 'kontakt@alstrom.example.dk', url: 'https://alstrom.example.dk' };

const registered: DiagnosisRegistered = { type: 'DiagnosisRegistered', data: { diagnosisId: DIAGNOSIS, name: 'Alström syndrom' } };
const proposed: DiagnosisProposed = { type: 'DiagnosisProposed', data: { diagnosisId: DIAGNOSIS, name: 'Alström syndrom', proposedBy: 'applicant' } };
const assessed = (decision: DiagnosisAssessed['data']['decision']): DiagnosisAssessed => ({
  type: 'DiagnosisAssessed',
  data: { diagnosisId: DIAGNOSIS, decision, rationale: 'Vurderet', assessorRole: 'secretariat', ...(decision === 'has-association' ? { association: { name: 'En anden forening' } } : {}) },
});
const became = (association: PatientAssociation = ASSOCIATION): GroupBecameAssociation => ({ type: 'GroupBecameAssociation', data: { diagnosisId: DIAGNOSIS, association, recordedAt: NOW.toISOString() } });
const record = (association: RecordAssociation['association'] = ASSOCIATION) => (state: DiagnosisState) => decideRecordAssociation(state, { association }, { now: NOW });

describe('record-association', () => {
  it('records that an open group became an association', () => {
    given(diagnosisEvolver, [registered]).when(record()).then([became()]);
    given(diagnosisEvolver, [proposed, assessed('rare')]).when(record()).then([became()]);
  });

  it('keeps only the association details given, trimmed', () => {
    given(diagnosisEvolver, [registered]).when(record({ name: ' Foreningen ', email: ' ', url: '' })).then([became({ name: 'Foreningen' })]);
  });

  it('needs the association’s name', () => {
    given(diagnosisEvolver, [registered]).when(record({ name: '  ' })).thenFails({ kind: 'invalid', rule: 'association-required', field: 'association.name' });
  });

  it('after it, applicants for the diagnosis are referred to the association', () => {
    const state = [registered, became()].reduce(diagnosisEvolver.evolve, diagnosisEvolver.initialState);
    expect(state).toEqual({ diagnosisId: DIAGNOSIS, name: 'Alström syndrom', status: 'has-association', association: ASSOCIATION });
    expect(admissionOutcome('a9000000-0000-4000-8000-000000000001', state, NOW)).toEqual({ type: 'MemberReferred', data: { memberId: 'a9000000-0000-4000-8000-000000000001', diagnosisId: DIAGNOSIS } });
  });

  it('refuses a diagnosis without an open group (409) and an unknown one (404)', () => {
    given(diagnosisEvolver, [registered, became()]).when(record()).thenFails({ kind: 'conflict', rule: 'group-not-open' });
    given(diagnosisEvolver, [proposed]).when(record()).thenFails({ kind: 'conflict', rule: 'group-not-open' });
    given(diagnosisEvolver, [proposed, assessed('not-rare')]).when(record()).thenFails({ kind: 'conflict', rule: 'group-not-open' });
    given(diagnosisEvolver, [proposed, assessed('has-association')]).when(record()).thenFails({ kind: 'conflict', rule: 'group-not-open' });
    given(diagnosisEvolver).when(record()).thenFails({ kind: 'not-found', rule: 'diagnosis-not-found' });
  });

  it('refuses the group for the undiagnosed', () => {
    given(diagnosisEvolver, [undiagnosedGroupRegistered()]).when(record()).thenFails({ kind: 'conflict', rule: 'undiagnosed-group' });
  });
});
