import type { Language } from '../events/membership.events';
import version1 from './1.json';

export interface ConsentText {
  version: string;
  texts: Record<Language, string>;
}

/**
 * Every consent text ever offered, oldest first. A version is never edited or removed once
 * published: members who accepted it keep it. A new wording is a new file and a new entry.
 */
export const CONSENT_TEXTS: readonly ConsentText[] = [version1];

export const currentConsentText = (): ConsentText => CONSENT_TEXTS[CONSENT_TEXTS.length - 1];

export const isKnownConsentVersion = (version: string): boolean => CONSENT_TEXTS.some((text) => text.version === version);
