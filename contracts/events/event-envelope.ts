/**
 * The envelope every stored event shares. Stored type names are stable strings that never
 * change; a breaking change of an event's data adds a new schemaVersion and an upcaster.
 *
 * Nothing in an envelope outside encrypted fields of `data` may hold personal data: stream ids,
 * metadata and plain data fields carry only pseudonymous ids, codes and timestamps.
 */
export type ActorRole = 'public' | 'member' | 'secretariat' | 'dpo' | 'system';

export interface EventMetadata {
  /** Ties together everything caused by one incoming request or job. */
  correlationId: string;
  /** The id of the event or command that caused this event. */
  causationId?: string;
  actorRole: ActorRole;
  /** ISO-8601 time the fact happened, from the injected clock. */
  occurredAt: string;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** A unique id (uuid) that makes a retried append recognisable. */
  id: string;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  streamId: string;
  /** 0-based revision of the event inside its stream. */
  revision: number;
  /** Global position in the log: strictly increasing in commit order, not necessarily dense. */
  position: bigint;
  recordedAt: Date;
}
