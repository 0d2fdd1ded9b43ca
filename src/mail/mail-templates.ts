import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PatientAssociation } from '../../contracts/events/diagnosis.events';
import type { Language, PostalAddress } from '../../contracts/events/membership.events';
import type { MailMarkdown } from './mail-markdown';

/** Copied next to the compiled code by nest-cli.json's assets, so this works from src/ and dist/. */
const TEMPLATES_DIR = join(__dirname, 'templates');

export const MAIL_LANGUAGES: readonly Language[] = ['da', 'sv', 'nb', 'en'];
/** Danish is every template's fallback. */
export const DEFAULT_MAIL_LANGUAGE: Language = 'da';

/** The locale of each mail language (dates, country names); letters use it too. */
export const LOCALES: Record<Language, string> = { da: 'da-DK', sv: 'sv-SE', nb: 'nb-NO', en: 'en-GB' };

/** One person on a contact list as a message shows it: only the fields they share and have. */
export interface ContactListEntryView {
  /** The entry's number in this recipient's copy (a deletion notice refers to it). */
  number: number;
  name: string;
  address?: PostalAddress;
  phone?: string;
  email?: string;
  /** Joined since the recipient's last list. */
  newcomer: boolean;
  /** The person's data can no longer be read (erased since the list was built): only the number is shown. */
  removed: boolean;
}

/** The only way to make RenderedEntries: kept in this module, used by MailTemplates.listEntries. */
let renderedEntries: (text: string, html: string, count: number) => RenderedEntries;

/**
 * Entries of a contact list, each rendered by the language's entry templates
 * (contact-list-entry.{text,html}.hbs, escaped like any HTML part) and joined: a list goes to
 * every member of a group, so each entry is rendered once per version and reused. Only
 * MailTemplates makes these (listEntry, listEntries), so their HTML is always escaped.
 */
export class RenderedEntries {
  static {
    renderedEntries = (text, html, count) => new RenderedEntries(text, new Handlebars.SafeString(html), count);
  }

  private constructor(
    readonly text: string,
    readonly html: Handlebars.SafeString,
    readonly count: number,
  ) {}
}

/** One entry rendered by MailTemplates.listEntry. */
export interface RenderedEntry {
  readonly text: string;
  readonly html: string;
}

/** What the contact-list messages share: the recipient, the message's own reference, the secretariat's address. */
interface ContactListMailBase {
  /** The recipient's name. */
  name: string;
  /** Printed in the message so that a copy passed on can be traced to its recipient. */
  listReference: string;
  contactEmail: string;
}

/** What each template needs. Everything is escaped in the HTML part; nothing in the text part. */
export interface MailTemplateData {
  verification: { name: string; link: string; expiresAt: string; emailChange: boolean; contactEmail: string };
  /** A one-time link to sign in to self-service; `minutes`: how long it works. `diagnosisName` tells apart the links of one address's memberships. */
  'sign-in-link': { name: string; link: string; expiresAt: string; minutes: number; diagnosisName: string | null; contactEmail: string };
  referral: { name: string; diagnosisName: string; association: PatientAssociation | null; contactEmail: string };
  'not-rare': { name: string; diagnosisName: string; contactEmail: string };
  /** A newcomer's first list: everyone in the group they may see. */
  'contact-list-welcome': ContactListMailBase & { diagnosisName: string; entries: RenderedEntries; greenlandOnly: boolean };
  /** The whole list again, the newcomers marked. */
  'contact-list-update': ContactListMailBase & { diagnosisName: string; entries: RenderedEntries; newcomerCount: number; greenlandOnly: boolean };
  /** Delete entry `entryNumber` from the list `heldListReference`: nothing about the person is repeated. */
  'deletion-notice': ContactListMailBase & { heldListReference: string; entryNumber: number; listedAt: string };
  /** Entry `entryNumber` of the list `correctedListReference`, as it is now. */
  correction: ContactListMailBase & { correctedListReference: string; entryNumber: number; listedAt: string; entry: RenderedEntries };
  /**
   * To an erased member, before their key is shredded (GDPR Art. 17): what was erased, what is
   * kept and why, and how many earlier recipients are asked to delete their entry.
   */
  'erasure-receipt': { name: string; erasedAt: string; recipientsNotified: number; contactEmail: string };
  /**
   * Portal delivery: the group's list is ready, updated, or has a corrected entry; sign in to see
   * it. Nothing about anyone, not even the recipient's name (a mailbox may be shared).
   */
  'contact-list-notice': Omit<ContactListMailBase, 'name'> & { signInLink: string; welcome: boolean; corrected: boolean };
  /** A newsletter edition; `unsubscribeLink` withdraws the newsletter opt-in (also the List-Unsubscribe header). */
  newsletter: { name: string; subject: string; body: MailMarkdown; unsubscribeLink: string; contactEmail: string };
  /** An invitation to a meet-up; the yes/no links record the answer, `unsubscribeLink` withdraws the meet-up opt-in. */
  'meetup-invitation': {
    name: string;
    startsAt: string;
    place: string | null;
    onlineLink: string | null;
    description: MailMarkdown;
    yesLink: string;
    noLink: string;
    unsubscribeLink: string;
    contactEmail: string;
  };
  /** To the members of a group that became a patient association. */
  'association-founded': { name: string; diagnosisName: string; association: PatientAssociation; contactEmail: string };
  /**
   * Consent hand-over: to the young person whose relative (`relativeName`) gave the consent for
   * them as a child, now `consentAge` or older: `link` confirms it; without, it lapses at `lapsesAt`.
   */
  'consent-hand-over': { relativeName: string; consentAge: number; link: string; lapsesAt: string; contactEmail: string };
  /** Consent hand-over: to the relative, who is asked to pass the young person's message on. */
  'consent-hand-over-relative': { name: string; consentAge: number; lapsesAt: string; contactEmail: string };
}
export type MailTemplateName = keyof MailTemplateData;
/** The template of one contact-list entry (text and HTML only), used by the lists and the correction. */
export const LIST_ENTRY = 'contact-list-entry';
export const MAIL_TEMPLATE_NAMES: readonly MailTemplateName[] = [
  'verification',
  'sign-in-link',
  'referral',
  'not-rare',
  'contact-list-welcome',
  'contact-list-update',
  'deletion-notice',
  'correction',
  'erasure-receipt',
  'contact-list-notice',
  'newsletter',
  'meetup-invitation',
  'association-founded',
  'consent-hand-over',
  'consent-hand-over-relative',
];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

interface CompiledMail {
  language: Language;
  subject: Handlebars.TemplateDelegate;
  text: Handlebars.TemplateDelegate;
  html: Handlebars.TemplateDelegate;
}

/**
 * The mail templates: src/mail/templates/<language>/<name>.{subject,text,html}.hbs, the HTML
 * parts inside templates/layout.html.hbs. All are compiled once, when the service starts (a
 * broken template stops the start, not a send). `{{datetime x}}` formats an ISO time in the
 * mail's language, in Danish time, `{{date x}}` its date only, and `{{country c}}` names a
 * country code in the mail's language.
 */
@Injectable()
export class MailTemplates {
  private readonly handlebars = Handlebars.create();
  private readonly compiled = new Map<string, CompiledMail>();
  private readonly entryTemplates = new Map<Language, { text: Handlebars.TemplateDelegate; html: Handlebars.TemplateDelegate }>();
  /** The entries this instance rendered: only those may go into a message unescaped. */
  private readonly issued = new WeakSet<RenderedEntry>();

  constructor() {
    this.handlebars.registerPartial('layout', this.handlebars.compile(this.handlebars.parse(read('layout.html.hbs'))));
    this.handlebars.registerHelper('datetime', (value: unknown, options: Handlebars.HelperOptions) => {
      const language = (options.data as { root: { language: Language } }).root.language;
      const time = new Date(String(value));
      if (Number.isNaN(time.getTime())) return String(value);
      return new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Copenhagen' }).format(time);
    });
    this.handlebars.registerHelper('date', (value: unknown, options: Handlebars.HelperOptions) => {
      const language = (options.data as { root: { language: Language } }).root.language;
      const time = new Date(String(value));
      if (Number.isNaN(time.getTime())) return String(value);
      return new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'long', timeZone: 'Europe/Copenhagen' }).format(time);
    });
    // A country's name in the mail's language, e.g. GL -> Grønland, Grönland, Greenland.
    const regions = new Map(MAIL_LANGUAGES.map((language) => [language, new Intl.DisplayNames(LOCALES[language], { type: 'region' })]));
    const countryNames = new Map<string, string>();
    this.handlebars.registerHelper('country', (value: unknown, options: Handlebars.HelperOptions) => {
      const language = (options.data as { root: { language: Language } }).root.language;
      const code = String(value);
      const key = `${language}/${code}`;
      let name = countryNames.get(key);
      if (name === undefined) {
        name = /^[A-Z]{2}$/.test(code) ? (regions.get(language)?.of(code) ?? code) : code;
        if (countryNames.size < 1000) countryNames.set(key, name);
      }
      return name;
    });
    for (const name of MAIL_TEMPLATE_NAMES) {
      for (const language of MAIL_LANGUAGES) {
        if (existsSync(join(TEMPLATES_DIR, language, `${name}.subject.hbs`))) this.compiled.set(`${language}/${name}`, this.compile(language, name));
      }
      if (!this.compiled.has(`${DEFAULT_MAIL_LANGUAGE}/${name}`)) throw new Error(`The mail template ${DEFAULT_MAIL_LANGUAGE}/${name} is missing`);
    }
    for (const language of MAIL_LANGUAGES) {
      if (!existsSync(join(TEMPLATES_DIR, language, `${LIST_ENTRY}.text.hbs`))) continue;
      const part = (kind: 'text' | 'html') => this.handlebars.compile(this.handlebars.parse(read(join(language, `${LIST_ENTRY}.${kind}.hbs`))), { noEscape: kind === 'text' });
      this.entryTemplates.set(language, { text: part('text'), html: part('html') });
    }
    if (!this.entryTemplates.has(DEFAULT_MAIL_LANGUAGE)) throw new Error(`The mail template ${DEFAULT_MAIL_LANGUAGE}/${LIST_ENTRY} is missing`);
  }

  /** One contact-list entry in the language (text, and HTML with every value escaped). */
  listEntry(language: string, entry: ContactListEntryView): RenderedEntry {
    const known = this.entryTemplates.get(language as Language);
    const template = known ?? this.entryTemplates.get(DEFAULT_MAIL_LANGUAGE);
    if (!template) throw new Error(`No mail template ${LIST_ENTRY}`);
    const root = { ...entry, language: known ? language : DEFAULT_MAIL_LANGUAGE };
    const rendered: RenderedEntry = Object.freeze({ text: template.text(root), html: template.html(root) });
    this.issued.add(rendered);
    return rendered;
  }

  /** Entries rendered by listEntry, in the order given, for a list or a correction. */
  listEntries(entries: readonly RenderedEntry[]): RenderedEntries {
    if (!entries.every((entry) => this.issued.has(entry))) throw new Error('List entries must be rendered by MailTemplates.listEntry');
    return renderedEntries(entries.map((entry) => entry.text).join(''), entries.map((entry) => entry.html).join(''), entries.length);
  }

  /** Renders a template in the language (Danish when the language has no such template). */
  render<N extends MailTemplateName>(name: N, language: string, data: MailTemplateData[N]): RenderedMail {
    const template = this.compiled.get(`${language}/${name}`) ?? this.compiled.get(`${DEFAULT_MAIL_LANGUAGE}/${name}`);
    if (!template) throw new Error(`No mail template ${name}`);
    const root = { ...data, language: template.language };
    const subject = template.subject(root).replace(/\s+/g, ' ').trim();
    return { subject, text: template.text(root), html: template.html({ ...root, subject }) };
  }

  private compile(language: Language, name: MailTemplateName): CompiledMail {
    const part = (kind: 'subject' | 'text' | 'html'): Handlebars.TemplateDelegate => {
      const source = read(join(language, `${name}.${kind}.hbs`));
      // Parsing now makes a syntax error fail at start; only the HTML part escapes HTML.
      return this.handlebars.compile(this.handlebars.parse(source), { noEscape: kind !== 'html' });
    };
    return { language, subject: part('subject'), text: part('text'), html: part('html') };
  }
}

function read(file: string): string {
  return readFileSync(join(TEMPLATES_DIR, file), 'utf8');
}
