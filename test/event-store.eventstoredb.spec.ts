import { EventStoreDbEventStore } from '../src/event-store/eventstoredb/eventstoredb-event-store';
import type { EventStore } from '../src/event-store/event-store.port';
import { eventStoreContract } from './event-store.contract';

// The contract suite runs against a real EventStoreDB/KurrentDB server when one is configured
// (see infra/ for starting one). No such server can run on the development machines, so there
// the suite is skipped, and says so loudly rather than passing in silence.
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  describe('event store contract: eventstoredb', () => {
    let store: EventStore;
    eventStoreContract({
      open: async () => (store = EventStoreDbEventStore.fromConnectionString(connectionString)),
      close: () => store.close(),
    });
  });
} else {
  process.stderr.write(
    '\n*** SKIPPED: event store contract against EventStoreDB — EVENTSTORE_CONNECTION_STRING is not set. ***\n' +
      '*** Start a server (infra/README.md) and set it, e.g. esdb://localhost:2113?tls=false, to run it. ***\n\n',
  );
  describe('event store contract: eventstoredb', () => {
    it.skip('SKIPPED: EVENTSTORE_CONNECTION_STRING is not set, no EventStoreDB server to test against', () => undefined);
  });
}
