import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PatientAssociation } from '../../contracts/events/diagnosis.events';
import type { Language } from '../../contracts/events/membership.events';

/** Copied next to the compiled code by nest-cli.json's assets, so this works from src/ and dist/. */
const TEMPLATES_DIR = join(__dirname, 'templates');

export const MAIL_LANGUAGES: readonly Language[] = ['da', 'sv', 'nb', 'en'];
/** Danish is every template's fallback. */
export const DEFAULT_MAIL_LANGUAGE: Language = 'da';

const LOCALES: Record<Language, string> = { da: 'da-DK', sv: 'sv-SE', nb: 'nb-NO', en: 'en-GB' };

/** What each template needs. Everything is escaped in the HTML part; nothing in the text part. */
export interface MailTemplateData {
  verification: { name: string; link: string; expiresAt: string; emailChange: boolean; contactEmail: string };
  referral: { name: string; diagnosisName: string; association: PatientAssociation | null; contactEmail: string };
  'not-rare': { name: string; diagnosisName: string; contactEmail: string };
}
export type MailTemplateName = keyof MailTemplateData;
export const MAIL_TEMPLATE_NAMES: readonly MailTemplateName[] = ['verification', 'referral', 'not-rare'];

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
 * mail's language, in Danish time.
 */
@Injectable()
export class MailTemplates {
  private readonly handlebars = Handlebars.create();
  private readonly compiled = new Map<string, CompiledMail>();

  constructor() {
    this.handlebars.registerPartial('layout', this.handlebars.compile(this.handlebars.parse(read('layout.html.hbs'))));
    this.handlebars.registerHelper('datetime', (value: unknown, options: Handlebars.HelperOptions) => {
      const language = (options.data as { root: { language: Language } }).root.language;
      const time = new Date(String(value));
      if (Number.isNaN(time.getTime())) return String(value);
      return new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Copenhagen' }).format(time);
    });
    for (const name of MAIL_TEMPLATE_NAMES) {
      for (const language of MAIL_LANGUAGES) {
        if (existsSync(join(TEMPLATES_DIR, language, `${name}.subject.hbs`))) this.compiled.set(`${language}/${name}`, this.compile(language, name));
      }
      if (!this.compiled.has(`${DEFAULT_MAIL_LANGUAGE}/${name}`)) throw new Error(`The mail template ${DEFAULT_MAIL_LANGUAGE}/${name} is missing`);
    }
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
