import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { RequestOutcome, RightsRequestCompleted } from '../../../contracts/events/rights-request.events';
import { requireOpenRequest, type RightsRequestState } from '../rights-request';

export interface CompleteRightsRequest {
  requestId: string;
  outcome: RequestOutcome;
}

/** An open request is completed once, late or not (a late answer is still an answer). */
export function decideCompleteRightsRequest(state: RightsRequestState, command: CompleteRightsRequest, now: Date): DomainEvent[] {
  requireOpenRequest(state);
  const completed: RightsRequestCompleted = {
    type: 'RightsRequestCompleted',
    data: { requestId: command.requestId, outcome: command.outcome, completedAt: now.toISOString() },
  };
  return [completed];
}
