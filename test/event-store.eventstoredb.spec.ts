import { EventStoreDbEventStore } from '../src/event-store/eventstoredb/eventstoredb-event-store';
import type { EventStore } from '../src/event-store/event-store.port';
import { eventStoreContract } from './event-store.contract';
import { testEvent, uniquePrefix } from './support/events';

// The contract suite runs against a real EventStoreDB/KurrentDB server when one is configured
// (see infra/ for starting one; a cluster's connection string names several nodes). No such
// server can run on the development machines, so there the suite is skipped, and says so loudly
// rather than passing in silence.
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  describe('event store contract: eventstoredb', () => {
    let store: EventStore;
    eventStoreContract({
      open: async () => (store = EventStoreDbEventStore.fromConnectionString(connectionString)),
      close: () => store.close(),
    });
  });

  describe('eventstoredb: idempotent appends', () => {
    let store: EventStore;
    beforeAll(() => (store = EventStoreDbEventStore.fromConnectionString(connectionString)));
    afterAll(() => store.close());

    // What the adapter's retries rely on: the server recognises events it already holds by their ids.
    it.each(['no_stream', 0] as const)('writes a repeated append (expected %p, same event ids) once', async (expected) => {
      const streamId = `${uniquePrefix()}idempotent`;
      if (expected === 0) await store.append(streamId, [testEvent('First')], 'no_stream');
      const events = [testEvent('Repeated'), testEvent('Repeated')];

      const first = await store.append(streamId, events, expected);
      const again = await store.append(streamId, events, expected);

      expect(again).toEqual(first);
      expect((await store.readStream(streamId)).filter((event) => event.type === 'Repeated').map((event) => event.id)).toEqual(events.map((event) => event.id));
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
