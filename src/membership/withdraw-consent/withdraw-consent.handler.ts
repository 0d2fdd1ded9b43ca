import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { memberStream } from '../../../contracts/events/membership.events';
import { handleCommand } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { memberEvolver } from '../member';
import { WithdrawConsentCommand, type WithdrawConsentResult } from './withdraw-consent.command';
import { decideWithdrawConsent } from './withdraw-consent.decide';

@CommandHandler(WithdrawConsentCommand)
export class WithdrawConsentHandler implements ICommandHandler<WithdrawConsentCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(command: WithdrawConsentCommand): Promise<WithdrawConsentResult> {
    const { state } = await handleCommand(
      this.store,
      memberStream(command.memberId),
      memberEvolver,
      (current) => decideWithdrawConsent(current, command, command.context),
      command.context,
    );
    return { memberId: command.memberId, status: state.status };
  }
}
