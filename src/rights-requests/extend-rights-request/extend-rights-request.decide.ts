import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { ExtensionReason, RightsRequestExtended } from '../../../contracts/events/rights-request.events';
import { dateInDenmark } from '../../domain/calendar';
import { conflict } from '../../domain/domain-error';
import { answerDueBy, requireOpenRequest, type RightsRequestState } from '../rights-request';

export interface ExtendRightsRequest {
  requestId: string;
  reason: ExtensionReason;
}

/**
 * Two further months, once, for an open request. Art. 12(3) asks that the requester be told of
 * the extension within the first month, so a request past its first deadline cannot be extended.
 */
export function decideExtendRightsRequest(state: RightsRequestState, command: ExtendRightsRequest, now: Date): DomainEvent[] {
  requireOpenRequest(state);
  if (state.extended) throw conflict('rights-request-already-extended', 'The deadline of a request can be extended only once.');
  if (dateInDenmark(now) > state.dueBy) throw conflict('rights-request-overdue', 'The first deadline has passed; an extension must be made within it.');
  const extended: RightsRequestExtended = {
    type: 'RightsRequestExtended',
    data: { requestId: command.requestId, reason: command.reason, dueBy: answerDueBy(state.receivedAt, true), extendedAt: now.toISOString() },
  };
  return [extended];
}
