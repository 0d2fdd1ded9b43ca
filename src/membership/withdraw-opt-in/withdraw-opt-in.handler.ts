import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { memberStream } from '../../../contracts/events/membership.events';
import { handleCommand, retryOnConflict } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { memberEvolver } from '../member';
import { WithdrawOptInCommand, type WithdrawOptInResult } from './withdraw-opt-in.command';
import { decideWithdrawOptIn } from './withdraw-opt-in.decide';

const TRIES = 3;

@CommandHandler(WithdrawOptInCommand)
export class WithdrawOptInHandler implements ICommandHandler<WithdrawOptInCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(command: WithdrawOptInCommand): Promise<WithdrawOptInResult> {
    // A withdrawal decided again on the member's new state is still the one asked for: an unsubscribe
    // link clicked twice at once, or while something else changes the member, must not fail.
    const { state } = await retryOnConflict(TRIES, () =>
      handleCommand(this.store, memberStream(command.memberId), memberEvolver, (current) => decideWithdrawOptIn(current, command, command.context), command.context),
    );
    // The decision guarantees a member who joined, so their opt-ins are known.
    return { memberId: command.memberId, optIns: state.optIns as WithdrawOptInResult['optIns'] };
  }
}
