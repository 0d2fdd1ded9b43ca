import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { memberStream } from '../../../contracts/events/membership.events';
import { handleCommand } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { memberEvolver } from '../member';
import { EraseMemberCommand, type EraseMemberResult } from './erase-member.command';
import { decideEraseMember } from './erase-member.decide';
import { ErasureCompletion } from './erasure-completion';

@CommandHandler(EraseMemberCommand)
export class EraseMemberHandler implements ICommandHandler<EraseMemberCommand> {
  private readonly logger = new Logger('Erasure');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly completion: ErasureCompletion,
  ) {}

  async execute(command: EraseMemberCommand): Promise<EraseMemberResult> {
    await handleCommand(this.store, memberStream(command.memberId), memberEvolver, (state) => decideEraseMember(state, command, command.context), command.context);
    // Completed at once, so that the answer can tell what became of the receipt. The erasure is
    // recorded either way: if completing fails (or the process stops) the erasure-completion
    // reactor finishes it from the log, so the answer is 'pending', not an error.
    try {
      const { receipt, recipientsNotified } = await this.completion.complete(command.memberId);
      return { memberId: command.memberId, status: 'erased', recipientsNotified, receipt };
    } catch (error) {
      this.logger.warn(`completing the erasure of member ${command.memberId} failed (${error instanceof Error ? error.name : typeof error}); the reactor finishes it`);
      return { memberId: command.memberId, status: 'erased', recipientsNotified: null, receipt: 'pending' };
    }
  }
}
