import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { diagnosisStream } from '../../../contracts/events/diagnosis.events';
import { handleCommand } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { diagnosisEvolver } from '../diagnosis';
import { AssessDiagnosisCommand, type AssessDiagnosisResult } from './assess-diagnosis.command';
import { decideAssessDiagnosis } from './assess-diagnosis.decide';

@CommandHandler(AssessDiagnosisCommand)
export class AssessDiagnosisHandler implements ICommandHandler<AssessDiagnosisCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ payload, context }: AssessDiagnosisCommand): Promise<AssessDiagnosisResult> {
    const { state } = await handleCommand(
      this.store,
      diagnosisStream(payload.diagnosisId),
      diagnosisEvolver,
      (current) => decideAssessDiagnosis(current, payload, context),
      context,
    );
    return { diagnosisId: payload.diagnosisId, status: state.status };
  }
}
