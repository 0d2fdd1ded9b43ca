import type { NewsletterComposed, NewsletterEditions, NewsletterSendRequested } from '../../../contracts/events/newsletter.events';
import { given } from '../../../test/support/decider-spec';
import { newsletterEvolver } from '../newsletter';
import { type ComposeNewsletter, decideComposeNewsletter } from './compose-newsletter.decide';

const NEWSLETTER = '5e7a0000-0000-4000-8000-000000000001';
const NOW = new Date('2026-06-01T09:00:00.000Z');
const EDITIONS: NewsletterEditions = {
  da: { subject: 'Nyhedsbrev juni 2026', markdown: '## Sommer\n\nVi ses til **træf**.' },
  en: { subject: 'Newsletter June 2026', markdown: '## Summer\n\nSee you at the **meet-up**.' },
};

const compose = (command: Partial<ComposeNewsletter> = {}) => (state: Parameters<typeof decideComposeNewsletter>[0]) =>
  decideComposeNewsletter(state, { newsletterId: NEWSLETTER, editions: EDITIONS, revision: false, ...command }, { now: NOW });
const composed = (editions: NewsletterEditions = EDITIONS, at = NOW): NewsletterComposed => ({
  type: 'NewsletterComposed',
  data: { newsletterId: NEWSLETTER, editions, composedAt: at.toISOString() },
});
const sent: NewsletterSendRequested = { type: 'NewsletterSendRequested', data: { newsletterId: NEWSLETTER, requestedAt: '2026-06-02T08:00:00.000Z' } };

describe('compose-newsletter', () => {
  it('composes a newsletter with its editions', () => {
    given(newsletterEvolver).when(compose()).then([composed()]);
  });

  it('tidies each edition: one-line subject, trimmed body', () => {
    const untidy = { da: { subject: '  Nyhedsbrev\n juni  ', markdown: '\n\nHej alle\n\n' } };
    given(newsletterEvolver)
      .when(compose({ editions: untidy }))
      .then([composed({ da: { subject: 'Nyhedsbrev juni', markdown: 'Hej alle' } })]);
  });

  it('rewrites a newsletter that has not been sent', () => {
    const rewritten = { da: { subject: 'Nyhedsbrev juni 2026 (rettet)', markdown: 'Ny tekst' } };
    given(newsletterEvolver, [composed()]).when(compose({ editions: rewritten, revision: true })).then([composed(rewritten)]);
  });

  it('refuses to rewrite a newsletter that does not exist (404)', () => {
    given(newsletterEvolver).when(compose({ revision: true })).thenFails({ kind: 'not-found', rule: 'unknown-newsletter' });
  });

  it('refuses to rewrite a newsletter that has been sent (409)', () => {
    given(newsletterEvolver, [composed(), sent]).when(compose({ revision: true })).thenFails({ kind: 'conflict', rule: 'newsletter-already-sent' });
  });

  it('refuses an edition whose subject or body is only white space, naming the field', () => {
    given(newsletterEvolver)
      .when(compose({ editions: { ...EDITIONS, sv: { subject: ' \n ', markdown: 'Hej' } } }))
      .thenFails({ kind: 'invalid', rule: 'subject-required', field: 'editions.sv.subject' });
    given(newsletterEvolver)
      .when(compose({ editions: { da: { subject: 'Nyhedsbrev', markdown: '   ' } } }))
      .thenFails({ kind: 'invalid', rule: 'body-required', field: 'editions.da.markdown' });
  });
});
