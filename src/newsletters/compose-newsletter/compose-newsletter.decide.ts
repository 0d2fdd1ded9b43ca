import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { Language } from '../../../contracts/events/membership.events';
import type { NewsletterComposed, NewsletterEdition, NewsletterEditions } from '../../../contracts/events/newsletter.events';
import { conflict, invalid } from '../../domain/domain-error';
import { type NewsletterState, requireNewsletter } from '../newsletter';

export interface ComposeNewsletter {
  newsletterId: string;
  editions: NewsletterEditions;
  /** A rewrite of an existing newsletter (its id was given), not a new one. */
  revision: boolean;
}

/** A new newsletter, or a rewrite of one that has not been sent: the last composition is the one sent. */
export function decideComposeNewsletter(state: NewsletterState, command: ComposeNewsletter, context: { now: Date }): DomainEvent[] {
  if (command.revision) requireNewsletter(state);
  if (state.sendRequestedAt) throw conflict('newsletter-already-sent', 'The newsletter has been sent; compose a new one.');
  const editions = Object.fromEntries(
    Object.entries(command.editions).flatMap(([language, edition]) => (edition ? [[language, tidyEdition(language as Language, edition)]] : [])),
  ) as NewsletterEditions;
  const composed: NewsletterComposed = { type: 'NewsletterComposed', data: { newsletterId: command.newsletterId, editions, composedAt: context.now.toISOString() } };
  return [composed];
}

/** Trimmed; a subject is one line (it becomes a mail header). */
function tidyEdition(language: Language, edition: NewsletterEdition): NewsletterEdition {
  const subject = edition.subject.replace(/\s+/g, ' ').trim();
  const markdown = edition.markdown.trim();
  if (subject === '') throw invalid('subject-required', `editions.${language}.subject`, 'Each edition needs a subject.');
  if (markdown === '') throw invalid('body-required', `editions.${language}.markdown`, 'Each edition needs a body.');
  return { subject, markdown };
}
