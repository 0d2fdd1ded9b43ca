import type { DomainEvent } from './domain-event';
import type { Language } from './membership.events';

/** Stream of one newsletter: `newsletter-<newsletterId>`. The id is random. */
export const newsletterStream = (newsletterId: string): string => `newsletter-${newsletterId}`;

/** One language's newsletter: its subject and its body in Markdown. Written for every member alike: no personal data. */
export interface NewsletterEdition {
  subject: string;
  markdown: string;
}

/** The Danish edition is required: members whose language has no edition get it. */
export type NewsletterEditions = { da: NewsletterEdition } & Partial<Record<Exclude<Language, 'da'>, NewsletterEdition>>;

/** The secretariat wrote a newsletter, or rewrote it before it was sent (the last one counts). */
export type NewsletterComposed = DomainEvent<'NewsletterComposed', { newsletterId: string; editions: NewsletterEditions; composedAt: string }>;
/** The newsletter is to go to every active member with the newsletter opt-in (see src/mailings). */
export type NewsletterSendRequested = DomainEvent<'NewsletterSendRequested', { newsletterId: string; requestedAt: string }>;

export type NewsletterEvent = NewsletterComposed | NewsletterSendRequested;
