import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../../contracts/events/domain-event';
import type { ActorRole, EventMetadata, NewEvent } from '../../contracts/events/event-envelope';
import { type AppendResult, type EventStore, WrongExpectedRevisionError } from './event-store.port';

/** How a stream's events fold into the state a decision needs. */
export interface Evolver<State> {
  initialState: State;
  evolve(state: State, event: DomainEvent): State;
}

/** Who caused a command: the role, and the request's correlation id. */
export interface CommandContext {
  actorRole: ActorRole;
  correlationId: string;
  now: Date;
}

/** Current schema version of every stored event type; a breaking change bumps it and adds an upcaster. */
const SCHEMA_VERSION = 1;

export function toNewEvents(events: readonly DomainEvent[], context: CommandContext): NewEvent[] {
  const metadata: EventMetadata = { correlationId: context.correlationId, actorRole: context.actorRole, occurredAt: context.now.toISOString() };
  return events.map((event) => ({ id: randomUUID(), type: event.type, schemaVersion: SCHEMA_VERSION, data: event.data, metadata }));
}

export async function loadState<State>(store: EventStore, streamId: string, evolver: Evolver<State>): Promise<{ state: State; revision: number }> {
  const events = await store.readStream(streamId);
  const state = events.reduce((current, event) => evolver.evolve(current, event), evolver.initialState);
  return { state, revision: events.length - 1 };
}

/**
 * The shape of every command handler: load the stream, fold it, decide, append with the
 * revision that was read (a concurrent change makes the append fail with a conflict, 409).
 */
export function handleCommand<State>(
  store: EventStore,
  streamId: string,
  evolver: Evolver<State>,
  decide: (state: State) => DomainEvent[],
  context: CommandContext,
): Promise<{ state: State; events: DomainEvent[]; result?: AppendResult }> {
  return handlePreparedCommand(store, streamId, evolver, { prepare: async () => undefined, decide: (state) => decide(state) }, context);
}

/**
 * handleCommand for decisions that need I/O on the loaded state first (e.g. sealing personal
 * data under the member's key): `prepare` runs between folding and the pure decide.
 */
export async function handlePreparedCommand<State, Prepared>(
  store: EventStore,
  streamId: string,
  evolver: Evolver<State>,
  steps: { prepare(state: State): Promise<Prepared>; decide(state: State, prepared: Prepared): DomainEvent[] },
  context: CommandContext,
): Promise<{ state: State; events: DomainEvent[]; result?: AppendResult }> {
  const { state, revision } = await loadState(store, streamId, evolver);
  const events = steps.decide(state, await steps.prepare(state));
  if (events.length === 0) return { state, events };
  const result = await store.append(streamId, toNewEvents(events, context), revision < 0 ? 'no_stream' : revision);
  return { state: events.reduce((current, event) => evolver.evolve(current, event), state), events, result };
}

/**
 * Runs a command again when its append lost a race (WrongExpectedRevisionError), at most `tries`
 * times in all: for commands whose decision on the new state is what the caller wants anyway and
 * that do nothing but append (many members answering one meet-up; an unsubscribe link clicked
 * while something else changes the member).
 */
export async function retryOnConflict<T>(tries: number, command: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await command();
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= tries) throw error;
    }
  }
}
