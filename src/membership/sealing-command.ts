import type { DomainEvent } from '../../contracts/events/domain-event';
import { memberStream } from '../../contracts/events/membership.events';
import { type KeyVault, SubjectErasedError } from '../crypto/key-vault';
import { conflict } from '../domain/domain-error';
import { type CommandContext, loadState, toNewEvents } from '../event-store/command-handling';
import type { EventStore } from '../event-store/event-store.port';
import { evolveMember, type MemberState, memberEvolver } from './member';

/**
 * handleCommand (src/event-store/command-handling.ts) for member commands whose events carry
 * sealed values, which need I/O between loading and deciding: load and fold the member's stream,
 * `prepare` (check the command against the state first, so nothing is sealed for a member who
 * does not exist, then seal), decide (pure), append at the revision that was read. A concurrent
 * change makes the append fail with WrongExpectedRevisionError (409).
 */
export async function handleSealingCommand<Prepared>(
  store: EventStore,
  memberId: string,
  steps: {
    prepare(state: MemberState): Promise<Prepared>;
    decide(state: MemberState, prepared: Prepared): DomainEvent[];
  },
  context: CommandContext,
): Promise<{ state: MemberState; events: DomainEvent[] }> {
  const streamId = memberStream(memberId);
  const { state, revision } = await loadState(store, streamId, memberEvolver);
  const prepared = await steps.prepare(state);
  const events = steps.decide(state, prepared);
  if (events.length === 0) return { state, events };
  await store.append(streamId, toNewEvents(events, context), revision < 0 ? 'no_stream' : revision);
  return { state: events.reduce(evolveMember, state), events };
}

/** Seals a value under the member's key; a member whose key was shredded (erased) is a conflict. */
export async function sealForMember<T>(vault: KeyVault, memberId: string, value: T): Promise<string> {
  try {
    return await vault.seal(memberId, value);
  } catch (error) {
    if (error instanceof SubjectErasedError) throw conflict('member-erased', 'The member has been erased.');
    throw error;
  }
}
