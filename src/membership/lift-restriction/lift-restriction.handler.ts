import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { memberStream } from '../../../contracts/events/membership.events';
import { handleCommand } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { memberEvolver } from '../member';
import { LiftRestrictionCommand, type RestrictionResult } from './lift-restriction.command';
import { decideLiftRestriction } from './lift-restriction.decide';

@CommandHandler(LiftRestrictionCommand)
export class LiftRestrictionHandler implements ICommandHandler<LiftRestrictionCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(command: LiftRestrictionCommand): Promise<RestrictionResult> {
    const { state } = await handleCommand(
      this.store,
      memberStream(command.memberId),
      memberEvolver,
      (current) => decideLiftRestriction(current, command, command.context),
      command.context,
    );
    return { memberId: command.memberId, status: state.status, restricted: state.restricted };
  }
}
