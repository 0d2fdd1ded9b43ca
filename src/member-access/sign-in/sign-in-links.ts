import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { PersonalData } from '../../../contracts/events/membership.events';
import { DiagnosisCatalogue } from '../../../projections/diagnosis-catalogue/diagnosis-catalogue.queries';
import { MemberDirectory, type SignInCandidate } from '../../../projections/member-directory/member-directory.queries';
import { AppConfig } from '../../config/app-config';
import { KeyVault } from '../../crypto/key-vault';
import { MailTemplates } from '../../mail/mail-templates';
import { MailTransport } from '../../mail/mail-transport';
import { EmailClaims } from '../../membership/email-claims';
import { MemberSessions } from '../member-sessions';

/** Mail sent on its own, not written by a person (RFC 3834): auto-responders stay quiet. */
const HEADERS = { 'Auto-Submitted': 'auto-generated' };

/**
 * Emailed sign-in links (POST /me/login-link). The request path does the same work whether or not
 * a member has the address (a digest and one query); links are made and mailed afterwards, in the
 * background, so neither the answer nor its timing tells whether the address is known.
 *
 * The link is not an event: like the session it opens it lives in member_sign_in_links
 * (MemberSessions), and a mail that fails is not retried; the member asks for a new link.
 */
@Injectable()
export class SignInLinks implements OnModuleDestroy {
  private readonly logger = new Logger('SignIn');
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly claims: EmailClaims,
    private readonly directory: MemberDirectory,
    private readonly catalogue: DiagnosisCatalogue,
    private readonly sessions: MemberSessions,
    private readonly vault: KeyVault,
    private readonly templates: MailTemplates,
    private readonly transport: MailTransport,
    private readonly config: AppConfig,
  ) {}

  /** Finds who may sign in with the address and mails each a link once the caller has answered. */
  async request(email: string): Promise<void> {
    const emailDigest = this.claims.digest(email);
    const candidates = await this.directory.signInCandidates(emailDigest);
    if (candidates.length === 0) return;
    const sending = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.mailLinks(candidates, emailDigest))
      .catch((error: unknown) => this.failed(error))
      .finally(() => this.sending.delete(sending));
    this.sending.add(sending);
  }

  /** Lets links being mailed finish before the pool closes at shutdown. */
  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.sending]);
  }

  private async mailLinks(candidates: readonly SignInCandidate[], emailDigest: string): Promise<void> {
    const diagnosisNames = await this.catalogue.names(candidates.map((candidate) => candidate.diagnosisId));
    for (const candidate of candidates) {
      await this.mailLink(candidate, diagnosisNames.get(candidate.diagnosisId) ?? null, emailDigest).catch((error: unknown) => this.failed(error));
    }
  }

  /** Logged by class only: a transport's message may quote the address. */
  private failed(error: unknown): void {
    this.logger.warn(`a sign-in link could not be sent (${error instanceof Error ? error.name : typeof error})`);
  }

  private async mailLink(candidate: SignInCandidate, diagnosisName: string | null, emailDigest: string): Promise<void> {
    const personal = await this.vault.open<PersonalData | null>(candidate.memberId, candidate.personal, null);
    // An erased member's data no longer opens; and a link goes only to the address it was asked for.
    if (!personal?.email || this.claims.digest(personal.email) !== emailDigest) return;
    const { token, expiresAt } = await this.sessions.issueLink(candidate.memberId);
    const link = `${this.config.PUBLIC_URL.replace(/\/+$/, '')}/me/sign-in?token=${encodeURIComponent(token)}`;
    const rendered = this.templates.render('sign-in-link', candidate.language, {
      name: personal.name,
      link,
      expiresAt,
      minutes: this.config.SIGN_IN_LINK_TTL_MINUTES,
      diagnosisName,
      contactEmail: this.config.MAIL_FROM,
    });
    await this.transport.send({ to: personal.email, ...rendered, headers: HEADERS });
  }
}
