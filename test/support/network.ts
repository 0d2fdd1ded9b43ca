import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port';
import { readMailFile } from './mail-sink';
import { SECRETARIAT_KEY, type TestApp } from './test-app';

/** A message as the recipient sees it, whichever transport carried it. */
export interface Message {
  key: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Dispatch {
  type: 'ContactListDispatched' | 'CorrectionDispatched' | 'DeletionNoticeDispatched';
  dispatchId: string;
  recipientId: string;
  subjectId?: string;
  reason?: string;
  listVersion?: number;
  listReference: string;
}

export interface Person {
  number: number;
  name: string;
  email: string;
  phone: string;
  street: string;
  greenlander: boolean;
  allowsGreenland: boolean;
  shares: string[];
  language: string;
}

const FIRST_NAMES = ['Åse', 'Søren', 'Þóra', 'Ægir', 'Ðalla', 'Øystein', 'Björk', 'Ingrid', 'Jón', 'Märta'];

/** The n-th person of a test: Danish unless n = 4 (in Greenland); odd numbers allow transfer to Greenland; 2 shares only email. */
export function personOf(n: number, tag: string): Person {
  const nn = String(n).padStart(2, '0');
  const greenlander = n === 4;
  return {
    number: n,
    name: `${FIRST_NAMES[n % FIRST_NAMES.length]} Ærø-Þórðardóttir ${nn}${tag}`,
    email: `m${nn}.${tag}@example.org`,
    phone: greenlander ? '+299321234' : `+45201122${nn}`,
    street: `Ølandsgade ${nn} ${tag}`,
    greenlander,
    allowsGreenland: n % 2 === 1,
    shares: n === 2 ? ['email'] : ['address', 'phone', 'email'],
    language: n === 6 ? 'sv' : n === 8 ? 'en' : 'da',
  };
}

export const signUpOf = (person: Person, diagnosisId: string) => ({
  role: 'patient',
  birthYear: 1980 + person.number,
  name: person.name,
  email: person.email,
  phone: person.phone,
  address: person.greenlander
    ? { street: person.street, postalCode: '3900', city: 'Nuuk', country: 'GL' }
    : { street: person.street, postalCode: '2300', city: 'København S', country: 'DK' },
  language: person.language,
  diagnosis: { diagnosisId },
  consent: { textVersion: '1', given: true, sharedFields: person.shares, allowTransferToGreenland: person.allowsGreenland },
});

/** What Network.mailAudit() finds; the lists hold dispatch ids or stream names. */
export interface MailAudit {
  messages: number;
  duplicates: number;
  mostCopies: number;
  /** Deliveries recorded with resent: true (the message may have gone out before a crash). */
  resent: number;
  duplicatedNotMarkedResent: string[];
  deliveredNotInSink: string[];
  streamsDispatchedTwice: string[];
}

/** The service a Network drives: in-process, or a child process reached by its URL beside the event store of its database. */
export type ServiceUnderTest = Pick<TestApp, 'url'> & (Pick<TestApp, 'app'> | { store: EventStore });

/**
 * Drives the service over HTTP the way its users do, and reads what it sent: every message is
 * matched to the dispatch event whose reference it prints (so the log never under-reports).
 */
export class Network {
  readonly people = new Map<number, Person & { memberId: string }>();
  diagnosisId = '';

  constructor(
    private readonly service: ServiceUnderTest,
    private readonly readMessages: () => Promise<Message[]>,
    readonly tag = randomUUID().slice(0, 6),
  ) {}

  get store(): EventStore {
    return 'store' in this.service ? this.service.store : this.service.app.get<EventStore>(EVENT_STORE);
  }

  async call(path: string, body?: unknown, key?: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await fetch(`${this.service.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  staff(name: string, body: unknown) {
    return this.call(`/commands/${name}`, body, SECRETARIAT_KEY);
  }

  async openGroup(): Promise<void> {
    const registered = await this.staff('register-diagnosis', { name: `Bardet-Biedl syndrom ${this.tag}`, orphaCode: 'ORPHA:110' });
    expect(registered.status).toBe(201);
    this.diagnosisId = registered.body.diagnosisId;
    await this.until('the group to open', async () => (await this.call('/diagnoses')).body.some((d: { diagnosisId: string }) => d.diagnosisId === this.diagnosisId));
  }

  /** Signs up on the web (with `extra` sign-up fields, e.g. opt-ins) and follows the link in the verification email. */
  async join(n: number, extra: Record<string, unknown> = {}): Promise<void> {
    const person = personOf(n, this.tag);
    const joined = await this.call('/commands/join-network', { ...signUpOf(person, this.diagnosisId), ...extra });
    expect(joined.status).toBe(202);
    const verified = await this.call('/commands/verify-email', { token: await this.verificationToken(person.email) });
    expect(verified.body).toEqual({ memberId: joined.body.memberId, status: 'admitted' });
    this.people.set(n, { ...person, memberId: joined.body.memberId });
  }

  /** Waits for the first verification mail to `email` and returns the token of its link. */
  async verificationToken(email: string, timeoutMs?: number): Promise<string> {
    const mail = await this.until(
      'a verification mail',
      async () => (await this.readMessages()).find((message) => message.to.includes(email) && /token=/.test(message.text)),
      timeoutMs,
    );
    return decodeURIComponent(/token=([^\s"&<]+)/.exec(mail.text)?.[1] ?? '');
  }

  person(n: number): Person & { memberId: string } {
    const person = this.people.get(n);
    if (!person) throw new Error(`no member ${n}`);
    return person;
  }

  /** Every event of these types in the log, in log order. */
  async eventsOfType(eventTypes: string[]): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (let after = 0n; ; ) {
      const batch = await this.store.readAll({ after, filter: { eventTypes }, maxCount: 5000 });
      if (batch.length === 0) return events;
      events.push(...batch);
      after = batch[batch.length - 1].position;
    }
  }

  async dispatches(): Promise<Map<string, Dispatch>> {
    const events = await this.eventsOfType(['ContactListDispatched', 'CorrectionDispatched', 'DeletionNoticeDispatched']);
    return new Map(events.map((event) => [(event.data as Dispatch).listReference, { ...(event.data as Dispatch), type: event.type as Dispatch['type'] }]));
  }

  /** Every contact-list message sent so far, with its dispatch; fails for a message the log does not know. */
  async sent(): Promise<Array<Message & { dispatch: Dispatch }>> {
    const [messages, dispatches] = await Promise.all([this.readMessages(), this.dispatches()]);
    return messages.flatMap((message) => {
      const references = message.text.match(/SN-[0-9A-Z]{8}/g);
      if (!references) return []; // a verification email
      const dispatch = dispatches.get(references[references.length - 1]);
      if (!dispatch) throw new Error(`a message in the sink has no dispatch record: ${message.key}`);
      return [{ ...message, dispatch }];
    });
  }

  /**
   * The sink and the log together: how many contact-list messages arrived; how many were extra
   * copies of a message (sent again after a crash), the most copies of one, and which duplicated
   * messages the log does not mark as resent; which dispatches the log records as delivered
   * although their message is not in the sink; and which dispatch streams hold more than one
   * dispatch. Fails for a message the log does not know (see sent()).
   */
  async mailAudit(): Promise<MailAudit> {
    const [sent, dispatches, deliveries, dispatchEvents] = await Promise.all([
      this.sent(),
      this.dispatches(),
      this.eventsOfType(['ContactListDelivered']),
      this.eventsOfType(['ContactListDispatched', 'CorrectionDispatched', 'DeletionNoticeDispatched', 'ListNoticeDispatched', 'ContactListViewed']),
    ]);
    const copies = countBy(sent.map((message) => message.dispatch.listReference));
    const delivered = new Map(deliveries.map((event) => [(event.data as { dispatchId: string }).dispatchId, (event.data as { resent: boolean }).resent]));
    const duplicated = [...dispatches.values()].filter((dispatch) => (copies.get(dispatch.listReference) ?? 0) > 1);
    return {
      messages: sent.length,
      duplicates: [...copies.values()].reduce((sum, count) => sum + count - 1, 0),
      mostCopies: Math.max(0, ...copies.values()),
      resent: [...delivered.values()].filter(Boolean).length,
      duplicatedNotMarkedResent: duplicated.filter((dispatch) => delivered.get(dispatch.dispatchId) !== true).map((dispatch) => dispatch.dispatchId),
      deliveredNotInSink: [...dispatches.values()].filter((dispatch) => delivered.has(dispatch.dispatchId) && !copies.has(dispatch.listReference)).map((dispatch) => dispatch.dispatchId),
      streamsDispatchedTwice: [...countBy(dispatchEvents.map((event) => event.streamId))].filter(([, count]) => count > 1).map(([stream]) => stream),
    };
  }

  /** The newest list each member has received, by member number. */
  async latestLists(): Promise<Map<number, Message & { dispatch: Dispatch }>> {
    const lists = (await this.sent()).filter((message) => message.dispatch.type === 'ContactListDispatched');
    const latest = new Map<number, Message & { dispatch: Dispatch }>();
    for (const [n, person] of this.people) {
      const own = lists.filter((message) => message.dispatch.recipientId === person.memberId).sort((a, b) => (a.dispatch.listVersion ?? 0) - (b.dispatch.listVersion ?? 0));
      if (own.length > 0) latest.set(n, own[own.length - 1]);
    }
    return latest;
  }

  /** Who a member's list must show: every other active member, and for a member in Greenland only those who allowed it. */
  expectedOn(n: number, active: number[]): number[] {
    const recipient = this.person(n);
    return active.filter((other) => other !== n && (!recipient.greenlander || this.person(other).allowsGreenland));
  }

  /** Waits until every active member's newest list shows exactly whom it should. */
  async listsSettle(active: number[]): Promise<Map<number, Message & { dispatch: Dispatch }>> {
    const everyone = [...this.people.keys()];
    const wrong = async () => {
      const latest = await this.latestLists();
      return active.filter((n) => {
        const list = latest.get(n);
        if (!list) return true;
        const shown = everyone.filter((other) => other !== n && list.text.includes(this.person(other).name));
        return shown.join() !== this.expectedOn(n, active).join();
      });
    };
    await this.until('every list to show the right members', async () => (await wrong()).length === 0, 40_000);
    return this.latestLists();
  }

  async until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** A member's personal values as they could appear in a message. */
  valuesOf(n: number): string[] {
    const person = this.person(n);
    return [person.name, person.email, person.phone, person.street];
  }
}

function countBy(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/** Reads the file sink, parsing each .eml once. */
export function fileSink(directory: () => string): () => Promise<Message[]> {
  const parsed = new Map<string, Message>();
  return async () => {
    const files = (await readdir(directory()).catch(() => [] as string[])).filter((file) => file.endsWith('.eml') && !parsed.has(file));
    for (const mail of await Promise.all(files.map((file) => readMailFile(directory(), file)))) {
      parsed.set(mail.file, { key: mail.file, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    }
    return [...parsed.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  };
}
