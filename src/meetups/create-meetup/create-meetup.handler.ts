import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type MeetupDescriptions, meetupStream } from '../../../contracts/events/meetup.events';
import { IdGenerator } from '../../domain/clock';
import { handleCommand } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { meetupEvolver } from '../meetup';
import { CreateMeetupCommand, type CreateMeetupResult } from './create-meetup.command';
import { decideCreateMeetup } from './create-meetup.decide';

@CommandHandler(CreateMeetupCommand)
export class CreateMeetupHandler implements ICommandHandler<CreateMeetupCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly ids: IdGenerator,
  ) {}

  async execute({ payload, context }: CreateMeetupCommand): Promise<CreateMeetupResult> {
    const meetupId = this.ids.newId();
    const command = { ...payload, meetupId, descriptions: payload.descriptions as MeetupDescriptions };
    const { state } = await handleCommand(this.store, meetupStream(meetupId), meetupEvolver, (current) => decideCreateMeetup(current, command, context), context);
    return { meetupId, startsAt: state.startsAt };
  }
}
