import { LANGUAGES } from '../../../contracts/commands/join-network.dto';
import type { Language } from '../../../contracts/events/membership.events';
import { type WebTexts, da } from './da';
import { en } from './en';
import { nb } from './nb';
import { sv } from './sv';

export type { WebTexts };

/** Every page exists in these languages; Danish is the default. */
export const TEXTS: Record<Language, WebTexts> = { da, sv, nb, en };
export const DEFAULT_LANGUAGE: Language = 'da';
export { LANGUAGES };

/** A language code a visitor chose (a query, a form field), if it is one of ours. */
export function chosenLanguage(value: unknown): Language | undefined {
  return LANGUAGES.find((language) => language === value);
}

/** Fills the `{name}` places of a text. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (place, name: string) => (name in values ? String(values[name]) : place));
}
