import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../contracts/events/event-envelope';

/** A test event with realistic metadata; `data` defaults to a small object. */
export function testEvent(type = 'TestHappened', data: unknown = { n: 1 }): NewEvent {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: { correlationId: randomUUID(), actorRole: 'system', occurredAt: '2026-11-29T12:00:00.000Z' },
  };
}

/** A stream prefix unique to one test, so tests can share a store that is not empty. */
export function uniquePrefix(): string {
  return `test${randomUUID().slice(0, 8)}-`;
}
