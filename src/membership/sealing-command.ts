import type { DomainEvent } from '../../contracts/events/domain-event';
import { memberStream } from '../../contracts/events/membership.events';
import { type KeyVault, SubjectErasedError } from '../crypto/key-vault';
import { conflict } from '../domain/domain-error';
import { type CommandContext, handlePreparedCommand } from '../event-store/command-handling';
import type { EventStore } from '../event-store/event-store.port';
import { type MemberState, memberEvolver } from './member';

/** handlePreparedCommand on a member's stream: `prepare` checks the state, then seals. */
export function handleSealingCommand<Prepared>(
  store: EventStore,
  memberId: string,
  steps: {
    prepare(state: MemberState): Promise<Prepared>;
    decide(state: MemberState, prepared: Prepared): DomainEvent[];
  },
  context: CommandContext,
): Promise<{ state: MemberState; events: DomainEvent[] }> {
  return handlePreparedCommand(store, memberStream(memberId), memberEvolver, steps, context);
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
