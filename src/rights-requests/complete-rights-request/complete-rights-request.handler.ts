import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { rightsRequestStream } from '../../../contracts/events/rights-request.events';
import { handleCommand } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { rightsRequestEvolver } from '../rights-request';
import { CompleteRightsRequestCommand, type CompleteRightsRequestResult } from './complete-rights-request.command';
import { decideCompleteRightsRequest } from './complete-rights-request.decide';

@CommandHandler(CompleteRightsRequestCommand)
export class CompleteRightsRequestHandler implements ICommandHandler<CompleteRightsRequestCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(command: CompleteRightsRequestCommand): Promise<CompleteRightsRequestResult> {
    await handleCommand(
      this.store,
      rightsRequestStream(command.requestId),
      rightsRequestEvolver,
      (current) => decideCompleteRightsRequest(current, command, command.context.now),
      command.context,
    );
    return { requestId: command.requestId, outcome: command.outcome, completedAt: command.context.now.toISOString() };
  }
}
