import { Matches } from 'class-validator';

/** A member id: a random uuid (lower case, as the service makes them). */
export const MEMBER_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Validates a member id field of a command or query. */
export const IsMemberId = (): PropertyDecorator => Matches(MEMBER_ID_PATTERN, { message: 'must be a member id (uuid)' });
