import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { newsletterStream } from '../../../contracts/events/newsletter.events';
import { handleCommand } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { newsletterEvolver } from '../newsletter';
import { SendNewsletterCommand, type SendNewsletterResult } from './send-newsletter.command';
import { decideSendNewsletter } from './send-newsletter.decide';

@CommandHandler(SendNewsletterCommand)
export class SendNewsletterHandler implements ICommandHandler<SendNewsletterCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ newsletterId, context }: SendNewsletterCommand): Promise<SendNewsletterResult> {
    const { state } = await handleCommand(this.store, newsletterStream(newsletterId), newsletterEvolver, (current) => decideSendNewsletter(current, context), context);
    return { newsletterId, sendRequestedAt: state.sendRequestedAt as string };
  }
}
