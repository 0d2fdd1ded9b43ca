import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fill } from './i18n';

/** Copied next to the compiled code by nest-cli.json's assets, so this works from src/ and dist/. */
const VIEWS_DIR = join(__dirname, 'views');

export const VIEW_NAMES = ['join', 'verify', 'sign-in', 'sign-in-confirm', 'overview', 'recipients', 'details', 'consent', 'list', 'erase', 'message', 'consent-hand-over'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

/**
 * The pages' handlebars views: src/web/views/<name>.hbs inside views/layout.hbs, with the
 * partials of views/partials/. All are compiled once, when the service starts, so a broken view
 * stops the start rather than a visitor's page. Everything is HTML-escaped.
 *
 * Helpers: `{{fill text name=value}}` fills a text's `{name}` places; `{{describedBy id hint error}}`
 * writes the aria-describedby of a field that has a hint or an error.
 */
@Injectable()
export class WebViews {
  private readonly handlebars = Handlebars.create();
  private readonly views = new Map<ViewName, Handlebars.TemplateDelegate>();

  constructor() {
    const compile = (file: string) => this.handlebars.compile(this.handlebars.parse(readFileSync(file, 'utf8')));
    this.handlebars.registerPartial('layout', compile(join(VIEWS_DIR, 'layout.hbs')));
    for (const file of readdirSync(join(VIEWS_DIR, 'partials'))) this.handlebars.registerPartial(basename(file, '.hbs'), compile(join(VIEWS_DIR, 'partials', file)));
    this.handlebars.registerHelper('fill', (text: unknown, options: Handlebars.HelperOptions) => fill(String(text), options.hash as Record<string, string>));
    this.handlebars.registerHelper('describedBy', (id: unknown, hint: unknown, error: unknown) => {
      const ids = [hint ? `${String(id)}-hint` : '', error ? `${String(id)}-error` : ''].filter(Boolean).join(' ');
      return ids ? new Handlebars.SafeString(` aria-describedby="${Handlebars.escapeExpression(ids)}"`) : '';
    });
    for (const name of VIEW_NAMES) this.views.set(name, compile(join(VIEWS_DIR, `${name}.hbs`)));
  }

  render(name: ViewName, model: object): string {
    const view = this.views.get(name);
    if (!view) throw new Error(`No web view ${name}`);
    return view(model);
  }
}
