import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { AppConfig } from '../../config/app-config';
import type { RequestWithCaller } from '../../http/access.guard';
import type { EmailClaims } from '../../membership/email-claims';

/** The sign-in throttlers by name: a route leaves one out with @SkipThrottle({ [name]: true }). */
export const PER_CLIENT = 'per-client';
export const PER_ADDRESS = 'per-address';

/**
 * The rate limits of the routes that mail a link to an address anyone can type (they are the only
 * routes with the ThrottlerGuard: the sign-in routes and the sign-ups, API and web form): per
 * client (IP address) on each route, and per email address on POST /me/login-link, so that nobody
 * can flood one person's inbox from many addresses. The address is tracked by its keyed digest
 * (EmailClaims.digest), never held as itself.
 *
 * The counters live in PostgreSQL (PostgresThrottlerStorage), so all instances share each limit
 * and a restart forgets none. Behind a proxy the client is the proxy unless Express is told to
 * trust it ('trust proxy').
 */
export function signInThrottlerOptions(config: AppConfig, claims: EmailClaims): ThrottlerModuleOptions {
  const ttl = config.SIGN_IN_LIMIT_WINDOW_SECONDS * 1000;
  return {
    throttlers: [
      { name: PER_CLIENT, ttl, limit: config.SIGN_IN_LIMIT_PER_CLIENT },
      {
        name: PER_ADDRESS,
        ttl,
        limit: config.SIGN_IN_LIMIT_PER_ADDRESS,
        // A body without an address is refused by validation after the guards: only the client limit counts it.
        skipIf: (context) => requestedAddress(context) === undefined,
        getTracker: (_request, context) => claims.digest(requestedAddress(context) ?? ''),
        // One count per address across the routes that mail a link (the API's and the sign-in page's).
        generateKey: (_context, tracker, name) => `${name}:${tracker}`,
      },
    ],
  };
}

function requestedAddress(context: ExecutionContext): string | undefined {
  const email = context.switchToHttp().getRequest<{ body?: { email?: unknown } }>().body?.email;
  return typeof email === 'string' ? email : undefined;
}

/**
 * The ThrottlerGuard, adding the standard Retry-After to a 429 (named throttlers set only
 * Retry-After-<name>). Staff on a public route (a paper sign-up the secretariat enters) are not
 * the public the limits are for.
 */
@Injectable()
export class SignInThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const { caller } = context.switchToHttp().getRequest<RequestWithCaller>();
    return caller?.role === 'secretariat' || caller?.role === 'dpo' || super.shouldSkip(context);
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    this.setResponseHeader(this.getRequestResponse(context).res, 'Retry-After', detail.timeToBlockExpire);
    await super.throwThrottlingException(context, detail);
  }
}
