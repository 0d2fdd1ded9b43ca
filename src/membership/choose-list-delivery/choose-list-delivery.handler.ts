import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { memberStream } from '../../../contracts/events/membership.events';
import { AppConfig } from '../../config/app-config';
import { handleCommand } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { memberEvolver } from '../member';
import { ChooseListDeliveryCommand, type ChooseListDeliveryResult } from './choose-list-delivery.command';
import { decideChooseListDelivery } from './choose-list-delivery.decide';

@CommandHandler(ChooseListDeliveryCommand)
export class ChooseListDeliveryHandler implements ICommandHandler<ChooseListDeliveryCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly config: AppConfig,
  ) {}

  async execute(command: ChooseListDeliveryCommand): Promise<ChooseListDeliveryResult> {
    await handleCommand(
      this.store,
      memberStream(command.memberId),
      memberEvolver,
      (current) => decideChooseListDelivery(current, command, { now: command.context.now, deployment: this.config.LIST_DELIVERY }),
      command.context,
    );
    return { memberId: command.memberId, listDelivery: command.delivery };
  }
}
