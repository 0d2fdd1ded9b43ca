import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { diagnosisStream, type PatientAssociation } from '../../contracts/events/diagnosis.events';
import { meetupStream } from '../../contracts/events/meetup.events';
import type { Language } from '../../contracts/events/membership.events';
import { newsletterStream } from '../../contracts/events/newsletter.events';
import { AppConfig } from '../config/app-config';
import { diagnosisEvolver } from '../diagnoses/diagnosis';
import { loadState } from '../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { MailMarkdown } from '../mail/mail-markdown';
import { DEFAULT_MAIL_LANGUAGE, MailTemplates } from '../mail/mail-templates';
import type { OutgoingMail } from '../mail/mail-transport';
import { meetupEvolver } from '../meetups/meetup';
import { newsletterEvolver } from '../newsletters/newsletter';
import type { MailingKind } from './mailing';
import { MailLinks } from './mail-links';

/** What every member of one mailing gets, loaded once per mailing and Markdown rendered once per language. */
type Content =
  | { kind: 'newsletter'; editions: Map<Language, { subject: string; body: MailMarkdown }> }
  | { kind: 'meetup-invitation'; meetupId: string; startsAt: string; place: string | null; onlineLink: string | null; descriptions: Map<Language, MailMarkdown> }
  | { kind: 'association-founded'; diagnosisName: string; association: PatientAssociation };

/** The recipient as the letter addresses them. */
export interface Recipient {
  memberId: string;
  language: Language;
  name: string;
  email: string;
}

/** Sent on its own, not in answer to a person (RFC 3834). */
const AUTO_SUBMITTED = { 'Auto-Submitted': 'auto-generated' };

/**
 * Writes the mail of one mailing to one member, in their language (or wholly in Danish when the
 * mailing has no edition in theirs). Newsletters and invitations carry the member's one-click
 * unsubscribe link in the text and in the List-Unsubscribe header, with List-Unsubscribe-Post
 * (RFC 8058). The contents come from the mailing's own stream: a newsletter and a meet-up hold no
 * personal data, and a mail names nobody but its recipient.
 */
@Injectable()
export class MailingLetters {
  private readonly contents = new LRUCache<string, Promise<Content>>({ max: 20 });

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly templates: MailTemplates,
    private readonly links: MailLinks,
    private readonly config: AppConfig,
  ) {}

  async letter(kind: MailingKind, mailingKey: string, recipient: Recipient): Promise<OutgoingMail> {
    return { to: recipient.email, ...(await this.compose(kind, mailingKey, recipient)) };
  }

  /**
   * The same mailing as a letter by post, to a member without email: its subject and text part
   * (links, such as the unsubscribe link, stand in it as text).
   */
  async printed(kind: MailingKind, mailingKey: string, recipient: Omit<Recipient, 'email'>): Promise<{ subject: string; text: string }> {
    const { subject, text } = await this.compose(kind, mailingKey, recipient);
    return { subject, text };
  }

  private async compose(kind: MailingKind, mailingKey: string, recipient: Omit<Recipient, 'email'>): Promise<Omit<OutgoingMail, 'to'>> {
    const content = await this.content(kind, mailingKey);
    const { name, memberId } = recipient;
    const contactEmail = this.config.MAIL_FROM;
    switch (content.kind) {
      case 'newsletter': {
        const language = inOwnLanguage(content.editions, recipient.language);
        const edition = content.editions.get(language) as { subject: string; body: MailMarkdown };
        const unsubscribeLink = this.links.unsubscribe(memberId, 'newsletter');
        const rendered = this.templates.render('newsletter', language, { name, subject: edition.subject, body: edition.body, unsubscribeLink, contactEmail });
        return { ...rendered, headers: unsubscribable(unsubscribeLink) };
      }
      case 'meetup-invitation': {
        const language = inOwnLanguage(content.descriptions, recipient.language);
        const unsubscribeLink = this.links.unsubscribe(memberId, 'meetups');
        const rendered = this.templates.render('meetup-invitation', language, {
          name,
          startsAt: content.startsAt,
          place: content.place,
          onlineLink: content.onlineLink,
          description: content.descriptions.get(language) as MailMarkdown,
          yesLink: this.links.meetupReply(memberId, content.meetupId, 'yes'),
          noLink: this.links.meetupReply(memberId, content.meetupId, 'no'),
          unsubscribeLink,
          contactEmail,
        });
        return { ...rendered, headers: unsubscribable(unsubscribeLink) };
      }
      case 'association-founded': {
        const rendered = this.templates.render('association-founded', recipient.language, { name, diagnosisName: content.diagnosisName, association: content.association, contactEmail });
        return { ...rendered, headers: AUTO_SUBMITTED };
      }
    }
  }

  private content(kind: MailingKind, mailingKey: string): Promise<Content> {
    const key = `${kind}/${mailingKey}`;
    let content = this.contents.get(key);
    if (!content) {
      content = this.load(kind, mailingKey);
      // A failed load is tried afresh next time.
      content.catch(() => this.contents.delete(key));
      this.contents.set(key, content);
    }
    return content;
  }

  private async load(kind: MailingKind, mailingKey: string): Promise<Content> {
    switch (kind) {
      case 'newsletter': {
        const { state } = await loadState(this.store, newsletterStream(mailingKey), newsletterEvolver);
        const editions = Object.entries(state.editions ?? {}).map(([language, edition]) => [language as Language, { subject: edition.subject, body: MailMarkdown.render(edition.markdown) }] as const);
        return { kind, editions: new Map(editions) };
      }
      case 'meetup-invitation': {
        const { state } = await loadState(this.store, meetupStream(mailingKey), meetupEvolver);
        const descriptions = Object.entries(state.descriptions ?? {}).map(([language, markdown]) => [language as Language, MailMarkdown.render(markdown)] as const);
        return { kind, meetupId: mailingKey, startsAt: state.startsAt, place: state.place ?? null, onlineLink: state.onlineLink ?? null, descriptions: new Map(descriptions) };
      }
      case 'association-founded': {
        const { state } = await loadState(this.store, diagnosisStream(mailingKey), diagnosisEvolver);
        return { kind, diagnosisName: state.name, association: state.association as PatientAssociation };
      }
    }
  }
}

/** The member's language if the mailing was written in it, else Danish (which it always is). */
function inOwnLanguage(written: ReadonlyMap<Language, unknown>, language: Language): Language {
  return written.has(language) ? language : DEFAULT_MAIL_LANGUAGE;
}

/** RFC 2369 and RFC 8058: mail programs offer an unsubscribe button that POSTs to the link. */
function unsubscribable(link: string): Record<string, string> {
  return { ...AUTO_SUBMITTED, 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
