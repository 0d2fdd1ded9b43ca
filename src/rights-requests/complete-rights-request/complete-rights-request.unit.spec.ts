import type { DomainEvent } from '../../../contracts/events/domain-event';
import { given } from '../../../test/support/decider-spec';
import { rightsRequestEvolver } from '../rights-request';
import { decideCompleteRightsRequest } from './complete-rights-request.decide';

const REQUEST = 'a1000000-0000-4000-8000-000000000001';
const NOW = new Date('2026-03-10T09:00:00.000Z');
const received: DomainEvent = { type: 'RightsRequestRecorded', data: { requestId: REQUEST, right: 'portability', channel: 'in-person', receivedAt: '2026-01-15', dueBy: '2026-02-15' } };
const complete = (state: Parameters<typeof decideCompleteRightsRequest>[0]) =>
  decideCompleteRightsRequest(state, { requestId: REQUEST, outcome: 'refused' }, NOW);

describe('complete-rights-request', () => {
  it('completes an open request with its outcome, even after its deadline', () => {
    given(rightsRequestEvolver, [received])
      .when(complete)
      .then([{ type: 'RightsRequestCompleted', data: { requestId: REQUEST, outcome: 'refused', completedAt: NOW.toISOString() } }]);
  });

  it('completes a request once', () => {
    given(rightsRequestEvolver, [received, ...complete(rightsRequestEvolver.evolve(rightsRequestEvolver.initialState, received))])
      .when(complete)
      .thenFails({ kind: 'conflict', rule: 'rights-request-completed' });
  });

  it('does not know an unknown request', () => {
    given(rightsRequestEvolver).when(complete).thenFails({ kind: 'not-found', rule: 'unknown-rights-request' });
  });
});
