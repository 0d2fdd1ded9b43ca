import { join } from 'node:path';
import { ContactListSender } from '../../src/contact-lists/contact-list-sender';
import { fileSink, Network } from './network';
import { quiet, senderInHand } from './settle';
import { startTestApp, type TestApp } from './test-app';

/**
 * Several specs compare the database or the log once `quiet` returns, so it must not return while
 * the contact-list sender has lists to send: the sender looks for due work only every 250 ms, and
 * the log can stand still for a while before it does.
 */
describe('waiting until the service is quiet', () => {
  let service: TestApp;
  afterAll(() => service?.close());

  it('does not return while the contact-list sender has lists due, however long the log stands still', async () => {
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0' });
    const network = new Network(service, fileSink(() => join(service.dataDir, 'mail')));
    const listsTo = async (n: number) => (await network.eventsOfType(['ContactListDispatched'])).filter((event) => (event.data as { recipientId: string }).recipientId === network.person(n).memberId);
    await network.openGroup();
    for (const n of [1, 2]) await network.join(n);
    await quiet(service, network.store);

    // With the sender stopped, the third member's lists stay due: the log is still, the work is not done.
    const sender = service.app.get(ContactListSender);
    await sender.stop();
    await network.join(3);
    await expect(quiet(service, network.store, 2_000)).rejects.toThrow('did not settle');
    expect(await listsTo(3)).toEqual([]);

    sender.start();
    await quiet(service, network.store);
    expect(await listsTo(3)).toHaveLength(1);
    expect(await senderInHand(service.database.pool)).toBe(0);
  }, 60_000);
});
