import startSesEmulator from 'aws-ses-v2-local';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../test/support/service-process';
import { MailRejectedError, type OutgoingMail } from './mail-transport';
import { SesMailTransport } from './ses-mail-transport';

/** The emulator accepts any credentials; these are passed explicitly so nothing is read from the environment. */
const DUMMY_CREDENTIALS = { accessKeyId: 'AKIDLOCALEMULATOR', secretAccessKey: 'local-emulator-secret' };
const FROM = 'netvaerket@sjaeldnediagnoser.dk';

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

const message: OutgoingMail = {
  to: 'sigrun@example.no',
  subject: 'Bekreft e-postadressen din – Sigrún Þórðardóttir, Ærø, Åse, Øster',
  text: 'Hei Sigrún Þórðardóttir!\n\næøå ÆØÅ þð\nhttp://localhost:3000/verify?token=abc.def\n',
  html: '<!DOCTYPE html><html lang="nb"><body><p>Hei Sigrún Þórðardóttir!</p><p>æøå ÆØÅ þð</p></body></html>',
  headers: { 'Auto-Submitted': 'auto-generated' },
};

describe('the SES mail transport (against aws-ses-v2-local)', () => {
  let emulator: Server;
  let endpoint: string;
  const transports: SesMailTransport[] = [];
  const transport = (options: { endpoint?: string } = {}): SesMailTransport => {
    const created = new SesMailTransport({ region: 'eu-north-1', endpoint, from: FROM, credentials: DUMMY_CREDENTIALS, ...options });
    transports.push(created);
    return created;
  };
  const stored = async (): Promise<StoredEmail[]> => ((await (await fetch(`${endpoint}/store`)).json()) as { emails: StoredEmail[] }).emails;

  beforeAll(async () => {
    emulator = await startSesEmulator({ host: '127.0.0.1', port: 0 });
    endpoint = `http://127.0.0.1:${(emulator.address() as AddressInfo).port}`;
  });
  beforeEach(async () => {
    await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  });
  afterAll(async () => {
    for (const created of transports) created.onApplicationShutdown();
    emulator.closeAllConnections();
    await new Promise((resolve) => emulator.close(resolve));
  });

  it('sends the composed message with SendRawEmail', async () => {
    const { providerMessageId } = await transport().send(message);

    const emails = await stored();
    expect(emails).toHaveLength(1);
    expect(emails[0]).toEqual(
      expect.objectContaining({ messageId: providerMessageId, from: FROM, destination: expect.objectContaining({ to: [message.to] }), subject: message.subject }),
    );
    expect(emails[0].body.text?.trim()).toBe(message.text.trim());
    expect(emails[0].body.html).toBe(message.html);
  });

  it('tries once and leaves retrying to its caller', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const failure = await transport({ endpoint: closed })
      .send(message)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(MailRejectedError);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await stored()).toEqual([]);
  });
});
