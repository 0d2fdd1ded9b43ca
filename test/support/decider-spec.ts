import type { DomainEvent } from '../../contracts/events/domain-event';
import { DomainError } from '../../src/domain/domain-error';
import type { Evolver } from '../../src/event-store/command-handling';

/**
 * given(history).when(decision).then(events) for decide functions: folds the history with the
 * stream's evolver, runs the decision, and compares WHOLE events (or the broken rule).
 */
export function given<State>(evolver: Evolver<State>, history: DomainEvent[] = []) {
  const state = history.reduce(evolver.evolve, evolver.initialState);
  return {
    when(decide: (state: State) => DomainEvent[]) {
      return {
        then(expected: DomainEvent[]): void {
          expect(decide(state)).toEqual(expected);
        },
        thenFails(expected: { kind: DomainError['kind']; rule: string; field?: string }): void {
          let error: unknown;
          try {
            decide(state);
          } catch (caught) {
            error = caught;
          }
          expect(error).toBeInstanceOf(DomainError);
          expect({ kind: (error as DomainError).kind, rule: (error as DomainError).rule, field: (error as DomainError).field }).toEqual({
            field: undefined,
            ...expected,
          });
        },
      };
    },
  };
}
