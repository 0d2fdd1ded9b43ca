import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { rightsRequestStream } from '../../../contracts/events/rights-request.events';
import { handleCommand } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { rightsRequestEvolver } from '../rights-request';
import { ExtendRightsRequestCommand, type ExtendRightsRequestResult } from './extend-rights-request.command';
import { decideExtendRightsRequest } from './extend-rights-request.decide';

@CommandHandler(ExtendRightsRequestCommand)
export class ExtendRightsRequestHandler implements ICommandHandler<ExtendRightsRequestCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(command: ExtendRightsRequestCommand): Promise<ExtendRightsRequestResult> {
    const { state } = await handleCommand(
      this.store,
      rightsRequestStream(command.requestId),
      rightsRequestEvolver,
      (current) => decideExtendRightsRequest(current, command, command.context.now),
      command.context,
    );
    return { requestId: command.requestId, dueBy: state.dueBy };
  }
}
