import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { clusterStream, diagnosisStream } from '../../../contracts/events/diagnosis.events';
import { IdGenerator } from '../../domain/clock';
import { handleCommand, loadState } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { clusterEvolver } from '../cluster';
import { type DiagnosisState, diagnosisEvolver } from '../diagnosis';
import { LinkDiagnosesCommand, type LinkDiagnosesResult } from './link-diagnoses.command';
import { decideLinkDiagnoses } from './link-diagnoses.decide';

@CommandHandler(LinkDiagnosesCommand)
export class LinkDiagnosesHandler implements ICommandHandler<LinkDiagnosesCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly ids: IdGenerator,
  ) {}

  async execute({ payload, context }: LinkDiagnosesCommand): Promise<LinkDiagnosesResult> {
    const clusterId = payload.clusterId ?? this.ids.newId();
    // An open group stays open (only a proposed diagnosis is assessed), so reading the
    // diagnoses outside the cluster stream's concurrency check is safe.
    const diagnoses: Record<string, DiagnosisState> = {};
    for (const diagnosisId of new Set(payload.diagnosisIds)) {
      diagnoses[diagnosisId] = (await loadState(this.store, diagnosisStream(diagnosisId), diagnosisEvolver)).state;
    }
    await handleCommand(
      this.store,
      clusterStream(clusterId),
      clusterEvolver,
      (state) =>
        decideLinkDiagnoses(state, { clusterId, clusterNamed: payload.clusterId !== undefined, name: payload.name, diagnosisIds: payload.diagnosisIds, diagnoses }, context),
      context,
    );
    return { clusterId };
  }
}
