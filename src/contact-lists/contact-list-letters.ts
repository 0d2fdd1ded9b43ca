import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { type ContactListDelivered, type ContactListDeliveryFailed, dispatchStream } from '../../contracts/events/contact-list.events';
import { type CommandContext, toNewEvents } from '../event-store/command-handling';
import { EVENT_STORE, type EventStore, WrongExpectedRevisionError } from '../event-store/event-store.port';
import { type Letter, type LetterOutcome, type LetterSource, LettersNotReadyError } from '../print/letter-source';
import { letterShowRule, type ShowRule } from './contact-list-building';
import { LETTER_SOURCE, type OutboxMessage, OutboxWriter, readOutbox } from './contact-list-outbox';
import { ContactListSender } from './contact-list-sender';
import { caughtUpGroupState } from './contact-list-viewing';
import { Listability } from './listability';

/**
 * The contact lists' letters (print-queue source 'contact-list'): the sender's messages to
 * members without email, queued after their dispatch (outbox state 'queued').
 *
 * A letter is printed days after its dispatch, so it is rendered, with the sender's templates,
 * as the listability rules stand when its batch is downloaded: an entry that may no longer be
 * shown to the recipient (its member withdrew, was restricted or erased since) is printed as
 * removed; a correction that may no longer be shown, and a list or correction to a recipient who
 * may no longer receive one, is not printed. Deletion notices show nobody's data and always are.
 * The disclosure log may so over-report what a letter showed, never under-report it.
 *
 * When the batch is confirmed posted, a printed letter's delivery is recorded as an email's is
 * (ContactListDelivered, provider id `post:<batchId>`); one never printed is recorded as failed
 * (NotPrinted). The outbox then drops its sealed copies.
 */
@Injectable()
export class ContactListLetters implements LetterSource {
  readonly source = LETTER_SOURCE;
  private readonly outbox: OutboxWriter;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly pool: Pool,
    private readonly sender: ContactListSender,
  ) {
    this.outbox = new OutboxWriter(pool);
  }

  async render(letterIds: readonly string[]): Promise<Letter[]> {
    const messages = new Map((await readOutbox(this.pool, letterIds, 'queued')).map((message) => [message.dispatchId, message]));
    const letters: Letter[] = [];
    for (const letterId of letterIds) {
      const message = messages.get(letterId);
      if (!message) continue;
      const mayShow = await this.showRule(message);
      const rendered = mayShow && (await this.sender.renderMessage(message, mayShow));
      if (!rendered) continue;
      const { name, address } = rendered.recipient;
      letters.push({
        letterId,
        language: message.language,
        recipient: { name, address },
        subject: rendered.mail.subject,
        text: rendered.mail.text,
        shows: [message.recipientId, ...rendered.shows],
      });
    }
    return letters;
  }

  async settle(outcomes: readonly LetterOutcome[], batchId: string, context: CommandContext): Promise<void> {
    const posted = new Set(outcomes.filter((outcome) => outcome.outcome === 'posted').map((outcome) => outcome.letterId));
    // Letters settled by an earlier confirmation are no longer queued.
    const messages = await readOutbox(this.pool, outcomes.map((outcome) => outcome.letterId), 'queued');
    for (const { dispatchId } of messages) {
      if (posted.has(dispatchId)) {
        const providerMessageId = `post:${batchId}`;
        await this.recordOnce({ type: 'ContactListDelivered', data: { dispatchId, providerMessageId, attempt: 1, resent: false } }, context);
        await this.outbox.update({ dispatchId, state: 'delivered', attempts: 1, providerMessageId });
      } else {
        await this.recordOnce({ type: 'ContactListDeliveryFailed', data: { dispatchId, attempt: 1, reason: 'NotPrinted', final: true } }, context);
        await this.outbox.update({ dispatchId, state: 'failed', attempts: 1, failure: 'NotPrinted' });
      }
    }
    const versions = new Map<string, [string, number]>();
    for (const { kind, diagnosisId, listVersion } of messages) {
      if (kind === 'list' && diagnosisId && listVersion) versions.set(`${diagnosisId}|${listVersion}`, [diagnosisId, listVersion]);
    }
    await this.sender.settleVersions([...versions.values()]);
  }

  /** What the letter may show now; undefined when it may not be printed at all. */
  private async showRule(message: OutboxMessage): Promise<ShowRule | undefined> {
    if (message.kind === 'deletion') return () => true;
    const state = await caughtUpGroupState(this.store, this.pool, message.recipientId);
    if (!state) throw new LettersNotReadyError();
    const listability = Listability.restore(
      [...state.members.values()].map((member) => member.facts),
      state.clusters,
    );
    return letterShowRule(listability, message.recipientId);
  }

  /** Records a letter's outcome unless one is recorded already (by a confirmation cut short, or a concurrent one). */
  private async recordOnce(event: ContactListDelivered | ContactListDeliveryFailed, context: CommandContext): Promise<void> {
    const stream = dispatchStream(event.data.dispatchId);
    const recorded = await this.store.readStream(stream);
    const settled = recorded.some((earlier) => earlier.type === 'ContactListDelivered' || (earlier.type === 'ContactListDeliveryFailed' && (earlier.data as { final: boolean }).final));
    if (settled) return;
    try {
      await this.store.append(stream, toNewEvents([event], context), recorded.length - 1);
    } catch (error) {
      // After queueing, only a confirmation of the same batch writes to the stream: it recorded the outcome.
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
}
