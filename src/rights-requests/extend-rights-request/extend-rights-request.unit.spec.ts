import type { DomainEvent } from '../../../contracts/events/domain-event';
import { given } from '../../../test/support/decider-spec';
import { rightsRequestEvolver } from '../rights-request';
import { decideExtendRightsRequest } from './extend-rights-request.decide';

const REQUEST = 'a1000000-0000-4000-8000-000000000001';
const received = (receivedAt: string, dueBy: string): DomainEvent => ({
  type: 'RightsRequestRecorded',
  data: { requestId: REQUEST, right: 'access', channel: 'email', receivedAt, dueBy },
});
const extendAt = (now: string) => (state: Parameters<typeof decideExtendRightsRequest>[0]) =>
  decideExtendRightsRequest(state, { requestId: REQUEST, reason: 'complex' }, new Date(now));

describe('extend-rights-request', () => {
  it('extends by two further months counted from receipt: 31 January is due 30 April, not 28 April', () => {
    given(rightsRequestEvolver, [received('2026-01-31', '2026-02-28')])
      .when(extendAt('2026-02-20T09:00:00.000Z'))
      .then([{ type: 'RightsRequestExtended', data: { requestId: REQUEST, reason: 'complex', dueBy: '2026-04-30', extendedAt: '2026-02-20T09:00:00.000Z' } }]);
  });

  it('may extend on the day of the first deadline (in Denmark), not the day after', () => {
    const history = [received('2026-01-15', '2026-02-15')];
    given(rightsRequestEvolver, history)
      .when(extendAt('2026-02-15T22:59:00.000Z'))
      .then([{ type: 'RightsRequestExtended', data: { requestId: REQUEST, reason: 'complex', dueBy: '2026-04-15', extendedAt: '2026-02-15T22:59:00.000Z' } }]);
    given(rightsRequestEvolver, history).when(extendAt('2026-02-15T23:00:00.000Z')).thenFails({ kind: 'conflict', rule: 'rights-request-overdue' });
  });

  it('extends only once', () => {
    const extended: DomainEvent = { type: 'RightsRequestExtended', data: { requestId: REQUEST, reason: 'many-requests', dueBy: '2026-04-15', extendedAt: '2026-02-01T09:00:00.000Z' } };
    given(rightsRequestEvolver, [received('2026-01-15', '2026-02-15'), extended])
      .when(extendAt('2026-02-02T09:00:00.000Z'))
      .thenFails({ kind: 'conflict', rule: 'rights-request-already-extended' });
  });

  it('does not extend a completed request', () => {
    const completed: DomainEvent = { type: 'RightsRequestCompleted', data: { requestId: REQUEST, outcome: 'fulfilled', completedAt: '2026-01-20T09:00:00.000Z' } };
    given(rightsRequestEvolver, [received('2026-01-15', '2026-02-15'), completed])
      .when(extendAt('2026-01-21T09:00:00.000Z'))
      .thenFails({ kind: 'conflict', rule: 'rights-request-completed' });
  });

  it('does not know an unknown request', () => {
    given(rightsRequestEvolver).when(extendAt('2026-01-21T09:00:00.000Z')).thenFails({ kind: 'not-found', rule: 'unknown-rights-request' });
  });
});
