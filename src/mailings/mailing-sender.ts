import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import type { Language, PersonalData } from '../../contracts/events/membership.events';
import { KeyVault } from '../crypto/key-vault';
import { MailRejectedError, MailTransport, mailFailureKind, sendWithRetries } from '../mail/mail-transport';
import { queueLetters } from '../print/print-queue';
import { AUDIENCE, DIRECTORY_HAS_SEEN_JOB, type DeliveryOutcome, MAILING_LETTER_SOURCE, type MailingKind } from './mailing';
import { MailingLetters } from './mailing-letters';

export interface MailingSenderOptions {
  /** How often to look for work when there was none. */
  pollIntervalMs: number;
  /** Waits between tries of one mail: [1000, 5000] makes 3 tries. */
  retryDelaysMs: readonly number[];
  /** How long to wait after a mail could not be sent (or the database failed) before trying again. */
  failurePauseMs: number;
}

export const DEFAULT_MAILING_SENDER_OPTIONS: MailingSenderOptions = { pollIntervalMs: 500, retryDelaysMs: [1_000, 5_000], failurePauseMs: 30_000 };
export const MAILING_SENDER_OPTIONS = Symbol('MailingSenderOptions');

/** The transport kept failing; says only what failed, never to whom. */
class MailingNotSentError extends Error {
  override readonly name = 'MailingNotSentError';
}

interface DueDelivery {
  kind: MailingKind;
  mailing_key: string;
  member_id: string;
  job_event_id: string;
  /** In the audience now; then the member's directory row (language, personal) was found too. */
  eligible: boolean;
  language: Language | null;
  personal: string | null;
}

/**
 * Sends the mailings that the mailing-jobs projection queued, in two steps, each in a
 * transaction of its own:
 *
 * 1. expand a job into one pending delivery per member of its audience (AUDIENCE), once the
 *    member directory has seen the job's event; a member gets each mailing once (its key, e.g.
 *    a meet-up invited again for more groups, is part of the delivery's primary key);
 * 2. send each pending delivery: the row is locked (FOR UPDATE SKIP LOCKED, so instances share
 *    the work and never send the same row at once), the audience is checked again, the mail
 *    handed to the transport, and the outcome written in the same transaction. A crash between
 *    the send and the commit sends that one mail again (at most once per crash); a transport
 *    that keeps failing leaves the row pending and pauses the sender. A member without email but
 *    with a postal address gets the mailing by post: its letter is queued in the print queue in
 *    that same transaction (status 'queued-for-post', letter_id), and printed and settled by
 *    MailingLetterSource.
 *
 * mailing_deliveries is the record of a mailing's sends. Personal data is opened only to
 * address and greet the member, never logged.
 */
@Injectable()
export class MailingSender implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MailingSender');
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly pool: Pool,
    private readonly vault: KeyVault,
    private readonly transport: MailTransport,
    private readonly letters: MailingLetters,
    @Inject(MAILING_SENDER_OPTIONS) private readonly options: MailingSenderOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Lets the mail in hand finish, then stops. */
  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let pauseMs = 0;
      try {
        if (!(await this.expandNextJob()) && !(await this.sendNextDelivery())) pauseMs = this.options.pollIntervalMs;
      } catch (error) {
        this.logger.warn(`paused: ${error instanceof MailingNotSentError ? error.message : mailFailureKind(error)}; trying again later`);
        pauseMs = this.options.failurePauseMs;
      }
      if (pauseMs > 0 && this.running) await this.sleep(pauseMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Turns the oldest ready job into its deliveries; false when there is none. */
  private expandNextJob(): Promise<boolean> {
    return this.inTransaction(async (client) => {
      const jobs = await client.query<{ event_id: string }>(
        `SELECT j.event_id FROM mailing_jobs j WHERE j.status = 'planned' AND ${DIRECTORY_HAS_SEEN_JOB}
         ORDER BY j.position LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      const job = jobs.rows[0];
      if (!job) return false;
      await client.query(
        `INSERT INTO mailing_deliveries (kind, mailing_key, member_id, job_event_id)
         SELECT j.kind, j.mailing_key, d.member_id, j.event_id FROM mailing_jobs j, member_directory d
         WHERE j.event_id = $1 AND ${AUDIENCE}
         ON CONFLICT DO NOTHING`,
        [job.event_id],
      );
      await client.query(`UPDATE mailing_jobs SET status = 'expanded' WHERE event_id = $1`, [job.event_id]);
      return true;
    });
  }

  /** Sends (or settles otherwise) one pending delivery; false when there is none. */
  private sendNextDelivery(): Promise<boolean> {
    return this.inTransaction(async (client) => {
      const due = await client.query<DueDelivery>(
        `SELECT x.kind, x.mailing_key, x.member_id::text, x.job_event_id, d.language, d.personal,
                coalesce(${AUDIENCE}, false) AS eligible
         FROM mailing_deliveries x
         JOIN mailing_jobs j ON j.event_id = x.job_event_id
         LEFT JOIN member_directory d ON d.member_id = x.member_id
         WHERE x.status = 'pending' AND ${DIRECTORY_HAS_SEEN_JOB}
         ORDER BY j.position, x.member_id LIMIT 1 FOR UPDATE OF x SKIP LOCKED`,
      );
      const delivery = due.rows[0];
      if (!delivery) return false;
      const { outcome, providerMessageId, letterId } = await this.deliver(delivery, client);
      await client.query(
        `UPDATE mailing_deliveries SET status = $4, provider_message_id = $5, letter_id = $6, settled_at = now()
         WHERE kind = $1 AND mailing_key = $2 AND member_id = $3`,
        [delivery.kind, delivery.mailing_key, delivery.member_id, outcome, providerMessageId, letterId ?? null],
      );
      return true;
    });
  }

  /** `client`: the delivery's transaction, in which a letter by post is queued. */
  private async deliver(delivery: DueDelivery, client: PoolClient): Promise<{ outcome: DeliveryOutcome; providerMessageId: string | null; letterId?: string }> {
    if (!delivery.eligible) return { outcome: 'not-eligible', providerMessageId: null };
    // Null once the member's key is shredded, even if the directory has not seen the erasure yet.
    const personal = await this.vault.open<PersonalData | null>(delivery.member_id, delivery.personal as string, null);
    if (!personal) return { outcome: 'not-eligible', providerMessageId: null };
    if (!personal.email) {
      if (!personal.address) return { outcome: 'no-email', providerMessageId: null };
      // Rendered from the member's sealed data when its print batch is downloaded (MailingLetterSource).
      const letterId = randomUUID();
      await queueLetters(client, [{ letterId, source: MAILING_LETTER_SOURCE, kind: delivery.kind, recipientId: delivery.member_id }], new Date());
      return { outcome: 'queued-for-post', providerMessageId: null, letterId };
    }
    const recipient = { memberId: delivery.member_id, language: delivery.language as Language, name: personal.name, email: personal.email };
    const mail = await this.letters.letter(delivery.kind, delivery.mailing_key, recipient);
    const what = `the ${delivery.kind} mail of job ${delivery.job_event_id}`;
    try {
      const { providerMessageId } = await sendWithRetries(this.transport, mail, this.options.retryDelaysMs, (reason) => this.logger.warn(`${what} failed (${reason}); trying again`));
      return { outcome: 'sent', providerMessageId };
    } catch (error) {
      if (!(error instanceof MailRejectedError)) throw new MailingNotSentError(`${what} could not be sent (${mailFailureKind(error)})`);
      this.logger.warn(`${what} was rejected (${error.reason})`);
      return { outcome: 'rejected', providerMessageId: null };
    }
  }

  private async inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
