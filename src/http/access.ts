import { SetMetadata } from '@nestjs/common';
import type { StaffRole } from '../config/app-config';

/** Who may call a route. Every route declares one; a route without is refused (fail closed). */
export type AccessRule = { kind: 'public' } | { kind: 'staff'; roles: readonly StaffRole[] } | { kind: 'member' } | { kind: 'member-page' } | { kind: 'metrics' };

export const ACCESS_RULE = 'access-rule';

/** Anyone, without credentials. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);

/** Staff with an API key of one of these roles. */
export const StaffOnly = (...roles: StaffRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_RULE, { kind: 'staff', roles } satisfies AccessRule);

/** A member signed in through an emailed link (a session token): the route serves that member only. */
export const MemberOnly = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, { kind: 'member' } satisfies AccessRule);

/**
 * A self-service web page: the member's session comes in the session cookie the sign-in page set
 * (src/web/web-cookies.ts), never as a Bearer token; and only these routes read that cookie.
 */
export const MemberPage = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, { kind: 'member-page' } satisfies AccessRule);

/** The Prometheus scraper: the bearer token is METRICS_TOKEN, and the route shows no personal data. */
export const MetricsScraper = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, { kind: 'metrics' } satisfies AccessRule);
