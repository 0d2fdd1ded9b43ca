import { given } from '../../../test/support/decider-spec';
import type { CommandContext } from '../../event-store/command-handling';
import { diagnosisEvolver } from '../diagnosis';
import { type RegisterDiagnosis, decideRegisterDiagnosis } from './register-diagnosis.decide';

const DIAGNOSIS = 'd1000000-0000-4000-8000-000000000001';
const secretariat: CommandContext = { actorRole: 'secretariat', correlationId: 'c1', now: new Date('2026-11-29T12:00:00.000Z') };
const register = (command: Partial<RegisterDiagnosis> = {}, context = secretariat) => (state: Parameters<typeof decideRegisterDiagnosis>[0]) =>
  decideRegisterDiagnosis(state, { diagnosisId: DIAGNOSIS, name: 'Alström syndrom', ...command }, context);

describe('register-diagnosis', () => {
  it('opens a group with its codes, the ORPHAcode in its ORPHA:<n> form and the name tidied', () => {
    given(diagnosisEvolver)
      .when(register({ name: '  Alström   syndrom ', orphaCode: '64', icd10: 'E34.8', description: ' Sjælden arvelig sygdom. ' }))
      .then([
        {
          type: 'DiagnosisRegistered',
          data: { diagnosisId: DIAGNOSIS, name: 'Alström syndrom', orphaCode: 'ORPHA:64', icd10: 'E34.8', description: 'Sjælden arvelig sygdom.' },
        },
      ]);
  });

  it('registers a diagnosis with a name only', () => {
    given(diagnosisEvolver)
      .when(register({ orphaCode: 'ORPHA:64' }))
      .then([{ type: 'DiagnosisRegistered', data: { diagnosisId: DIAGNOSIS, name: 'Alström syndrom', orphaCode: 'ORPHA:64' } }]);
    given(diagnosisEvolver)
      .when(register())
      .then([{ type: 'DiagnosisRegistered', data: { diagnosisId: DIAGNOSIS, name: 'Alström syndrom' } }]);
  });

  it('refuses a diagnosis the network already knows by ORPHAcode or name', () => {
    given(diagnosisEvolver)
      .when(register({ knownDiagnosisId: 'd2000000-0000-4000-8000-000000000002' }))
      .thenFails({ kind: 'conflict', rule: 'diagnosis-known' });
  });

  it('refuses a name of white space only', () => {
    given(diagnosisEvolver).when(register({ name: '   ' })).thenFails({ kind: 'invalid', rule: 'name-required', field: 'name' });
  });

  it('never writes over an existing diagnosis stream', () => {
    given(diagnosisEvolver, [{ type: 'DiagnosisRegistered', data: { diagnosisId: DIAGNOSIS, name: 'Alström syndrom' } }])
      .when(register())
      .thenFails({ kind: 'conflict', rule: 'diagnosis-exists' });
  });

  it('is for the secretariat only', () => {
    given(diagnosisEvolver)
      .when(register({}, { ...secretariat, actorRole: 'public' }))
      .thenFails({ kind: 'forbidden', rule: 'secretariat-only' });
  });
});
