import { join } from 'node:path';
import { ContactListSender } from '../../src/contact-lists/contact-list-sender';
import { MailingSender } from '../../src/mailings/mailing-sender';
import { fileSink, Network } from './network';
import { quiet, senderInHand } from './settle';
import { SECRETARIAT_KEY, startTestApp, type TestApp } from './test-app';

/**
 * Several specs compare the database or the log once `quiet` returns, so it must not return while
 * a sender has work: the senders look for it only every 250 or 500 ms, and the log can stand
 * still for a while before they do.
 */
describe('waiting until the service is quiet', () => {
  let service: TestApp;
  let network: Network;
  beforeAll(async () => {
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0' });
    network = new Network(service, fileSink(() => join(service.dataDir, 'mail')));
  });
  afterAll(() => service?.close());

  it('does not return while the contact-list sender has lists due, however long the log stands still', async () => {
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

  it('does not return while the mailing sender has a newsletter to send', async () => {
    const sender = service.app.get(MailingSender);
    await sender.onModuleDestroy();
    await network.join(4, { wantsNewsletter: true });
    const { newsletterId } = (await network.staff('compose-newsletter', { editions: { da: { subject: 'Nyhedsbrev', markdown: 'Hej' } } })).body;
    expect((await network.staff('send-newsletter', { newsletterId })).status).toBe(201);
    await expect(quiet(service, network.store, 2_000)).rejects.toThrow('did not settle');

    sender.onApplicationBootstrap();
    await quiet(service, network.store);
    const { sends } = (await network.call(`/newsletters/${newsletterId}`, undefined, SECRETARIAT_KEY)).body;
    expect(sends).toMatchObject({ waiting: false, pending: 0, sent: 1 });
  }, 60_000);
});
