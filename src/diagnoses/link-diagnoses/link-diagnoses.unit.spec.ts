import type { DomainEvent } from '../../../contracts/events/domain-event';
import { given } from '../../../test/support/decider-spec';
import type { CommandContext } from '../../event-store/command-handling';
import { type ClusterState, clusterEvolver } from '../cluster';
import type { DiagnosisState } from '../diagnosis';
import { type LinkDiagnoses, decideLinkDiagnoses } from './link-diagnoses.decide';

const CLUSTER = 'c1000000-0000-4000-8000-000000000001';
const [A, B, C, PENDING] = ['d1', 'd2', 'd3', 'd4'].map((prefix) => `${prefix}000000-0000-4000-8000-000000000001`);
const open = (diagnosisId: string): DiagnosisState => ({ diagnosisId, name: diagnosisId, status: 'open' });
const DIAGNOSES: Record<string, DiagnosisState> = { [A]: open(A), [B]: open(B), [C]: open(C), [PENDING]: { ...open(PENDING), status: 'pending' } };
const secretariat: CommandContext = { actorRole: 'secretariat', correlationId: 'c1', now: new Date('2026-11-29T12:00:00.000Z') };
const link =
  (command: Partial<LinkDiagnoses> = {}, context = secretariat) =>
  (state: ClusterState) =>
    decideLinkDiagnoses(state, { clusterId: CLUSTER, clusterNamed: false, name: 'Bindevævssygdomme', diagnosisIds: [A, B], diagnoses: DIAGNOSES, ...command }, context);
const linked = (diagnosisIds: string[], name = 'Bindevævssygdomme'): DomainEvent => ({ type: 'DiagnosesLinked', data: { clusterId: CLUSTER, name, diagnosisIds } });

describe('link-diagnoses', () => {
  it('makes a new cluster of two or more open groups', () => {
    given(clusterEvolver).when(link({ name: '  Bindevævssygdomme ' })).then([linked([A, B])]);
  });

  it('adds only the diagnoses a named cluster does not have yet', () => {
    given(clusterEvolver, [linked([A, B])])
      .when(link({ clusterNamed: true, diagnosisIds: [B, C] }))
      .then([linked([C])]);
  });

  it('does nothing when a named cluster already has them all (a retried request)', () => {
    given(clusterEvolver, [linked([A, B])]).when(link({ clusterNamed: true, diagnosisIds: [A] })).then([]);
  });

  it('needs at least two diagnoses for a new cluster', () => {
    given(clusterEvolver).when(link({ diagnosisIds: [A] })).thenFails({ kind: 'invalid', rule: 'cluster-needs-two', field: 'diagnosisIds' });
    given(clusterEvolver).when(link({ diagnosisIds: [A, A] })).thenFails({ kind: 'invalid', rule: 'cluster-needs-two', field: 'diagnosisIds' });
  });

  it('links only diagnoses that exist and have an open group', () => {
    given(clusterEvolver).when(link({ diagnosisIds: [A, PENDING] })).thenFails({ kind: 'invalid', rule: 'diagnoses-not-open', field: 'diagnosisIds' });
    const unknown = 'd9000000-0000-4000-8000-000000000009';
    given(clusterEvolver).when(link({ diagnosisIds: [A, unknown] })).thenFails({ kind: 'invalid', rule: 'diagnoses-not-open', field: 'diagnosisIds' });
  });

  it('does not know an unknown cluster', () => {
    given(clusterEvolver).when(link({ clusterNamed: true })).thenFails({ kind: 'not-found', rule: 'cluster-not-found' });
  });

  it('needs a name', () => {
    given(clusterEvolver).when(link({ name: ' ' })).thenFails({ kind: 'invalid', rule: 'name-required', field: 'name' });
  });

  it('is for the secretariat only', () => {
    given(clusterEvolver).when(link({}, { ...secretariat, actorRole: 'public' })).thenFails({ kind: 'forbidden', rule: 'secretariat-only' });
  });
});
