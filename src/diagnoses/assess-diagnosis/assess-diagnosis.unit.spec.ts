import type { DomainEvent } from '../../../contracts/events/domain-event';
import { given } from '../../../test/support/decider-spec';
import type { CommandContext } from '../../event-store/command-handling';
import { type DiagnosisState, diagnosisEvolver } from '../diagnosis';
import { type AssessDiagnosis, decideAssessDiagnosis } from './assess-diagnosis.decide';

const DIAGNOSIS = 'd1000000-0000-4000-8000-000000000001';
const MEMBER = '7d4c1c1e-1111-4aaa-8bbb-000000000001';
const secretariat: CommandContext = { actorRole: 'secretariat', correlationId: 'c1', now: new Date('2026-11-29T12:00:00.000Z') };
const proposed: DomainEvent = { type: 'DiagnosisProposed', data: { diagnosisId: DIAGNOSIS, name: 'Alström syndrom', orphaCode: '64', proposedBy: MEMBER } };
const registered: DomainEvent = { type: 'DiagnosisRegistered', data: { diagnosisId: DIAGNOSIS, name: 'Alström syndrom' } };
const assess =
  (command: Partial<AssessDiagnosis> = {}, context = secretariat) =>
  (state: DiagnosisState) =>
    decideAssessDiagnosis(state, { diagnosisId: DIAGNOSIS, decision: 'rare', rationale: 'Ca. 20 i Danmark; kræver specialiseret behandling.', ...command }, context);

describe('assess-diagnosis', () => {
  it('assesses a proposed diagnosis as rare', () => {
    given(diagnosisEvolver, [proposed])
      .when(assess({ prevalenceEstimate: ' 1:1.000.000 ' }))
      .then([
        {
          type: 'DiagnosisAssessed',
          data: {
            diagnosisId: DIAGNOSIS,
            decision: 'rare',
            rationale: 'Ca. 20 i Danmark; kræver specialiseret behandling.',
            prevalenceEstimate: '1:1.000.000',
            assessorRole: 'secretariat',
          },
        },
      ]);
  });

  it('names the patient association when the diagnosis has one', () => {
    given(diagnosisEvolver, [proposed])
      .when(assess({ decision: 'has-association', rationale: 'Har egen forening.', association: { name: ' Foreningen ', url: 'https://example.org' } }))
      .then([
        {
          type: 'DiagnosisAssessed',
          data: {
            diagnosisId: DIAGNOSIS,
            decision: 'has-association',
            rationale: 'Har egen forening.',
            association: { name: 'Foreningen', url: 'https://example.org' },
            assessorRole: 'secretariat',
          },
        },
      ]);
  });

  it('declines a diagnosis that is not rare', () => {
    given(diagnosisEvolver, [proposed])
      .when(assess({ decision: 'not-rare', rationale: 'Over 10.000 i Danmark.' }))
      .then([{ type: 'DiagnosisAssessed', data: { diagnosisId: DIAGNOSIS, decision: 'not-rare', rationale: 'Over 10.000 i Danmark.', assessorRole: 'secretariat' } }]);
  });

  it('requires the association name for has-association', () => {
    given(diagnosisEvolver, [proposed])
      .when(assess({ decision: 'has-association' }))
      .thenFails({ kind: 'invalid', rule: 'association-required', field: 'association.name' });
    given(diagnosisEvolver, [proposed])
      .when(assess({ decision: 'has-association', association: { name: '  ' } }))
      .thenFails({ kind: 'invalid', rule: 'association-required', field: 'association.name' });
  });

  it('refuses an association with another decision', () => {
    given(diagnosisEvolver, [proposed])
      .when(assess({ association: { name: 'Foreningen' } }))
      .thenFails({ kind: 'invalid', rule: 'association-not-expected', field: 'association' });
  });

  it('requires a rationale', () => {
    given(diagnosisEvolver, [proposed]).when(assess({ rationale: ' ' })).thenFails({ kind: 'invalid', rule: 'rationale-required', field: 'rationale' });
  });

  it('does not know an unknown diagnosis', () => {
    given(diagnosisEvolver).when(assess()).thenFails({ kind: 'not-found', rule: 'diagnosis-not-found' });
  });

  it('assesses only a diagnosis awaiting assessment', () => {
    given(diagnosisEvolver, [registered]).when(assess()).thenFails({ kind: 'conflict', rule: 'diagnosis-not-pending' });
    const assessed: DomainEvent = { type: 'DiagnosisAssessed', data: { diagnosisId: DIAGNOSIS, decision: 'not-rare', rationale: 'x', assessorRole: 'secretariat' } };
    given(diagnosisEvolver, [proposed, assessed]).when(assess()).thenFails({ kind: 'conflict', rule: 'diagnosis-not-pending' });
  });

  it('is for the secretariat only', () => {
    given(diagnosisEvolver, [proposed])
      .when(assess({}, { ...secretariat, actorRole: 'dpo' }))
      .thenFails({ kind: 'forbidden', rule: 'secretariat-only' });
  });
});
