import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type NewsletterEditions, newsletterStream } from '../../../contracts/events/newsletter.events';
import { IdGenerator } from '../../domain/clock';
import { handleCommand } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { newsletterEvolver } from '../newsletter';
import { ComposeNewsletterCommand, type ComposeNewsletterResult } from './compose-newsletter.command';
import { decideComposeNewsletter } from './compose-newsletter.decide';

@CommandHandler(ComposeNewsletterCommand)
export class ComposeNewsletterHandler implements ICommandHandler<ComposeNewsletterCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly ids: IdGenerator,
  ) {}

  async execute({ payload, context }: ComposeNewsletterCommand): Promise<ComposeNewsletterResult> {
    const newsletterId = payload.newsletterId ?? this.ids.newId();
    const command = { newsletterId, editions: payload.editions as NewsletterEditions, revision: payload.newsletterId !== undefined };
    const { state } = await handleCommand(this.store, newsletterStream(newsletterId), newsletterEvolver, (current) => decideComposeNewsletter(current, command, context), context);
    return { newsletterId, languages: Object.keys(state.editions ?? {}) };
  }
}
