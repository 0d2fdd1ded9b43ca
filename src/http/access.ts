import { SetMetadata } from '@nestjs/common';
import type { StaffRole } from '../config/app-config';

/** Who may call a route. Every route declares one; a route without is refused (fail closed). */
export type AccessRule = { kind: 'public' } | { kind: 'staff'; roles: readonly StaffRole[] } | { kind: 'member' };

export const ACCESS_RULE = 'access-rule';

/** Anyone, without credentials. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);

/** Staff with an API key of one of these roles. */
export const StaffOnly = (...roles: StaffRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_RULE, { kind: 'staff', roles } satisfies AccessRule);

/** A member signed in through an emailed link (a session token): the route serves that member only. */
export const MemberOnly = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, { kind: 'member' } satisfies AccessRule);
