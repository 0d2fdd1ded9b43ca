import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { doubleCsrf } from 'csrf-csrf';
import type { Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { KeyVault } from '../crypto/key-vault';
import { webCookies } from './web-cookies';

/** A form arrived without the token of a page this service served to the same browser. */
export class InvalidCsrfTokenException extends ForbiddenException {}

/**
 * CSRF protection of the pages' forms (csrf-csrf, double submit): each page sets a token in a
 * cookie and writes the same token into its forms (`_csrf`); a POST must bring both, equal, and
 * signed for this browser's member session (or for no session). Another site can make a browser
 * post a form, but it can read neither the cookie nor a page, so it cannot bring the token.
 *
 * The signing secret is derived from the master key (KeyVault.keyedDigest) rather than drawn at
 * random per process: every instance, and the same instance after a restart, accepts a form that
 * another one served, and there is no further secret to configure or lose.
 */
@Injectable()
export class CsrfTokens {
  private readonly csrf: ReturnType<typeof doubleCsrf>;

  constructor(config: AppConfig, vault: KeyVault) {
    const { session, csrf } = webCookies(config);
    const secret = vault.keyedDigest('web-csrf', 'forms');
    this.csrf = doubleCsrf({
      getSecret: () => secret,
      getSessionIdentifier: (request) => cookiesOf(request)[session.name] ?? '',
      cookieName: csrf.name,
      cookieOptions: csrf.options,
      getCsrfTokenFromRequest: (request) => {
        const token = (request.body as Record<string, unknown> | undefined)?._csrf;
        return typeof token === 'string' ? token : undefined;
      },
    });
  }

  /** The token for a page's forms; sets (or keeps) the browser's cookie. */
  token(request: Request, response: Response): string {
    return this.csrf.generateCsrfToken(request, response);
  }

  isValid(request: Request): boolean {
    return this.csrf.validateRequest(request);
  }
}

/** Refuses a form post without a valid CSRF token (403, shown as "the form has expired"). */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly tokens: CsrfTokens) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.tokens.isValid(context.switchToHttp().getRequest<Request>())) throw new InvalidCsrfTokenException();
    return true;
  }
}

function cookiesOf(request: Request): Record<string, string | undefined> {
  return (request.cookies as Record<string, string> | undefined) ?? {};
}
