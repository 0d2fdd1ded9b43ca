import type { Message, Network } from './network';
import type { TestApp } from './test-app';

export interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The link of a sign-in mail, with its token. */
const SIGN_IN_LINK = /\/me\/sign-in\?token=([^\s"&<]+)/;

/** A member's side of self-service over HTTP: asking for sign-in links, opening sessions, calling /me routes. */
export class SelfService {
  /** Sign-in mails already taken, so each wait finds a new one. */
  private readonly used = new Set<string>();

  constructor(
    private readonly service: TestApp,
    private readonly network: Network,
    private readonly readMessages: () => Promise<Message[]>,
  ) {}

  async request(method: string, path: string, { bearer, body }: { bearer?: string; body?: unknown } = {}): Promise<Answer> {
    const response = await fetch(`${this.service.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  /** Waits until the member directory has applied everything in the log (a sign-in link goes only to a member it shows verified). */
  async directoryCaughtUp(): Promise<void> {
    const head = await this.network.store.headPosition();
    await this.network.until('the member directory to catch up', async () => {
      const { rows } = await this.service.database.pool.query<{ position: string }>(`SELECT position::text FROM projection_checkpoints WHERE name = 'member-directory'`);
      return rows[0] !== undefined && BigInt(rows[0].position) >= head;
    });
  }

  requestLink(email: string): Promise<Answer> {
    return this.request('POST', '/me/login-link', { body: { email } });
  }

  /** Every sign-in mail sent to the address so far. */
  async signInMails(email: string): Promise<Message[]> {
    return (await this.readMessages()).filter((message) => message.to.includes(email) && SIGN_IN_LINK.test(message.text));
  }

  /** Waits for a sign-in mail to the address that no earlier call returned. */
  async nextSignInMail(email: string): Promise<Message & { token: string }> {
    const mail = await this.network.until(`a sign-in mail`, async () => (await this.signInMails(email)).find((message) => !this.used.has(message.key)));
    this.used.add(mail.key);
    return { ...mail, token: decodeURIComponent(SIGN_IN_LINK.exec(mail.text)?.[1] ?? '') };
  }

  /** Asks for a link for member n, and returns the token of the link mailed to them. */
  async linkToken(n: number): Promise<string> {
    const person = this.network.person(n);
    await this.directoryCaughtUp();
    expect((await this.requestLink(person.email)).status).toBe(202);
    return (await this.nextSignInMail(person.email)).token;
  }

  exchange(token: string): Promise<Answer> {
    return this.request('POST', '/me/session', { body: { token } });
  }

  /** Signs member n in through an emailed link; returns their session token. */
  async signIn(n: number): Promise<string> {
    const session = await this.exchange(await this.linkToken(n));
    expect(session.status).toBe(201);
    return session.body.sessionToken;
  }
}
