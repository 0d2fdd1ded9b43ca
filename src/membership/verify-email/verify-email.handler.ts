import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { diagnosisStream } from '../../../contracts/events/diagnosis.events';
import { memberStream, type PersonalData } from '../../../contracts/events/membership.events';
import { KeyVault } from '../../crypto/key-vault';
import { diagnosisEvolver, initialDiagnosisState } from '../../diagnoses/diagnosis';
import { conflict, DomainError, invalid } from '../../domain/domain-error';
import { handleCommand, loadState } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { STATUS_OF, isAdmissionEvent } from '../admission';
import { EmailClaims } from '../email-claims';
import { type MemberState, memberEvolver } from '../member';
import { parseVerificationToken, secretMatches } from '../verification-token';
import { VerifyEmailCommand, type VerifyEmailResult } from './verify-email.command';
import { decideVerifyEmail } from './verify-email.decide';

@CommandHandler(VerifyEmailCommand)
export class VerifyEmailHandler implements ICommandHandler<VerifyEmailCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: KeyVault,
    private readonly claims: EmailClaims,
  ) {}

  async execute({ token, context }: VerifyEmailCommand): Promise<VerifyEmailResult> {
    const parsed = parseVerificationToken(token);
    if (!parsed) throw invalid('invalid-token', 'token', 'This link is not valid. Ask for a new one.');
    const { state: member } = await loadState(this.store, memberStream(parsed.memberId), memberEvolver);
    const diagnosis = member.exists ? (await loadState(this.store, diagnosisStream(member.diagnosisId), diagnosisEvolver)).state : initialDiagnosisState;
    const matched = matchedLink(member, parsed.secret);
    if (matched === 'pending' && member.pendingVerification?.purpose === 'sign-up' && (await this.superseded(member))) {
      throw conflict('sign-up-superseded', 'A newer sign-up with this address took the place of this one. Use the link in the newest email.');
    }
    const change = matched === 'pending' && member.pendingVerification?.purpose === 'email-change' ? await this.withNewEmail(member) : undefined;
    // The new address is claimed before the change is appended and the old one let go after (EmailClaims.keepOnly),
    // unless another member of the group holds the new one: then the old claim stays, the member's only one.
    const newDigest = change ? this.claims.digest(change.email) : undefined;
    const holder = newDigest === undefined ? undefined : await this.claims.claim(newDigest, member.diagnosisId, member.memberId);
    const claimedNow = newDigest !== undefined && holder === undefined;

    const { state, events } = await handleCommand(
      this.store,
      memberStream(parsed.memberId),
      memberEvolver,
      (current) => decideVerifyEmail(current, { matched, matchedTokenHash: member.pendingVerification?.tokenHash, diagnosis, changedPersonal: change?.changed, now: context.now }),
      context,
    ).catch(async (error: unknown) => {
      // Let the new address go only when the change was refused: after a concurrent change (the same
      // link used twice at once) or an append whose outcome is unknown, the change may be in the log,
      // and holding both addresses is the safe side (a sign-up takes over an address no longer theirs).
      if (claimedNow && error instanceof DomainError) await this.claims.release(newDigest, member.diagnosisId, member.memberId);
      throw error;
    });
    if (newDigest && (claimedNow || holder === member.memberId)) await this.claims.keepOnly(member.memberId, newDigest);
    const outcome = events.find(isAdmissionEvent);
    return { memberId: parsed.memberId, status: outcome ? STATUS_OF[outcome.type] : state.status };
  }

  /** Another sign-up with the member's address in their group came later and took the address over (JoinNetworkHandler). */
  private async superseded(member: MemberState): Promise<boolean> {
    const personal = await this.vault.open<PersonalData | undefined>(member.memberId, member.personal, undefined);
    if (!personal?.email) return false;
    const holder = await this.claims.holderOf(this.claims.digest(personal.email), member.diagnosisId);
    return holder !== undefined && holder !== member.memberId;
  }

  /** The member's details with the verified new address, sealed again under their key. */
  private async withNewEmail(member: MemberState): Promise<{ changed: { personal: string; country: MemberState['country'] }; email: string }> {
    const pending = await this.vault.open<{ email: string } | undefined>(member.memberId, member.pendingVerification?.sealed ?? '', undefined);
    const current = await this.vault.open<PersonalData | undefined>(member.memberId, member.personal, undefined);
    if (!pending || !current) throw invalid('invalid-token', 'token', 'This link is not valid. Ask for a new one.');
    const personal = await this.vault.seal(member.memberId, { ...current, email: pending.email });
    return { changed: { personal, country: member.country }, email: pending.email };
  }
}

function matchedLink(member: MemberState, secret: string): 'pending' | 'used' | 'none' {
  if (member.pendingVerification && secretMatches(secret, member.pendingVerification.tokenHash)) return 'pending';
  if (member.usedTokenHash && secretMatches(secret, member.usedTokenHash)) return 'used';
  return 'none';
}
