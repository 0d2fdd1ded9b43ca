import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { KeyVault } from '../../crypto/key-vault';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { handleSealingCommand, sealForMember } from '../sealing-command';
import { RestrictMemberCommand, type RestrictMemberResult } from './restrict-member.command';
import { checkRestrictMember, decideRestrictMember } from './restrict-member.decide';

@CommandHandler(RestrictMemberCommand)
export class RestrictMemberHandler implements ICommandHandler<RestrictMemberCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: KeyVault,
  ) {}

  async execute(command: RestrictMemberCommand): Promise<RestrictMemberResult> {
    const { state } = await handleSealingCommand(
      this.store,
      command.memberId,
      {
        prepare: async (current) => {
          checkRestrictMember(current);
          return sealForMember(this.vault, command.memberId, command.reason);
        },
        decide: (current, sealedReason) => decideRestrictMember(current, command, { now: command.context.now, sealedReason }),
      },
      command.context,
    );
    return { memberId: command.memberId, status: state.status, restricted: state.restricted };
  }
}
