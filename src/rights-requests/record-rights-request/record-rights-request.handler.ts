import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { memberStream } from '../../../contracts/events/membership.events';
import { rightsRequestStream } from '../../../contracts/events/rights-request.events';
import { IdGenerator } from '../../domain/clock';
import { handleCommand } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { rightsRequestEvolver } from '../rights-request';
import { RecordRightsRequestCommand, type RecordRightsRequestResult } from './record-rights-request.command';
import { decideRecordRightsRequest } from './record-rights-request.decide';

@CommandHandler(RecordRightsRequestCommand)
export class RecordRightsRequestHandler implements ICommandHandler<RecordRightsRequestCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly ids: IdGenerator,
  ) {}

  async execute({ payload, context }: RecordRightsRequestCommand): Promise<RecordRightsRequestResult> {
    const requestId = this.ids.newId();
    const memberKnown = payload.memberId !== undefined && (await this.store.readStream(memberStream(payload.memberId))).length > 0;
    const { state } = await handleCommand(
      this.store,
      rightsRequestStream(requestId),
      rightsRequestEvolver,
      (current) => decideRecordRightsRequest(current, { ...payload, requestId, memberKnown }, context.now),
      context,
    );
    return { requestId, dueBy: state.dueBy };
  }
}
