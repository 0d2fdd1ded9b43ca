import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DiagnosisEvent, PatientAssociation } from '../../contracts/events/diagnosis.events';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { ConsentHandOverRequested, EmailVerificationRequested, MemberEvent, PersonalData } from '../../contracts/events/membership.events';
import { AppConfig } from '../../src/config/app-config';
import { KeyVault } from '../../src/crypto/key-vault';
import { Clock } from '../../src/domain/clock';
import { MailTemplates } from '../../src/mail/mail-templates';
import { MailRejectedError, MailTransport, mailFailureKind, type OutgoingMail, sendWithRetries } from '../../src/mail/mail-transport';
import { type Projection, RetryLater } from '../runner/projection';
import { MemberMailDiagnosis, MemberMailDispatch, type MemberMailKind, type MemberMailOutcome, MemberMailRecipient } from './member-mail.entity';

/** Pauses between tries of one send (so three tries in all); then the runner pauses and tries the event again. */
export const MEMBER_MAIL_RETRY_DELAYS = Symbol('MemberMailRetryDelays');
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000];

/** A mail that may go, or why none goes. */
type Prepared = { mail: OutgoingMail } | { skip: Exclude<MemberMailOutcome, 'sent' | 'rejected'> };

/** Mail sent on its own, not in answer to a person (RFC 3834): auto-responders stay quiet. */
const HEADERS = { 'Auto-Submitted': 'auto-generated' };

/** The transport kept failing: the runner pauses and tries the batch again. Says only what failed, never to whom. */
export class MailNotSentError extends RetryLater {
  override readonly name = 'MailNotSentError';
}

/**
 * Emails a member about their sign-up: the verification link (EmailVerificationRequested), the
 * referral to a patient association (MemberReferred) and the not-rare answer (MemberDeclined),
 * and about the hand-over of a relative's consent (ConsentHandOverRequested: one mail to the
 * young person, one to the relative), in the member's language. A member without an email
 * address (paper or phone sign-up) and an erased member get nothing. To do so it keeps, from
 * the log, each member's language and sealed personal data and each diagnosis's name and
 * association.
 *
 * Each mail is sent inside the runner's transaction, and its row (event and kind) in
 * member_mail_dispatches is written in that same transaction, so a replay (or a rebuild, which
 * keeps that table) never mails anyone twice. A crash between the send and the commit (or a
 * failure later in the same batch, which the runner then applies event by event) sends that mail
 * again, at most once per crash: at-least-once, which is right for these emails as they disclose
 * nothing about other people. (Contact lists follow the stricter rule in docs/ARCHITECTURE.md:
 * their dispatch is recorded as an event before the send.) A transport error is retried here
 * (the transports try once); after the last try the runner pauses and applies the batch again
 * (RetryLater), so a mail server that is down holds the mail back until it answers, and a message
 * the provider rejects for good is recorded as 'rejected' so it blocks nobody else's mail.
 */
@Injectable()
export class MemberMailReactor implements Projection {
  readonly name = 'member-mail';
  readonly version = 1;
  readonly eventTypes = [
    'MemberJoined',
    'ContactDetailsUpdated',
    'MemberErased',
    'DiagnosisRegistered',
    'DiagnosisProposed',
    'DiagnosisAssessed',
    'GroupBecameAssociation',
    'EmailVerificationRequested',
    'MemberReferred',
    'MemberDeclined',
    'ConsentHandOverRequested',
  ] satisfies Array<(MemberEvent | DiagnosisEvent)['type']>;
  private readonly logger = new Logger('MemberMail');

  constructor(
    private readonly transport: MailTransport,
    private readonly templates: MailTemplates,
    private readonly vault: KeyVault,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Inject(MEMBER_MAIL_RETRY_DELAYS) private readonly retryDelaysMs: readonly number[],
  ) {}

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const recorded of events) {
      const event = recorded as unknown as MemberEvent | DiagnosisEvent;
      switch (event.type) {
        case 'MemberJoined': {
          const { memberId, language, personal } = event.data;
          await tx.createQueryBuilder().insert().into(MemberMailRecipient).values({ memberId, language, personal }).orIgnore().execute();
          break;
        }
        case 'ContactDetailsUpdated':
          await tx.update(MemberMailRecipient, { memberId: event.data.memberId }, { personal: event.data.personal });
          break;
        case 'MemberErased':
          // No mail goes to an erased member, so their sealed data is not kept either.
          await tx.delete(MemberMailRecipient, { memberId: event.data.memberId });
          break;
        case 'DiagnosisRegistered':
        case 'DiagnosisProposed': {
          const { diagnosisId, name } = event.data;
          await tx.createQueryBuilder().insert().into(MemberMailDiagnosis).values({ diagnosisId, name, association: null }).orIgnore().execute();
          break;
        }
        case 'DiagnosisAssessed':
        case 'GroupBecameAssociation':
          await tx.update(MemberMailDiagnosis, { diagnosisId: event.data.diagnosisId }, { association: safeAssociation(event.data.association) });
          break;
        case 'EmailVerificationRequested':
          await this.dispatch(recorded.id, 'verification', event.data.memberId, tx, () => this.verification(event.data, tx));
          break;
        case 'MemberReferred':
          await this.dispatch(recorded.id, 'referral', event.data.memberId, tx, () => this.decision('referral', event.data, tx));
          break;
        case 'MemberDeclined':
          await this.dispatch(recorded.id, 'not-rare', event.data.memberId, tx, () => this.decision('not-rare', event.data, tx));
          break;
        case 'ConsentHandOverRequested':
          for (const kind of ['consent-hand-over', 'consent-hand-over-relative'] as const) {
            await this.dispatch(recorded.id, kind, event.data.memberId, tx, () => this.handOver(kind, event.data, tx));
          }
          break;
      }
    }
  }

  /** Empties what is derived from the log, but keeps the dispatches: a rebuild must not mail again. */
  async reset(tx: EntityManager): Promise<void> {
    await tx.clear(MemberMailRecipient);
    await tx.clear(MemberMailDiagnosis);
  }

  private async dispatch(eventId: string, kind: MemberMailKind, memberId: string, tx: EntityManager, prepare: () => Promise<Prepared>): Promise<void> {
    if (await tx.existsBy(MemberMailDispatch, { eventId, kind })) return;
    const prepared = await prepare();
    let outcome: MemberMailOutcome;
    let providerMessageId: string | null = null;
    if ('skip' in prepared) {
      outcome = prepared.skip;
    } else {
      try {
        providerMessageId = (await this.send(prepared.mail, kind, eventId)).providerMessageId;
        outcome = 'sent';
      } catch (error) {
        if (!(error instanceof MailRejectedError)) throw error;
        this.logger.warn(`the ${kind} mail for event ${eventId} was rejected (${error.reason})`);
        outcome = 'rejected';
      }
    }
    await tx.insert(MemberMailDispatch, { eventId, memberId, kind, outcome, providerMessageId });
  }

  private async send(mail: OutgoingMail, kind: MemberMailKind, eventId: string): Promise<{ providerMessageId: string }> {
    try {
      return await sendWithRetries(this.transport, mail, this.retryDelaysMs, (reason) => this.logger.warn(`the ${kind} mail for event ${eventId} failed (${reason}); trying again`));
    } catch (error) {
      if (error instanceof MailRejectedError) throw error;
      throw new MailNotSentError(`the ${kind} mail for event ${eventId} could not be sent (${mailFailureKind(error)})`);
    }
  }

  private async verification(data: EmailVerificationRequested['data'], tx: EntityManager): Promise<Prepared> {
    // A link that no longer works helps nobody (e.g. when the reactor catches up after a long stop).
    if (new Date(data.expiresAt) <= this.clock.now()) return { skip: 'expired' };
    const secret = await this.vault.open<{ token: string; email: string } | undefined>(data.memberId, data.sealed, undefined);
    if (!secret) return { skip: 'erased' };
    const { language, personal } = await this.recipient(data.memberId, tx);
    const link = this.tokenLink('verify', secret.token);
    const rendered = this.templates.render('verification', language, {
      name: personal?.name ?? '',
      link,
      expiresAt: data.expiresAt,
      emailChange: data.purpose === 'email-change',
      contactEmail: this.config.MAIL_FROM,
    });
    // An email change goes to the new address: that is the one to prove.
    return { mail: { to: secret.email, ...rendered, headers: HEADERS } };
  }

  private async decision(kind: 'referral' | 'not-rare', data: { memberId: string; diagnosisId: string }, tx: EntityManager): Promise<Prepared> {
    const to = await this.addressee(data.memberId, tx);
    if ('skip' in to) return to;
    const { language, personal } = to;
    const diagnosis = await tx.findOneBy(MemberMailDiagnosis, { diagnosisId: data.diagnosisId });
    const common = { name: personal.name, diagnosisName: diagnosis?.name ?? '', contactEmail: this.config.MAIL_FROM };
    const rendered =
      kind === 'referral'
        ? this.templates.render('referral', language, { ...common, association: diagnosis?.association ?? null })
        : this.templates.render('not-rare', language, common);
    return { mail: { to: personal.email, ...rendered, headers: HEADERS } };
  }

  /**
   * The consent hand-over's mails. Both go to the member's address, the only one there is (the
   * relative's): the young person's own message with the link, written to be passed on as it
   * is, and one asking the relative to pass it on.
   */
  private async handOver(kind: 'consent-hand-over' | 'consent-hand-over-relative', data: ConsentHandOverRequested['data'], tx: EntityManager): Promise<Prepared> {
    // Once the consent may have lapsed, these mails would only mislead.
    if (new Date(data.lapsesAt) <= this.clock.now()) return { skip: 'expired' };
    const to = await this.addressee(data.memberId, tx);
    if ('skip' in to) return to;
    const common = { consentAge: data.consentAge, lapsesAt: data.lapsesAt, contactEmail: this.config.MAIL_FROM };
    if (kind === 'consent-hand-over-relative') {
      return { mail: { to: to.personal.email, ...this.templates.render(kind, to.language, { ...common, name: to.personal.name }), headers: HEADERS } };
    }
    const secret = await this.vault.open<{ token: string } | undefined>(data.memberId, data.sealed, undefined);
    if (!secret) return { skip: 'erased' };
    const link = this.tokenLink('consent-hand-over', secret.token);
    return { mail: { to: to.personal.email, ...this.templates.render(kind, to.language, { ...common, relativeName: to.personal.name, link }), headers: HEADERS } };
  }

  /** A link to one of the service's pages with a one-time token. */
  private tokenLink(page: string, token: string): string {
    return `${this.config.PUBLIC_URL.replace(/\/+$/, '')}/${page}?token=${encodeURIComponent(token)}`;
  }

  /** The member as a mail's addressee (language, opened details with an address), or why no mail can go. */
  private async addressee(memberId: string, tx: EntityManager): Promise<{ language: string; personal: PersonalData & { email: string } } | { skip: 'erased' | 'no-email' }> {
    const { language, personal, known } = await this.recipient(memberId, tx);
    if (known && !personal) return { skip: 'erased' };
    if (!personal?.email) return { skip: 'no-email' };
    return { language, personal: { ...personal, email: personal.email } };
  }

  private async recipient(memberId: string, tx: EntityManager): Promise<{ language: string; personal?: PersonalData; known: boolean }> {
    const row = await tx.findOneBy(MemberMailRecipient, { memberId });
    if (!row) return { language: 'da', known: false };
    const personal = await this.vault.open<PersonalData | undefined>(memberId, row.personal, undefined);
    return { language: row.language, personal, known: true };
  }
}

/** Keeps an association's web address only if it is http(s), and its email only if it looks like one. */
function safeAssociation(association: PatientAssociation | undefined): PatientAssociation | null {
  if (!association) return null;
  const url = association.url && /^https?:\/\/[^\s"'<>]+$/i.test(association.url) ? association.url : undefined;
  const email = association.email && /^[^\s@"'<>]+@[^\s@"'<>]+$/.test(association.email) ? association.email : undefined;
  return { name: association.name, ...(email ? { email } : {}), ...(url ? { url } : {}) };
}
