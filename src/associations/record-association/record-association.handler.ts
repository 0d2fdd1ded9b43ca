import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { diagnosisStream } from '../../../contracts/events/diagnosis.events';
import { diagnosisEvolver } from '../../diagnoses/diagnosis';
import { handleCommand } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { RecordAssociationCommand, type RecordAssociationResult } from './record-association.command';
import { decideRecordAssociation } from './record-association.decide';

@CommandHandler(RecordAssociationCommand)
export class RecordAssociationHandler implements ICommandHandler<RecordAssociationCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ payload, context }: RecordAssociationCommand): Promise<RecordAssociationResult> {
    const { state } = await handleCommand(this.store, diagnosisStream(payload.diagnosisId), diagnosisEvolver, (current) => decideRecordAssociation(current, payload, context), context);
    return { diagnosisId: payload.diagnosisId, status: state.status };
  }
}
