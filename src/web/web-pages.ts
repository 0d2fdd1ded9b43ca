import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Language } from '../../contracts/events/membership.events';
import { AppConfig } from '../config/app-config';
import { CsrfTokens } from './csrf';
import { DEFAULT_LANGUAGE, LANGUAGES, TEXTS, chosenLanguage } from './i18n';
import { type ViewName, WebViews } from './web-views';

/** The member pages, in the order of their menu. */
export const MEMBER_MENU = ['overview', 'recipients', 'details', 'consent', 'list', 'erase'] as const;
export type MemberMenuItem = (typeof MEMBER_MENU)[number];

export interface PageOptions {
  language: Language;
  title: string;
  status?: number;
  /** A member page: shows the member menu with this item marked as the current page. */
  member?: MemberMenuItem;
  /** The page shows field errors (the title says so first, for screen readers). */
  hasErrors?: boolean;
  /** false: the page has a language switch of its own (the sign-up form's keeps what was typed). */
  languageLinks?: boolean;
}

/**
 * Sends pages: the layout's frame (language, texts, the CSRF token of the forms, the language
 * switch, the member menu) around a view's model. Pages are never cached: they carry a form token
 * and, on the member pages, personal data.
 */
@Injectable()
export class WebPages {
  constructor(
    private readonly views: WebViews,
    private readonly csrf: CsrfTokens,
    private readonly config: AppConfig,
  ) {}

  send(request: Request, response: Response, view: ViewName, options: PageOptions, model: object = {}): void {
    const { language, member } = options;
    const t = TEXTS[language];
    const frame = {
      language,
      t,
      title: options.title,
      hasErrors: options.hasErrors ?? false,
      csrfToken: this.csrf.token(request, response),
      contactEmail: this.config.MAIL_FROM,
      // The switch links a page to itself; a page answering a form has no address of its own to link.
      languageLinks: request.method === 'GET' && options.languageLinks !== false ? languageLinks(request, language) : undefined,
      memberNav: member ? MEMBER_MENU.map((item) => ({ href: `/me/${item}?lang=${language}`, label: t.member.nav[item], current: item === member })) : undefined,
    };
    response
      .status(options.status ?? 200)
      .setHeader('Cache-Control', 'no-store')
      .type('html')
      .send(this.views.render(view, { ...frame, ...model }));
  }
}

/** The language a visitor chose for this page (`?lang=`, or a form's `language`), if any. */
export function requestedLanguage(request: Request): Language | undefined {
  return chosenLanguage(request.query.lang) ?? chosenLanguage((request.body as Record<string, unknown> | undefined)?.language);
}

/** The page's language: the visitor's choice, else the given default (a member's own), else Danish. */
export function pageLanguage(request: Request, fallback: Language = DEFAULT_LANGUAGE): Language {
  return requestedLanguage(request) ?? fallback;
}

function languageLinks(request: Request, current: Language) {
  return LANGUAGES.map((code) => {
    const query = new URLSearchParams(request.query as Record<string, string>);
    query.set('lang', code);
    return { code, name: TEXTS[code].languageName, href: `${request.path}?${query.toString()}`, current: code === current };
  });
}
