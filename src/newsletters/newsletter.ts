import type { DomainEvent } from '../../contracts/events/domain-event';
import type { NewsletterEditions, NewsletterEvent } from '../../contracts/events/newsletter.events';
import { notFound } from '../domain/domain-error';
import type { Evolver } from '../event-store/command-handling';

export interface NewsletterState {
  exists: boolean;
  newsletterId: string;
  editions?: NewsletterEditions;
  composedAt?: string;
  /** Set once the newsletter was sent off: it can no longer change. */
  sendRequestedAt?: string;
}

export const initialNewsletterState: NewsletterState = { exists: false, newsletterId: '' };

export function evolveNewsletter(state: NewsletterState, domainEvent: DomainEvent): NewsletterState {
  const event = domainEvent as NewsletterEvent;
  switch (event.type) {
    case 'NewsletterComposed':
      return { ...state, exists: true, newsletterId: event.data.newsletterId, editions: event.data.editions, composedAt: event.data.composedAt };
    case 'NewsletterSendRequested':
      return { ...state, sendRequestedAt: event.data.requestedAt };
    default:
      return state;
  }
}

export const newsletterEvolver: Evolver<NewsletterState> = { initialState: initialNewsletterState, evolve: evolveNewsletter };

export function requireNewsletter(state: NewsletterState): void {
  if (!state.exists) throw notFound('unknown-newsletter', 'There is no newsletter with this id.');
}
