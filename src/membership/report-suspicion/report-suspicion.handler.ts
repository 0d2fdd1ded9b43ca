import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { KeyVault } from '../../crypto/key-vault';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { handleSealingCommand, sealForMember } from '../sealing-command';
import { ReportSuspicionCommand, type ReportSuspicionResult } from './report-suspicion.command';
import { checkReportSuspicion, decideReportSuspicion, SUSPICION_RESTRICTION_REASON } from './report-suspicion.decide';

@CommandHandler(ReportSuspicionCommand)
export class ReportSuspicionHandler implements ICommandHandler<ReportSuspicionCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: KeyVault,
  ) {}

  async execute(command: ReportSuspicionCommand): Promise<ReportSuspicionResult> {
    const { state } = await handleSealingCommand(
      this.store,
      command.memberId,
      {
        prepare: async (current) => {
          checkReportSuspicion(current);
          const sealedNote = await sealForMember(this.vault, command.memberId, command.note);
          const sealedReason = await sealForMember(this.vault, command.memberId, SUSPICION_RESTRICTION_REASON);
          return { sealedNote, sealedReason };
        },
        decide: (current, sealed) => decideReportSuspicion(current, command, { now: command.context.now, ...sealed }),
      },
      command.context,
    );
    return { memberId: command.memberId, status: state.status, restricted: state.restricted };
  }
}
