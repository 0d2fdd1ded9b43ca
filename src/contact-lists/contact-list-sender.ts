import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { contactListStream, dispatchStream, type ListEntry } from '../../contracts/events/contact-list.events';
import type { NewEvent } from '../../contracts/events/event-envelope';
import type { PersonalData } from '../../contracts/events/membership.events';
import {
  type DueCorrection,
  type DueGroup,
  type DueNotice,
  type PlannedMember,
  plannerPosition,
  readGroupState,
  readSenderWork,
  type SenderWork,
} from '../../projections/contact-list-planner/contact-list-planner.queries';
import { AppConfig } from '../config/app-config';
import { KeyVault } from '../crypto/key-vault';
import { Clock } from '../domain/clock';
import { EVENT_STORE, type EventStore, WrongExpectedRevisionError } from '../event-store/event-store.port';
import { DATABASE_URL } from '../infrastructure.module';
import { type ContactListEntryView, MailTemplates, type RenderedEntry, type RenderedMail } from '../mail/mail-templates';
import { MailRejectedError, MailTransport, type OutgoingMail } from '../mail/mail-transport';
import { queueLetters } from '../print/print-queue';
import { assertLawful, channelOf, entryOf, letterShowRule, listDeliveryOf, numberedView, planContactList, type ShowRule, type ShownValues, shownValues } from './contact-list-building';
import { type DispatchEvent, insertOutbox, LETTER_SOURCE, openOutbox, type OutboxMessage, OutboxWriter, type RenderParams } from './contact-list-outbox';
import { entryDigest, listReferenceFor, openPlanned } from './contact-list-vault';
import { correctionKey, dispatchIdOf, eventIdOf, listKey } from './dispatch-keys';
import { Listability } from './listability';

export interface ContactListSenderOptions {
  /** How often the active sender looks for due work when there was none. */
  pollIntervalMs: number;
  /** How often a standby instance tries to take over. */
  standbyRetryMs: number;
  /** Waits between tries of one message: [1000, 5000] makes 3 tries. */
  retryDelaysMs: readonly number[];
  /** Messages handled at the same time. */
  concurrency: number;
  maxGroupsPerRound: number;
  maxMessagesPerRound: number;
}

/** Everything but the concurrency, which is configuration (MAIL_SEND_CONCURRENCY). */
export const DEFAULT_SENDER_OPTIONS: Omit<ContactListSenderOptions, 'concurrency'> = {
  pollIntervalMs: 250,
  standbyRetryMs: 2000,
  retryDelaysMs: [1000, 5000],
  maxGroupsPerRound: 20,
  maxMessagesPerRound: 500,
};

export const CONTACT_LIST_SENDER_OPTIONS = Symbol('ContactListSenderOptions');

export type SenderState = 'stopped' | 'starting' | 'standby' | 'active';

const LOCK_NAME = 'contact-list-sender';
const HEADERS = { 'Auto-Submitted': 'auto-generated' };
const SCHEMA_VERSION = 1;

/** A version as the sender renders it: entries with their values (null: no longer readable). */
interface RenderableVersion {
  diagnosisName: string;
  entries: Array<ListEntry & { values: ShownValues | null }>;
  newcomers: Set<string>;
  /** Each entry rendered once per language, number and newcomer mark, for all the version's recipients. */
  rendered: Map<string, RenderedEntry>;
}

interface VersionRow {
  diagnosis_id: string;
  version: number;
  built_at_position: string;
  event_id: string;
  entries: ListEntry[];
  newcomers: string[];
}

/** A message rendered for its recipient (whose data it also returns), and the members whose data it shows. */
export interface RenderedMessage {
  recipient: PersonalData;
  mail: RenderedMail;
  shows: string[];
}

/** How a message is to be delivered: its dispatch still to be recorded, and whether it may have gone out already. */
interface Delivery {
  message: OutboxMessage;
  dispatch: boolean;
  resent: boolean;
}

/**
 * The contact-list sender: a single active worker across instances (a session advisory lock on a
 * connection of its own; the others stand by), started when the application is up and stopped
 * first when it shuts down. It reads the contact-list planner's state as of the planner's
 * checkpoint (one repeatable-read snapshot) and sends what is due:
 *
 * - a new version of a group's list once its first newcomer is LIST_UPDATE_DEBOUNCE_SECONDS old:
 *   ContactListVersionPublished (expected revision: the previous version), then per recipient a
 *   welcome (newcomers) or an updated list (everyone else, newcomers marked);
 * - corrected entries to earlier recipients of a rectified member;
 * - notices to delete an entry to earlier recipients of a member who withdrew, was restricted,
 *   erased or left (nothing about the member is repeated).
 *
 * A recipient who gets their lists in self-service (LIST_DELIVERY=portal, or their own choice
 * where members choose) is sent, instead of a list or a correction, a notice that carries no
 * data about anyone (ListNoticeDispatched) and a sign-in link; the disclosure is each view.
 *
 * A recipient without an email address (a paper or phone sign-up) gets everything by post: the
 * same messages, dispatched with channel 'post' in the same order, and then put into the print
 * queue (src/print) instead of the transport (outbox state 'queued'). The letter is rendered
 * when the secretariat downloads its batch, and its delivery recorded when they confirm the
 * batch posted (src/contact-lists/contact-list-letters.ts).
 *
 * Per message: the plan goes into the outbox; ContactListDispatched (CorrectionDispatched,
 * DeletionNoticeDispatched) is appended to `dispatch-<dispatchId>` with 'no_stream' BEFORE the
 * message is handed to the transport (the log may over-report a send, never under-report one);
 * then ContactListDelivered, or ContactListDeliveryFailed per failed try (retries with backoff;
 * final after the last try or a rejection). The dispatch id comes from the message's
 * idempotency key, so a dispatch repeated after a crash meets its own stream and is recognised.
 * A message dispatched but not settled when the sender stopped (a crash) is sent once more when
 * a sender takes over, and that delivery is recorded with resent: true.
 *
 * Personal data is opened only to render and is never logged; the outbox keeps it sealed and
 * drops it once a message is settled.
 */
@Injectable()
export class ContactListSender implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ContactListSender');
  private readonly outbox: OutboxWriter;
  private readonly versions = new Map<string, Promise<RenderableVersion>>();
  private state: SenderState = 'stopped';
  private running = false;
  private loop?: Promise<void>;
  private lockClient?: Client;
  private lockLost = false;
  private resumed = false;
  /**
   * The newest log position this sender wrote (or, after taking over, the head of the log then):
   * the planner must have seen it before its state is acted on, so that nothing the sender did
   * already looks due again (a rebuilding planner holds the sender back the same way).
   */
  private watermark = 0n;
  private wake?: () => void;
  private readonly stopWaiters = new Set<() => void>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly pool: Pool,
    private readonly vault: KeyVault,
    private readonly transport: MailTransport,
    private readonly templates: MailTemplates,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Inject(DATABASE_URL) private readonly connectionString: string,
    @Inject(CONTACT_LIST_SENDER_OPTIONS) private readonly options: ContactListSenderOptions,
  ) {
    this.outbox = new OutboxWriter(pool);
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  status(): { state: SenderState } {
    return { state: this.state };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.state = 'starting';
    this.loop = this.run();
  }

  /** Stops taking work, lets messages in hand finish their current try, and lets go of the lock. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    for (const waiter of this.stopWaiters) waiter();
    await this.loop;
    await this.releaseLock();
    this.state = 'stopped';
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!(await this.holdsLock())) {
          this.state = 'standby';
          await this.sleep(this.options.standbyRetryMs);
          continue;
        }
        this.state = 'active';
        if (!this.resumed) {
          await this.resume();
          this.resumed = true;
        }
        if (!this.running) break;
        const worked = await this.round();
        if (!worked) await this.sleep(this.options.pollIntervalMs);
      } catch (error) {
        // The database, the event store or the lock connection failed: let go and try again.
        this.logger.warn(`paused: ${errorClass(error)}; retrying`);
        await this.releaseLock();
        if (this.running) {
          this.state = 'standby';
          await this.sleep(this.options.standbyRetryMs);
        }
      }
    }
  }

  /** One round of due work, read as of the planner's checkpoint. Returns whether there was any. */
  private async round(): Promise<boolean> {
    const client = await this.pool.connect();
    let work: SenderWork | undefined;
    try {
      work = await readSenderWork(client, {
        notBefore: this.watermark,
        now: this.clock.now(),
        debounceSeconds: this.config.LIST_UPDATE_DEBOUNCE_SECONDS,
        maxGroups: this.options.maxGroupsPerRound,
        maxMessages: this.options.maxMessagesPerRound,
      });
    } finally {
      client.release();
    }
    if (!work) return false;
    const correlationId = randomUUID();
    const listability = Listability.restore(
      [...work.members.values()].map((member) => member.facts),
      work.clusters,
    );
    const opened = await openPlanned(this.vault, work.members);
    for (const group of work.groups) {
      if (!this.running) return true;
      await this.sendGroup(group, work, listability, opened, correlationId);
    }
    if (this.running) await this.sendNotices(work.notices, work, opened, correlationId);
    // A list sent just now may carry a rectified entry already: corrections wait for the next
    // round, when the planner has seen these lists (and settled what they made unnecessary).
    if (this.running && work.groups.length === 0) await this.sendCorrections(work.corrections, work, listability, opened, correlationId);
    return true;
  }

  private async sendGroup(group: DueGroup, work: SenderWork, listability: Listability, opened: Map<string, PersonalData | null>, correlationId: string): Promise<void> {
    const { diagnosisId } = group;
    const version = group.version + 1;
    const builtAtPosition = work.position.toString();
    const plan = planContactList({
      diagnosisId,
      listability,
      personal: opened,
      pendingNewcomers: group.newcomers,
      digest: entryDigest(this.vault),
    });
    // No newcomer is on the list any more (they left before it was built): the version only
    // records that, and nobody is sent anything.
    const recipients = plan.newcomers.length > 0 ? plan.recipients : [];
    const entries: ListEntry[] = plan.entries.map(({ subjectId, fields, digest, greenland }) => ({ subjectId, fields, digest, greenland }));
    const messages = recipients.map((recipient): OutboxMessage => {
      const { recipientId, greenlandOnly } = recipient;
      const idempotencyKey = listKey(recipientId, diagnosisId, version);
      const dispatchId = dispatchIdOf(idempotencyKey);
      const listReference = listReferenceFor(this.vault, dispatchId);
      const member = work.members.get(recipientId);
      const post = channelOf(opened.get(recipientId)) === 'post';
      const welcome = recipient.kind === 'welcome';
      const common = {
        dispatchId,
        idempotencyKey,
        kind: 'list' as const,
        recipientId,
        subjectId: null,
        sourcePosition: null,
        diagnosisId,
        listVersion: version,
        state: 'planned' as const,
        language: member?.language ?? 'da',
        recipientPersonal: member?.personal ?? null,
        subjectPersonal: null,
        attempts: 0,
        failure: null,
      };
      // A member without email cannot sign in: they get the list itself, by post.
      if (!post && this.portal(member)) {
        return {
          ...common,
          event: { type: 'ListNoticeDispatched', data: { dispatchId, recipientId, diagnosisId, reason: 'list-updated', listVersion: version, listReference, idempotencyKey, channel: 'email' } },
          render: { kind: 'notice', listReference, welcome, corrected: false },
        };
      }
      assertLawful(listability, recipientId, numberedView(entries, recipientId, greenlandOnly));
      return {
        ...common,
        event: {
          type: 'ContactListDispatched',
          data: { dispatchId, recipientId, diagnosisId, listVersion: version, builtAtPosition, view: { greenlandOnly }, listReference, idempotencyKey, channel: post ? 'post' : 'email' },
        },
        render: { kind: 'list', listReference, welcome, greenlandOnly },
      };
    });
    const row: VersionRow = {
      diagnosis_id: diagnosisId,
      version,
      built_at_position: builtAtPosition,
      event_id: eventIdOf(`contact-list-version|${diagnosisId}|${version}|${builtAtPosition}`),
      entries,
      newcomers: plan.newcomers,
    };
    const sealed = plan.entries.map((entry) => ({ subjectId: entry.subjectId, personal: work.members.get(entry.subjectId)?.personal ?? null }));
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO contact_list_sender_versions (diagnosis_id, version, built_at_position, event_id, entries, newcomers, sealed, diagnosis_name, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'planned')`,
        [diagnosisId, version, builtAtPosition, row.event_id, JSON.stringify(entries), JSON.stringify(plan.newcomers), JSON.stringify(sealed), group.diagnosisName],
      );
      await insertOutbox(client, messages);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    if (!(await this.publish(row, correlationId))) return;
    this.versions.set(
      versionKey(diagnosisId, version),
      Promise.resolve({ diagnosisName: group.diagnosisName, entries: plan.entries, newcomers: new Set(plan.newcomers), rendered: new Map() }),
    );
    this.logger.log(`list version ${version} of group ${diagnosisId}: ${entries.length} entries, ${messages.length} recipients`);
    await this.deliverAll(messages.map((message) => ({ message, dispatch: true, resent: false })), correlationId);
    await this.settleVersions([[diagnosisId, version]]);
  }

  /**
   * Appends the version (expected revision: the previous version's). A conflict is our own append
   * from before a crash (the same event id at that revision), or someone else's version: then this
   * plan is dropped and built again once the planner has caught up.
   */
  private async publish(row: VersionRow, correlationId: string): Promise<boolean> {
    const { diagnosis_id: diagnosisId, version } = row;
    const event: NewEvent = {
      id: row.event_id,
      type: 'ContactListVersionPublished',
      schemaVersion: SCHEMA_VERSION,
      data: { diagnosisId, version, builtAtPosition: row.built_at_position, entries: row.entries, newcomers: row.newcomers },
      metadata: this.metadata(correlationId),
    };
    try {
      this.wrote(await this.store.append(contactListStream(diagnosisId), [event], version === 1 ? 'no_stream' : version - 2));
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      const [existing] = await this.store.readStream(contactListStream(diagnosisId), { fromRevision: version - 1 });
      if (existing?.id === row.event_id) this.wrote(existing);
      else {
        this.logger.warn(`list version ${version} of group ${diagnosisId} exists already; building again later`);
        await this.pool.query(`DELETE FROM contact_list_outbox WHERE kind = 'list' AND diagnosis_id = $1 AND list_version = $2 AND state = 'planned'`, [diagnosisId, version]);
        await this.pool.query('DELETE FROM contact_list_sender_versions WHERE diagnosis_id = $1 AND version = $2', [diagnosisId, version]);
        return false;
      }
    }
    await this.pool.query(`UPDATE contact_list_sender_versions SET state = 'published' WHERE diagnosis_id = $1 AND version = $2`, [diagnosisId, version]);
    return true;
  }

  private async sendCorrections(
    corrections: DueCorrection[],
    work: SenderWork,
    listability: Listability,
    opened: Map<string, PersonalData | null>,
    correlationId: string,
  ): Promise<void> {
    if (corrections.length === 0) return;
    const builtAtPosition = work.position.toString();
    const messages = corrections.map((correction): OutboxMessage => {
      const { recipientId, subjectId } = correction;
      const idempotencyKey = correctionKey(recipientId, subjectId, correction.duePosition);
      const dispatchId = dispatchIdOf(idempotencyKey);
      const recipient = work.members.get(recipientId);
      const subject = work.members.get(subjectId);
      const subjectData = opened.get(subjectId);
      const base = {
        dispatchId,
        idempotencyKey,
        kind: 'correction' as const,
        recipientId,
        subjectId,
        sourcePosition: correction.duePosition,
        diagnosisId: null,
        listVersion: null,
        language: recipient?.language ?? 'da',
        attempts: 0,
      };
      const skipped = (failure: string): OutboxMessage => ({
        ...base,
        state: 'skipped',
        event: null,
        recipientPersonal: null,
        subjectPersonal: null,
        render: { kind: 'correction', listReference: '', correctedListReference: correction.correctedListReference, entryNumber: correction.entryNumber, listedAt: correction.listedAt },
        failure,
      });
      const facts = listability.member(subjectId);
      if (!subject || !facts || !subjectData) return skipped('subject-erased');
      const channel = channelOf(opened.get(recipientId));
      if (!recipient || !channel) return skipped('no-address');
      const entry = entryOf(facts, subjectData, entryDigest(this.vault));
      // A correction shows the member's data again: only where a list could show it now.
      const unlawful = listability.unlawfulness(recipientId, subjectId, entry.fields);
      if (unlawful) return skipped(unlawful);
      const listReference = listReferenceFor(this.vault, dispatchId);
      if (channel === 'email' && this.portal(recipient)) {
        // The corrected entry is shown at the recipient's next view; the notice repeats nothing of it.
        return {
          ...base,
          state: 'planned',
          event: {
            type: 'ListNoticeDispatched',
            data: {
              dispatchId,
              recipientId,
              diagnosisId: recipient.facts.diagnosisId,
              reason: 'entry-corrected',
              subjectId,
              correctedAtPosition: correction.duePosition,
              listReference,
              idempotencyKey,
              channel: 'email',
            },
          },
          recipientPersonal: recipient.personal,
          subjectPersonal: null,
          render: { kind: 'notice', listReference, welcome: false, corrected: true },
          failure: null,
        };
      }
      return {
        ...base,
        state: 'planned',
        event: {
          type: 'CorrectionDispatched',
          data: {
            dispatchId,
            recipientId,
            subjectId,
            entry: { subjectId, fields: entry.fields, digest: entry.digest, greenland: entry.greenland },
            builtAtPosition,
            listReference,
            channel,
          },
        },
        recipientPersonal: recipient.personal,
        subjectPersonal: subject.personal,
        render: { kind: 'correction', listReference, correctedListReference: correction.correctedListReference, entryNumber: correction.entryNumber, listedAt: correction.listedAt },
        failure: null,
      };
    });
    await this.planAndDeliver(messages, correlationId);
  }

  private async sendNotices(notices: DueNotice[], work: SenderWork, opened: Map<string, PersonalData | null>, correlationId: string): Promise<void> {
    if (notices.length === 0) return;
    const messages = notices.map((notice): OutboxMessage => {
      const { dispatchId, recipientId, subjectId, reason } = notice;
      const recipient = work.members.get(recipientId);
      const listReference = listReferenceFor(this.vault, dispatchId);
      const channel = channelOf(opened.get(recipientId));
      const deliverable = channel !== undefined;
      return {
        dispatchId,
        idempotencyKey: notice.idempotencyKey,
        kind: 'deletion',
        recipientId,
        subjectId,
        sourcePosition: null,
        diagnosisId: null,
        listVersion: null,
        state: deliverable ? 'planned' : 'skipped',
        event: channel ? { type: 'DeletionNoticeDispatched', data: { dispatchId, recipientId, subjectId, reason, listReference, channel } } : null,
        language: recipient?.language ?? 'da',
        recipientPersonal: deliverable ? (recipient?.personal ?? null) : null,
        subjectPersonal: null,
        render: { kind: 'deletion', listReference, heldListReference: notice.heldListReference, entryNumber: notice.entryNumber, listedAt: notice.listedAt, reason },
        attempts: 0,
        failure: deliverable ? null : 'no-address',
      };
    });
    await this.planAndDeliver(messages, correlationId);
  }

  private async planAndDeliver(messages: OutboxMessage[], correlationId: string): Promise<void> {
    const fresh = await insertOutbox(this.pool, messages);
    const planned = messages.filter((message) => message.state === 'planned' && fresh.has(message.dispatchId));
    await this.deliverAll(
      planned.map((message) => ({ message, dispatch: true, resent: false })),
      correlationId,
    );
  }

  /**
   * Picks up after a stop or crash: versions planned but perhaps not published, and messages not
   * settled. Each message's dispatch stream says how far it got: no stream (never dispatched:
   * send it now), settled (just record that), or dispatched and not settled (it may have gone
   * out: send it once more, recorded as resent).
   */
  private async resume(): Promise<void> {
    this.watermark = await this.store.headPosition();
    const planned = await this.pool.query<VersionRow>(
      `SELECT diagnosis_id::text, version, built_at_position::text, event_id::text, entries, newcomers
       FROM contact_list_sender_versions WHERE state = 'planned' ORDER BY created_at`,
    );
    const correlationId = randomUUID();
    for (const row of planned.rows) await this.publish(row, correlationId);

    const open = await openOutbox(this.pool);
    if (open.length === 0) return;
    const deliveries: Delivery[] = [];
    await forEachConcurrently(open, this.options.concurrency, async (message) => {
      const recorded = await this.store.readStream(dispatchStream(message.dispatchId));
      if (recorded.length === 0) {
        deliveries.push({ message, dispatch: true, resent: false });
        return;
      }
      const delivered = recorded.find((event) => event.type === 'ContactListDelivered');
      if (delivered) {
        const data = delivered.data as { providerMessageId: string; attempt: number };
        await this.outbox.update({ dispatchId: message.dispatchId, state: 'delivered', providerMessageId: data.providerMessageId, attempts: data.attempt });
        return;
      }
      const failures = recorded.filter((event) => event.type === 'ContactListDeliveryFailed');
      if (failures.some((event) => (event.data as { final: boolean }).final)) {
        await this.outbox.update({ dispatchId: message.dispatchId, state: 'failed', attempts: failures.length });
        return;
      }
      deliveries.push({ message: { ...message, attempts: Math.max(message.attempts, failures.length) }, dispatch: false, resent: true });
    });
    const resent = deliveries.filter((delivery) => delivery.resent).length;
    if (deliveries.length > 0) this.logger.log(`resuming ${deliveries.length} messages (${resent} may have gone out before: sent once more)`);
    // They go out as the members stand now (StandingNow), so the planner must first have seen what happened while they waited.
    if (deliveries.length > 0 && !(await this.untilPlannerCaughtUp())) return; // stopping: resumed at the next start
    await this.deliverAll(deliveries, correlationId);
    const versions = new Map<string, [string, number]>();
    for (const { message } of deliveries) {
      if (message.kind === 'list' && message.diagnosisId && message.listVersion) versions.set(versionKey(message.diagnosisId, message.listVersion), [message.diagnosisId, message.listVersion]);
    }
    await this.settleVersions([...versions.values()]);
  }

  private async deliverAll(deliveries: Delivery[], correlationId: string): Promise<void> {
    const standing = new StandingNow(this.pool, this.watermark);
    await forEachConcurrently(deliveries, this.options.concurrency, (delivery) => this.deliver(delivery, correlationId, standing));
  }

  private async deliver({ message, dispatch, resent: mayHaveGone }: Delivery, correlationId: string, standing: StandingNow): Promise<void> {
    const { dispatchId } = message;
    let resent = mayHaveGone;
    if (!this.running) return;
    if (dispatch) {
      if (!message.event) return;
      try {
        this.wrote(await this.store.append(dispatchStream(dispatchId), [this.newEvent(message.event, correlationId)], 'no_stream'));
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        resent = true; // dispatched before a crash: it may have gone out
      }
      await this.outbox.update({ dispatchId, state: 'dispatched' });
    }
    if (message.event?.data.channel === 'post') return this.queueLetter(message, correlationId);
    const mayShow = await standing.showRule(message);
    if (mayShow === 'recipient-left') return this.undeliverable(message, 'RecipientLeft', correlationId);
    if (message.kind === 'correction' && message.event?.type === 'CorrectionDispatched' && !mayShow(message.event.data.subjectId, message.event.data.entry.fields)) {
      return this.undeliverable(message, 'EntryWithheld', correlationId);
    }
    const mail = await this.render(message, mayShow);
    if (!mail) return this.undeliverable(message, 'NoAddress', correlationId);
    const firstAttempt = message.attempts + 1;
    for (let attempt = firstAttempt; ; attempt++) {
      let providerMessageId: string;
      try {
        providerMessageId = (await this.transport.send(mail)).providerMessageId;
      } catch (error) {
        const reason = error instanceof MailRejectedError ? `MailRejectedError ${error.reason}` : errorClass(error);
        const final = error instanceof MailRejectedError || attempt - firstAttempt >= this.options.retryDelaysMs.length;
        await this.record(dispatchId, { type: 'ContactListDeliveryFailed', data: { dispatchId, attempt, reason, final } }, correlationId);
        await this.outbox.update({ dispatchId, state: final ? 'failed' : 'dispatched', attempts: attempt, failure: reason });
        if (final) {
          this.logger.warn(`a ${message.kind} message could not be delivered (${reason}) after ${attempt} tries`);
          return;
        }
        if (!(await this.pause(this.options.retryDelaysMs[attempt - firstAttempt]))) return; // stopping: resumed later
        continue;
      }
      await this.record(dispatchId, { type: 'ContactListDelivered', data: { dispatchId, providerMessageId, attempt, resent } }, correlationId);
      await this.outbox.update({ dispatchId, state: 'delivered', attempts: attempt, providerMessageId });
      return;
    }
  }

  /**
   * A letter goes into the print queue instead of the transport (its dispatch is in the log
   * already); it is rendered when its batch is downloaded, and delivered when the batch is
   * confirmed posted. Queueing again after a crash changes nothing.
   */
  private async queueLetter(message: OutboxMessage, correlationId: string): Promise<void> {
    if (!message.recipientPersonal) return this.undeliverable(message, 'NoAddress', correlationId);
    await queueLetters(this.pool, [{ letterId: message.dispatchId, source: LETTER_SOURCE, kind: message.kind, recipientId: message.recipientId }], this.clock.now());
    await this.outbox.update({ dispatchId: message.dispatchId, state: 'queued' });
  }

  /**
   * The message is not sent, for good: its recipient can no longer be reached (NoAddress: erased
   * since it was planned), may no longer receive lists (RecipientLeft), or the corrected entry may
   * no longer be shown to them (EntryWithheld).
   */
  private async undeliverable(message: OutboxMessage, reason: 'NoAddress' | 'RecipientLeft' | 'EntryWithheld', correlationId: string): Promise<void> {
    const { dispatchId } = message;
    await this.record(dispatchId, { type: 'ContactListDeliveryFailed', data: { dispatchId, attempt: message.attempts, reason, final: true } }, correlationId);
    await this.outbox.update({ dispatchId, state: 'failed', failure: reason });
  }

  private async record(dispatchId: string, event: { type: string; data: unknown }, correlationId: string): Promise<void> {
    this.wrote(await this.store.append(dispatchStream(dispatchId), [this.newEvent(event, correlationId)], 'stream_exists'));
  }

  private wrote({ position }: { position: bigint }): void {
    if (position > this.watermark) this.watermark = position;
  }

  /** The message as its recipient gets it by email; undefined when they have no readable address any more. */
  private async render(message: OutboxMessage, mayShow: ShowRule): Promise<OutgoingMail | undefined> {
    const rendered = await this.renderMessage(message, mayShow);
    if (!rendered?.recipient.email) return undefined;
    return { to: rendered.recipient.email, ...rendered.mail, headers: HEADERS };
  }

  /**
   * A message in its recipient's language (an email's parts, or a letter's text), with the
   * recipient's data. `mayShow` withholds entries (shown as removed); a correction whose entry
   * is withheld is not rendered at all. Undefined too when the recipient can no longer be read.
   */
  async renderMessage(message: OutboxMessage, mayShow: ShowRule = () => true): Promise<RenderedMessage | undefined> {
    if (!message.recipientPersonal) return undefined;
    const [recipient] = await this.vault.openMany<PersonalData | null>([{ subjectId: message.recipientId, sealed: message.recipientPersonal }], null);
    if (!recipient) return undefined;
    const common = { name: recipient.name, listReference: message.render.listReference, contactEmail: this.config.MAIL_FROM };
    const rendered = await this.renderParts(message, message.render, common, mayShow);
    return rendered && { recipient, ...rendered };
  }

  private async renderParts(
    message: OutboxMessage,
    render: RenderParams,
    common: { name: string; listReference: string; contactEmail: string },
    mayShow: ShowRule,
  ): Promise<{ mail: RenderedMail; shows: string[] } | undefined> {
    switch (render.kind) {
      case 'list': {
        const version = await this.version(message.diagnosisId as string, message.listVersion as number);
        let newcomerCount = 0;
        const shows: string[] = [];
        const parts = numberedView(version.entries, message.recipientId, render.greenlandOnly).map((entry) => {
          const newcomer = !render.welcome && version.newcomers.has(entry.subjectId);
          if (newcomer) newcomerCount++;
          const values = entry.values && mayShow(entry.subjectId, entry.fields) ? entry.values : null;
          if (values) shows.push(entry.subjectId);
          const key = `${message.language}|${entry.subjectId}|${entry.number}|${newcomer}|${values !== null}`;
          let part = version.rendered.get(key);
          if (!part) {
            part = this.templates.listEntry(message.language, entryView(entry.number, values, newcomer));
            version.rendered.set(key, part);
          }
          return part;
        });
        const data = { ...common, diagnosisName: version.diagnosisName, entries: this.templates.listEntries(parts), greenlandOnly: render.greenlandOnly };
        const mail = render.welcome
          ? this.templates.render('contact-list-welcome', message.language, data)
          : this.templates.render('contact-list-update', message.language, { ...data, newcomerCount });
        return { mail, shows };
      }
      case 'correction': {
        const subjectId = message.subjectId as string;
        const fields = message.event?.type === 'CorrectionDispatched' ? message.event.data.entry.fields : [];
        if (!mayShow(subjectId, fields)) return undefined;
        const [subject] = message.subjectPersonal ? await this.vault.openMany<PersonalData | null>([{ subjectId, sealed: message.subjectPersonal }], null) : [null];
        const mail = this.templates.render('correction', message.language, {
          ...common,
          correctedListReference: render.correctedListReference,
          entryNumber: render.entryNumber,
          listedAt: render.listedAt,
          entry: this.templates.listEntries([this.templates.listEntry(message.language, entryView(render.entryNumber, subject ? shownValues(subject, fields) : null, false))]),
        });
        return { mail, shows: subject ? [subjectId] : [] };
      }
      case 'deletion': {
        const mail = this.templates.render('deletion-notice', message.language, {
          ...common,
          heldListReference: render.heldListReference,
          entryNumber: render.entryNumber,
          listedAt: render.listedAt,
        });
        return { mail, shows: [] };
      }
      case 'notice': {
        // Not even the recipient's own name: a notice is readable by anyone who sees the mailbox.
        const mail = this.templates.render('contact-list-notice', message.language, {
          listReference: common.listReference,
          contactEmail: common.contactEmail,
          signInLink: `${this.config.PUBLIC_URL.replace(/\/+$/, '')}/me/sign-in`,
          welcome: render.welcome,
          corrected: render.corrected,
        });
        return { mail, shows: [] };
      }
    }
  }

  /** Whether the recipient gets their lists in self-service (then they are sent only notices). */
  private portal(recipient: PlannedMember | undefined): boolean {
    return listDeliveryOf(this.config.LIST_DELIVERY, recipient?.listDelivery ?? null) === 'portal';
  }

  /** A version as it was built, from memory or (after a restart) from its sealed copy. */
  private version(diagnosisId: string, version: number): Promise<RenderableVersion> {
    const key = versionKey(diagnosisId, version);
    let loaded = this.versions.get(key);
    if (!loaded) {
      loaded = this.loadVersion(diagnosisId, version);
      this.versions.set(key, loaded);
      loaded.catch(() => this.versions.delete(key));
    }
    return loaded;
  }

  private async loadVersion(diagnosisId: string, version: number): Promise<RenderableVersion> {
    const result = await this.pool.query<{ entries: ListEntry[]; newcomers: string[]; sealed: Array<{ subjectId: string; personal: string | null }> | null; diagnosis_name: string }>(
      'SELECT entries, newcomers, sealed, diagnosis_name FROM contact_list_sender_versions WHERE diagnosis_id = $1 AND version = $2',
      [diagnosisId, version],
    );
    const row = result.rows[0];
    if (!row) throw new Error(`List version ${version} of group ${diagnosisId} is unknown to the sender`);
    const sealed = new Map((row.sealed ?? []).map((item) => [item.subjectId, item.personal]));
    const readable = row.entries.filter((entry) => sealed.get(entry.subjectId));
    const opened = await this.vault.openMany<PersonalData | null>(
      readable.map((entry) => ({ subjectId: entry.subjectId, sealed: sealed.get(entry.subjectId) as string })),
      null,
    );
    const values = new Map(readable.map((entry, index) => [entry.subjectId, opened[index]]));
    return {
      diagnosisName: row.diagnosis_name,
      entries: row.entries.map((entry) => {
        const personal = values.get(entry.subjectId);
        return { ...entry, values: personal ? shownValues(personal, entry.fields) : null };
      }),
      newcomers: new Set(row.newcomers),
      rendered: new Map(),
    };
  }

  /** A version whose messages are all settled (a letter once its batch is posted) keeps no sealed copy of its members' data. */
  async settleVersions(versions: Array<[string, number]>): Promise<void> {
    if (versions.length === 0) return;
    await this.pool.query(
      `UPDATE contact_list_sender_versions v SET sealed = NULL
       FROM unnest($1::uuid[], $2::integer[]) AS s(diagnosis_id, version)
       WHERE v.diagnosis_id = s.diagnosis_id AND v.version = s.version AND v.state = 'published' AND v.sealed IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM contact_list_outbox o
                         WHERE o.kind = 'list' AND o.diagnosis_id = v.diagnosis_id AND o.list_version = v.version AND o.state IN ('planned', 'dispatched', 'queued'))`,
      [versions.map(([diagnosisId]) => diagnosisId), versions.map(([, version]) => version)],
    );
    for (const [diagnosisId, version] of versions) this.versions.delete(versionKey(diagnosisId, version));
  }

  private newEvent(event: DispatchEvent | { type: string; data: unknown }, correlationId: string): NewEvent {
    return { id: randomUUID(), type: event.type, schemaVersion: SCHEMA_VERSION, data: event.data, metadata: this.metadata(correlationId) };
  }

  private metadata(correlationId: string): NewEvent['metadata'] {
    return { correlationId, actorRole: 'system', occurredAt: this.clock.now().toISOString() };
  }

  /** Whether this instance holds (or now takes) the lock; a lost lock connection gives it up. */
  private async holdsLock(): Promise<boolean> {
    if (this.lockClient) {
      if (!this.lockLost) {
        try {
          await this.lockClient.query('SELECT 1');
          return true;
        } catch {
          this.lockLost = true;
        }
      }
      await this.releaseLock();
    }
    const client = new Client({ connectionString: this.connectionString, application_name: 'sjn-contact-list-sender' });
    client.on('error', () => (this.lockLost = true));
    await client.connect();
    const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [LOCK_NAME]);
    if (!result.rows[0].locked) {
      await client.end().catch(() => undefined);
      return false;
    }
    this.lockClient = client;
    this.lockLost = false;
    this.resumed = false;
    return true;
  }

  private async releaseLock(): Promise<void> {
    const client = this.lockClient;
    this.lockClient = undefined;
    this.resumed = false;
    this.versions.clear();
    await client?.end().catch(() => undefined); // closing the session releases the lock
  }

  /** Waits until the planner has applied the log as far as the sender has seen it; false when the sender stops first. */
  private async untilPlannerCaughtUp(): Promise<boolean> {
    while (this.running) {
      if ((await plannerPosition(this.pool, this.watermark)) !== undefined) return true;
      await this.sleep(this.options.pollIntervalMs);
    }
    return false;
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

  /** Waits between tries; false when the sender is stopping (the message is picked up again later). */
  private pause(ms: number): Promise<boolean> {
    if (!this.running) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.stopWaiters.delete(done);
        resolve(this.running);
      };
      const timer = setTimeout(done, ms);
      this.stopWaiters.add(done);
    });
  }
}

function versionKey(diagnosisId: string, version: number): string {
  return `${diagnosisId}|${version}`;
}

function entryView(number: number, values: ShownValues | null, newcomer: boolean): ContactListEntryView {
  if (!values) return { number, name: '', newcomer, removed: true };
  return { number, ...values, newcomer, removed: false };
}

/** An error's class and code only: a message may quote an address. */
function errorClass(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} ${code}` : error.name;
}

/** Runs `work` over the items, at most `limit` at a time; waits for all, then throws the first error. */
async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

/**
 * Who may be shown to whom as the planner has it now, read once per group for a set of
 * deliveries. A message goes out after it was planned (at once, or when a sender resumes after a
 * stop or a crash, perhaps hours later), and a member who withdrew, or was restricted or erased,
 * meanwhile must not go out in it, nor a recipient who did get it. (A resuming sender waits for the
 * planner first; should it still lag behind what the sender wrote, it has no say and the message
 * goes as planned.)
 */
class StandingNow {
  private readonly groups = new Map<string, Promise<Listability | undefined>>();

  constructor(
    private readonly pool: Pool,
    private readonly notBefore: bigint,
  ) {}

  /** What the message may show; 'recipient-left' when its recipient may receive none of it. */
  async showRule(message: OutboxMessage): Promise<ShowRule | 'recipient-left'> {
    // Deletion notices and portal notices carry nobody's data.
    if (message.kind !== 'list' && message.kind !== 'correction') return () => true;
    const key = message.diagnosisId ?? `recipient ${message.recipientId}`;
    let read = this.groups.get(key);
    if (!read) {
      read = this.read(message.recipientId);
      this.groups.set(key, read);
    }
    const listability = await read;
    if (!listability) return () => true;
    return letterShowRule(listability, message.recipientId) ?? 'recipient-left';
  }

  private async read(recipientId: string): Promise<Listability | undefined> {
    const client = await this.pool.connect();
    try {
      const state = await readGroupState(client, recipientId, this.notBefore);
      return state && Listability.restore([...state.members.values()].map((member) => member.facts), state.clusters);
    } finally {
      client.release();
    }
  }
}
