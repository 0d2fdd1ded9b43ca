import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { diagnosisStream } from '../../../contracts/events/diagnosis.events';
import { IdGenerator } from '../../domain/clock';
import { handleCommand } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { diagnosisEvolver } from '../diagnosis';
import { DiagnosisLookup } from '../diagnosis-lookup';
import { RegisterDiagnosisCommand, type RegisterDiagnosisResult } from './register-diagnosis.command';
import { decideRegisterDiagnosis } from './register-diagnosis.decide';

@CommandHandler(RegisterDiagnosisCommand)
export class RegisterDiagnosisHandler implements ICommandHandler<RegisterDiagnosisCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly diagnoses: DiagnosisLookup,
    private readonly ids: IdGenerator,
  ) {}

  async execute({ payload, context }: RegisterDiagnosisCommand): Promise<RegisterDiagnosisResult> {
    const diagnosisId = this.ids.newId();
    const knownDiagnosisId = await this.diagnoses.findByCodes({ name: payload.name, orphaCode: payload.orphaCode });
    await handleCommand(
      this.store,
      diagnosisStream(diagnosisId),
      diagnosisEvolver,
      (state) => decideRegisterDiagnosis(state, { ...payload, diagnosisId, knownDiagnosisId }, context),
      context,
    );
    return { diagnosisId };
  }
}
