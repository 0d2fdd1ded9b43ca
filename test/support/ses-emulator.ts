import startEmulator from 'aws-ses-v2-local';
import type { AddressInfo } from 'node:net';
import type { Message } from './network';

interface StoredSesEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

export interface SesEmulator {
  /** For SES_ENDPOINT. */
  endpoint: string;
  /** Every message the emulator took, keyed by its SES message id (headers are not kept by the emulator). */
  messages(): Promise<Message[]>;
  close(): Promise<void>;
}

/** The local SES emulator (aws-ses-v2-local) on a free port, with stand-in credentials in the environment until closed. */
export async function startSesEmulator(): Promise<SesEmulator> {
  const server = await startEmulator({ host: '127.0.0.1', port: 0 });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const saved: Record<string, string | undefined> = {};
  // The emulator takes any credentials; the SDK reads them from the environment.
  for (const [name, value] of Object.entries({ AWS_ACCESS_KEY_ID: 'AKIDLOCALEMULATOR', AWS_SECRET_ACCESS_KEY: 'local-emulator-secret' })) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  return {
    endpoint,
    async messages() {
      const { emails } = (await (await fetch(`${endpoint}/store`)).json()) as { emails: StoredSesEmail[] };
      return emails.map((email) => ({ key: email.messageId, to: email.destination.to.join(', '), subject: email.subject, text: email.body.text ?? '', html: email.body.html ?? '' }));
    },
    async close() {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
