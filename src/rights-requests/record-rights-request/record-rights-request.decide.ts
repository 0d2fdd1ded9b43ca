import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { RequestChannel, Right, RightsRequestRecorded } from '../../../contracts/events/rights-request.events';
import { dateInDenmark } from '../../domain/calendar';
import { conflict, invalid, notFound } from '../../domain/domain-error';
import { answerDueBy, type RightsRequestState } from '../rights-request';

export interface RecordRightsRequest {
  /** The new request's id (from the id generator). */
  requestId: string;
  memberId?: string;
  right: Right;
  channel: RequestChannel;
  /** YYYY-MM-DD; unset: today. */
  receivedAt?: string;
  /** Whether the log has a member with `memberId` (looked up by the handler). */
  memberKnown: boolean;
}

/** A request is recorded with the day it was received and the day its answer is due. */
export function decideRecordRightsRequest(state: RightsRequestState, command: RecordRightsRequest, now: Date): DomainEvent[] {
  if (state.exists) throw conflict('rights-request-exists', 'A rights request with this id already exists.');
  if (command.memberId !== undefined && !command.memberKnown) throw notFound('unknown-member', 'There is no member with this id.');
  const today = dateInDenmark(now);
  const receivedAt = command.receivedAt ?? today;
  if (receivedAt > today) throw invalid('received-in-future', 'receivedAt', 'The day the request was received cannot be in the future.');
  const recorded: RightsRequestRecorded = {
    type: 'RightsRequestRecorded',
    data: {
      requestId: command.requestId,
      ...(command.memberId !== undefined ? { memberId: command.memberId } : {}),
      right: command.right,
      channel: command.channel,
      receivedAt,
      dueBy: answerDueBy(receivedAt, false),
    },
  };
  return [recorded];
}
