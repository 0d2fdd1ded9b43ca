import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { diagnosisStream } from '../../../contracts/events/diagnosis.events';
import { meetupStream } from '../../../contracts/events/meetup.events';
import { diagnosisEvolver } from '../../diagnoses/diagnosis';
import { handleCommand, loadState } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { meetupEvolver } from '../meetup';
import { InviteToMeetupCommand, type InviteToMeetupResult } from './invite-to-meetup.command';
import { decideInviteToMeetup } from './invite-to-meetup.decide';

@CommandHandler(InviteToMeetupCommand)
export class InviteToMeetupHandler implements ICommandHandler<InviteToMeetupCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ payload, context }: InviteToMeetupCommand): Promise<InviteToMeetupResult> {
    const diagnosisIds = payload.diagnosisIds ?? [];
    const states = await Promise.all(diagnosisIds.map(async (diagnosisId) => (await loadState(this.store, diagnosisStream(diagnosisId), diagnosisEvolver)).state.status));
    const groups = Object.fromEntries(diagnosisIds.map((diagnosisId, index) => [diagnosisId, states[index]]));
    await handleCommand(
      this.store,
      meetupStream(payload.meetupId),
      meetupEvolver,
      (current) => decideInviteToMeetup(current, { diagnosisIds: payload.diagnosisIds, groups }, context),
      context,
    );
    return { meetupId: payload.meetupId, diagnosisIds: payload.diagnosisIds ?? null };
  }
}
