import type { DomainEvent } from '../../contracts/events/domain-event';
import type { RightsRequestEvent } from '../../contracts/events/rights-request.events';
import { addCalendarMonths } from '../domain/calendar';
import { conflict, notFound } from '../domain/domain-error';
import type { Evolver } from '../event-store/command-handling';

/** GDPR Art. 12(3): an answer within one month of receipt, extendable by two further months. */
const MONTHS_TO_ANSWER = 1;
const FURTHER_MONTHS = 2;

/**
 * The day an answer is due. An extended deadline is counted from receipt (three months), not
 * from the first deadline, so a month-end is not clipped twice: 31 January is due 28 February,
 * or 30 April when extended (not 28 April).
 */
export function answerDueBy(receivedAt: string, extended: boolean): string {
  return addCalendarMonths(receivedAt, MONTHS_TO_ANSWER + (extended ? FURTHER_MONTHS : 0));
}

export interface RightsRequestState {
  exists: boolean;
  receivedAt: string;
  dueBy: string;
  extended: boolean;
  completed: boolean;
}

export const initialRightsRequestState: RightsRequestState = { exists: false, receivedAt: '', dueBy: '', extended: false, completed: false };

export function evolveRightsRequest(state: RightsRequestState, domainEvent: DomainEvent): RightsRequestState {
  const event = domainEvent as RightsRequestEvent;
  switch (event.type) {
    case 'RightsRequestRecorded':
      return { ...state, exists: true, receivedAt: event.data.receivedAt, dueBy: event.data.dueBy };
    case 'RightsRequestExtended':
      return { ...state, extended: true, dueBy: event.data.dueBy };
    case 'RightsRequestCompleted':
      return { ...state, completed: true };
    default:
      return state;
  }
}

export const rightsRequestEvolver: Evolver<RightsRequestState> = { initialState: initialRightsRequestState, evolve: evolveRightsRequest };

/** The request exists and has not been completed. */
export function requireOpenRequest(state: RightsRequestState): void {
  if (!state.exists) throw notFound('unknown-rights-request', 'There is no rights request with this id.');
  if (state.completed) throw conflict('rights-request-completed', 'The request has been completed already.');
}
