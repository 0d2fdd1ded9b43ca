import { Inject, Injectable, Logger } from '@nestjs/common';
import { Pool } from 'pg';
import type { RecordedEvent } from '../../../contracts/events/event-envelope';
import { type MemberErased, memberStream, type PersonalData } from '../../../contracts/events/membership.events';
import { DisclosureQueries } from '../../../projections/disclosure-log/disclosure-log.queries';
import { AppConfig } from '../../config/app-config';
import { dropSealedCopiesOf } from '../../contact-lists/erased-copies';
import { KeyVault } from '../../crypto/key-vault';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { MailTemplates } from '../../mail/mail-templates';
import { MailTransport, mailFailureKind, sendWithRetries } from '../../mail/mail-transport';
import { MemberSessions } from '../../member-access/member-sessions';
import { EmailClaims } from '../email-claims';
import { evolveMember, initialMemberState, type MemberState } from '../member';
import type { EraseMemberResult, ErasureReceiptOutcome } from './erase-member.command';

/** Pauses between tries of the receipt (so three tries in all); then the erasure goes on without it. */
export const ERASURE_RECEIPT_RETRY_DELAYS = Symbol('ErasureReceiptRetryDelays');
export const DEFAULT_RECEIPT_RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000];

export type ErasureReceipt = Pick<EraseMemberResult, 'receipt' | 'recipientsNotified'>;

/** The first key of the per-member advisory locks (the two-key space is used by nothing else). */
const LOCK_SPACE = 'erasure';
const DISCLOSURE_PAGE = 1000;
/** Mail sent on its own, not in answer to a person (RFC 3834): auto-responders stay quiet. */
const HEADERS = { 'Auto-Submitted': 'auto-generated' };

/**
 * Completes the erasure (GDPR Art. 17) of a member whose MemberErased is in the log. The erase
 * command's handler calls it at once; the erasure-completion reactor calls it again for every
 * MemberErased it sees, so an erasure cut short (a crash after the append) is finished when the
 * service runs again. Each call, in this order:
 *
 * 1. the receipt, once per member: under a per-member lock, if none is recorded yet, it is sent to
 *    the member (asked by the member or the secretariat; not for retention) while their key still
 *    opens their address, then its outcome is recorded in erasure_receipts with the number of
 *    earlier recipients told to delete the member's entry. A receipt that cannot be sent after
 *    every try is recorded as failed: the erasure outranks the receipt;
 * 2. the key is shredded, the member's sign-in links and sessions end, their email claims are
 *    released and the contact-list sender's sealed copies of their data are dropped;
 * 3. the receipt's row is marked completed.
 *
 * Steps 2 and 3 are idempotent and run on every call, so any call finishes what an earlier one left.
 */
@Injectable()
export class ErasureCompletion {
  private readonly logger = new Logger('Erasure');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly pool: Pool,
    private readonly vault: KeyVault,
    private readonly transport: MailTransport,
    private readonly templates: MailTemplates,
    private readonly config: AppConfig,
    private readonly sessions: MemberSessions,
    private readonly emailClaims: EmailClaims,
    private readonly disclosures: DisclosureQueries,
    @Inject(ERASURE_RECEIPT_RETRY_DELAYS) private readonly retryDelaysMs: readonly number[],
  ) {}

  async complete(memberId: string): Promise<ErasureReceipt> {
    const receipt = await this.receiptOnce(memberId);
    await this.vault.shred(memberId);
    await this.sessions.revokeAll(memberId);
    await this.emailClaims.releaseAll(memberId);
    await dropSealedCopiesOf(this.pool, memberId);
    await this.pool.query('UPDATE erasure_receipts SET completed_at = now() WHERE member_id = $1 AND completed_at IS NULL', [memberId]);
    return receipt;
  }

  /**
   * The receipt's outcome: recorded already, or sent (or not) and recorded now. The lock is held
   * until the row is committed, so a concurrent call waits and then finds it.
   */
  private async receiptOnce(memberId: string): Promise<ErasureReceipt> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [LOCK_SPACE, memberId]);
      const recorded = await client.query<{ outcome: ErasureReceiptOutcome; recipients_notified: number }>(
        'SELECT outcome, recipients_notified FROM erasure_receipts WHERE member_id = $1',
        [memberId],
      );
      let receipt: ErasureReceipt;
      if (recorded.rows[0]) {
        receipt = { receipt: recorded.rows[0].outcome, recipientsNotified: recorded.rows[0].recipients_notified };
      } else {
        receipt = await this.sendReceipt(memberId);
        await client.query('INSERT INTO erasure_receipts (member_id, outcome, recipients_notified) VALUES ($1, $2, $3)', [
          memberId,
          receipt.receipt,
          receipt.recipientsNotified,
        ]);
      }
      await client.query('COMMIT');
      return receipt;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async sendReceipt(memberId: string): Promise<ErasureReceipt> {
    const history = await this.store.readStream(memberStream(memberId));
    const erasure = history.find((event) => event.type === 'MemberErased') as RecordedEvent<'MemberErased', MemberErased['data']> | undefined;
    if (!erasure) throw new Error(`Member ${memberId} has no MemberErased: there is no erasure to complete`);
    const recipientsNotified = await this.earlierRecipients(memberId);
    if (erasure.data.erasedBy === 'retention') return { receipt: 'not-sent', recipientsNotified };
    // The member as they were before the erasure (the fold forgets their sealed data at MemberErased).
    const member = history.filter((event) => event !== erasure).reduce(evolveMember, initialMemberState);
    return { receipt: await this.mailReceipt(member, erasure.data.erasedAt, recipientsNotified), recipientsNotified };
  }

  private async mailReceipt(member: MemberState, erasedAt: string, recipientsNotified: number): Promise<ErasureReceiptOutcome> {
    const personal = await this.vault.open<PersonalData | undefined>(member.memberId, member.personal, undefined);
    // Unreadable already (shredded by another path): there is no address to send it to.
    if (!personal) return 'not-sent';
    if (!personal.email) return 'no-email';
    // Only to an address the member proved (or the secretariat attested): at a mistyped one the
    // receipt would tell a stranger that this person was in a network for rare diagnoses.
    if (!member.emailVerified && !member.consent?.attestedByStaff) return 'not-sent';
    const rendered = this.templates.render('erasure-receipt', member.language, { name: personal.name, erasedAt, recipientsNotified, contactEmail: this.config.MAIL_FROM });
    const what = `the erasure receipt of member ${member.memberId}`;
    try {
      await sendWithRetries(this.transport, { to: personal.email, ...rendered, headers: HEADERS }, this.retryDelaysMs, (failure) => this.logger.warn(`${what} failed (${failure}); trying again`));
      return 'sent';
    } catch (error) {
      this.logger.warn(`${what} could not be sent (${mailFailureKind(error)}); the erasure goes on without it`);
      return 'failed';
    }
  }

  /** The distinct earlier recipients of the member's data (the disclosure log) not erased themselves: each is told to delete it. */
  private async earlierRecipients(memberId: string): Promise<number> {
    const recipients = new Set<string>();
    let after: string | undefined;
    do {
      const page = await this.disclosures.entries({ subjectId: memberId }, { after, limit: DISCLOSURE_PAGE });
      for (const entry of page.entries) if (entry.disclosesData) recipients.add(entry.recipientId);
      after = page.next;
    } while (after);
    const erased = await this.vault.shreddedAmong([...recipients]);
    return recipients.size - erased.size;
  }
}
