import type { NewsletterComposed, NewsletterSendRequested } from '../../../contracts/events/newsletter.events';
import { given } from '../../../test/support/decider-spec';
import { newsletterEvolver } from '../newsletter';
import { decideSendNewsletter } from './send-newsletter.decide';

const NEWSLETTER = '5e7a0000-0000-4000-8000-000000000001';
const NOW = new Date('2026-06-02T08:00:00.000Z');
const composed: NewsletterComposed = {
  type: 'NewsletterComposed',
  data: { newsletterId: NEWSLETTER, editions: { da: { subject: 'Nyhedsbrev juni 2026', markdown: 'Hej' } }, composedAt: '2026-06-01T09:00:00.000Z' },
};
const sent: NewsletterSendRequested = { type: 'NewsletterSendRequested', data: { newsletterId: NEWSLETTER, requestedAt: NOW.toISOString() } };
const send = () => (state: Parameters<typeof decideSendNewsletter>[0]) => decideSendNewsletter(state, { now: NOW });

describe('send-newsletter', () => {
  it('sends a composed newsletter off', () => {
    given(newsletterEvolver, [composed]).when(send()).then([sent]);
  });

  it('sends a newsletter once (409 the second time)', () => {
    given(newsletterEvolver, [composed, sent]).when(send()).thenFails({ kind: 'conflict', rule: 'newsletter-already-sent' });
  });

  it('does not know a newsletter that was never composed (404)', () => {
    given(newsletterEvolver).when(send()).thenFails({ kind: 'not-found', rule: 'unknown-newsletter' });
  });
});
