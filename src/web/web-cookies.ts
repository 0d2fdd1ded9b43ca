import type { CookieOptions } from 'express';
import type { AppConfig } from '../config/app-config';

export interface WebCookie {
  name: string;
  options: CookieOptions;
}

/**
 * The web pages' two cookies. Over https they are Secure and carry the __Host- prefix, which
 * the browser accepts only from this host, on path /, over https: a sibling subdomain cannot
 * plant one (session fixation, CSRF cookie tossing). Plain http (development, the tests) gets
 * the same cookies without both.
 */
export function webCookies(config: AppConfig): { session: WebCookie; csrf: WebCookie } {
  const secure = new URL(config.PUBLIC_URL).protocol === 'https:';
  const prefix = secure ? '__Host-' : '';
  const base: CookieOptions = { httpOnly: true, secure, path: '/' };
  return {
    // Lax: a member following a link from their mailbox to a page arrives signed in.
    session: { name: `${prefix}sjn-session`, options: { ...base, sameSite: 'lax' } },
    csrf: { name: `${prefix}sjn-csrf`, options: { ...base, sameSite: 'strict' } },
  };
}
