import type { DomainEvent } from './domain-event';

/**
 * Stream of one request a person made under their data-protection rights: `rights-request-<requestId>`.
 * The id is random. The events hold no free text and no personal data: at most a member id.
 */
export const rightsRequestStream = (requestId: string): string => `rights-request-${requestId}`;

/** The rights of GDPR Art. 15-18, 20, 21 and the withdrawal of consent (Art. 7(3)). */
export const RIGHTS = ['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection', 'withdrawal'] as const;
export type Right = (typeof RIGHTS)[number];

export const REQUEST_CHANNELS = ['letter', 'email', 'phone', 'in-person'] as const;
export type RequestChannel = (typeof REQUEST_CHANNELS)[number];

/** Art. 12(3): a complex request, or many requests, allow two further months. */
export const EXTENSION_REASONS = ['complex', 'many-requests'] as const;
export type ExtensionReason = (typeof EXTENSION_REASONS)[number];

export const REQUEST_OUTCOMES = ['fulfilled', 'refused', 'withdrawn-by-requester'] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];

/** Dates (receivedAt, dueBy) are calendar dates in Denmark, YYYY-MM-DD. */
export type RightsRequestRecorded = DomainEvent<
  'RightsRequestRecorded',
  { requestId: string; memberId?: string; right: Right; channel: RequestChannel; receivedAt: string; dueBy: string }
>;
export type RightsRequestExtended = DomainEvent<'RightsRequestExtended', { requestId: string; reason: ExtensionReason; dueBy: string; extendedAt: string }>;
export type RightsRequestCompleted = DomainEvent<'RightsRequestCompleted', { requestId: string; outcome: RequestOutcome; completedAt: string }>;

export type RightsRequestEvent = RightsRequestRecorded | RightsRequestExtended | RightsRequestCompleted;
