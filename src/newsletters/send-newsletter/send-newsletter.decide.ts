import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { NewsletterSendRequested } from '../../../contracts/events/newsletter.events';
import { conflict } from '../../domain/domain-error';
import { type NewsletterState, requireNewsletter } from '../newsletter';

/**
 * Sends a newsletter off, once: the mailing sender (src/mailings) then mails it to every active
 * member with the newsletter opt-in, each in their language.
 */
export function decideSendNewsletter(state: NewsletterState, context: { now: Date }): DomainEvent[] {
  requireNewsletter(state);
  if (state.sendRequestedAt) throw conflict('newsletter-already-sent', 'The newsletter has been sent already.');
  const requested: NewsletterSendRequested = { type: 'NewsletterSendRequested', data: { newsletterId: state.newsletterId, requestedAt: context.now.toISOString() } };
  return [requested];
}
