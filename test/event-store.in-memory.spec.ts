import { InMemoryEventStore } from '../src/event-store/in-memory/in-memory-event-store';
import { eventStoreContract } from './event-store.contract';

describe('event store contract: in-memory', () => {
  eventStoreContract({
    open: async () => new InMemoryEventStore(),
    close: async () => undefined,
    beginHeldAppend: async (store, streamId, events) => {
      const pending = await (store as InMemoryEventStore).beginAppend(streamId, events, 'any');
      return { commit: async () => pending.commit() };
    },
  });
});
