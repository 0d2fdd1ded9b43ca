import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { JoinNetworkDto } from '../../../contracts/commands/join-network.dto';
import { isKnownConsentVersion } from '../../../contracts/consent-texts';
import { diagnosisStream } from '../../../contracts/events/diagnosis.events';
import { memberStream, type PersonalData } from '../../../contracts/events/membership.events';
import { KeyVault } from '../../crypto/key-vault';
import { type DiagnosisState, diagnosisEvolver } from '../../diagnoses/diagnosis';
import { DiagnosisLookup } from '../../diagnoses/diagnosis-lookup';
import { IdGenerator } from '../../domain/clock';
import { invalid } from '../../domain/domain-error';
import { type CommandContext, handleCommand, loadState, toNewEvents } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { STATUS_OF, isAdmissionEvent } from '../admission';
import { EmailClaims } from '../email-claims';
import { isActive, type MemberState, memberEvolver } from '../member';
import { newVerificationToken } from '../verification-token';
import { JoinNetworkCommand, type JoinNetworkResult } from './join-network.command';
import { type JoinRequest, checkJoinRules, decideJoin } from './join-network.decide';

/** How long a sign-up's verification link works. */
const VERIFICATION_VALIDITY_MS = 72 * 60 * 60 * 1000;

@CommandHandler(JoinNetworkCommand)
export class JoinNetworkHandler implements ICommandHandler<JoinNetworkCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: KeyVault,
    private readonly claims: EmailClaims,
    private readonly diagnoses: DiagnosisLookup,
    private readonly ids: IdGenerator,
  ) {}

  async execute({ payload, context }: JoinNetworkCommand): Promise<JoinNetworkResult> {
    const request = toJoinRequest(payload);
    const { phone } = checkJoinRules(request, { callerIsStaff: context.actorRole === 'secretariat', now: context.now, isKnownConsentVersion });
    const diagnosis = await this.resolveDiagnosis(payload);
    const memberId = this.ids.newId();

    const emailDigest = payload.email ? this.claims.digest(payload.email) : undefined;
    if (emailDigest) {
      const existing = await this.existingMember(emailDigest, diagnosis.diagnosisId, memberId);
      // Anyone may call this route: the member's id and status would tell them that the owner of
      // an address is in this diagnosis group. Only the secretariat, who sees memberships anyway,
      // gets the first member back; anyone else gets the answer of a new sign-up, under an id
      // that is never written, and nothing is appended or mailed.
      if (existing) return context.actorRole === 'secretariat' ? existing : { memberId, status: 'awaiting-verification' };
    }
    try {
      // The proposal first: if the member's append then fails, what is left is a proposal nobody
      // waits for (the secretariat sees a waiting count of 0), never a member waiting for nothing.
      if (diagnosis.status === 'none') await this.propose(diagnosis, payload, memberId, context);
      const personal: PersonalData = {
        name: payload.name.trim(),
        ...(payload.email ? { email: payload.email.trim() } : {}),
        phone,
        address: { ...payload.address, street: payload.address.street.trim(), city: payload.address.city.trim() },
        ...(payload.birthYear !== undefined ? { birthYear: payload.birthYear } : {}),
        ...(payload.patientBirthYear !== undefined ? { patientBirthYear: payload.patientBirthYear } : {}),
      };
      const sealed = await this.vault.seal(memberId, personal);
      const verification = request.channel || !payload.email ? undefined : await this.verification(memberId, payload.email, context.now);
      const { events } = await handleCommand(
        this.store,
        memberStream(memberId),
        memberEvolver,
        (state) => decideJoin(state, { memberId, request, diagnosis, personal: sealed, verification, now: context.now }),
        context,
      );
      const outcome = events.find(isAdmissionEvent);
      return { memberId, status: outcome ? STATUS_OF[outcome.type] : 'awaiting-verification' };
    } catch (error) {
      if (emailDigest) await this.claims.release(emailDigest, diagnosis.diagnosisId, memberId);
      throw error;
    }
  }

  /** A known diagnosis by id or by codes, or a new one (status none) to be proposed. */
  private async resolveDiagnosis(payload: JoinNetworkDto): Promise<DiagnosisState> {
    const { diagnosisId, name, orphaCode } = payload.diagnosis;
    const id = diagnosisId ?? (await this.diagnoses.findByCodes({ name: name ?? '', orphaCode }));
    if (!id) return { diagnosisId: this.ids.newId(), name: name ?? '', status: 'none' };
    const { state } = await loadState(this.store, diagnosisStream(id), diagnosisEvolver);
    if (state.status === 'none') throw invalid('unknown-diagnosis', 'diagnosis.diagnosisId', 'No diagnosis has this id; see GET /diagnoses.');
    return state;
  }

  /**
   * The member that already holds this address in this group, as long as that member is still
   * taking part, past the verification of their address, and the address is still theirs;
   * otherwise the new sign-up takes the claim over. So a claim left behind by a change of address
   * cut short keeps nobody out, nor does a sign-up never verified (someone else's, with the
   * address typed in, or the owner's whose mail was lost): the newest sign-up's link is the one
   * that works (VerifyEmailHandler refuses the older one's).
   */
  private async existingMember(emailDigest: string, diagnosisId: string, memberId: string): Promise<JoinNetworkResult | undefined> {
    const holder = await this.claims.claim(emailDigest, diagnosisId, memberId);
    if (!holder) return undefined;
    const { state } = await loadState(this.store, memberStream(holder), memberEvolver);
    if (isActive(state) && state.status !== 'awaiting-verification' && (await this.hasAddress(state, emailDigest))) return { memberId: holder, status: state.status };
    if (await this.claims.takeOver(emailDigest, diagnosisId, holder, memberId)) return undefined;
    return this.existingMember(emailDigest, diagnosisId, memberId); // another sign-up took it over first
  }

  private async hasAddress(member: MemberState, emailDigest: string): Promise<boolean> {
    const personal = await this.vault.open<PersonalData | undefined>(member.memberId, member.personal, undefined);
    return personal?.email !== undefined && this.claims.digest(personal.email) === emailDigest;
  }

  private async propose(diagnosis: DiagnosisState, payload: JoinNetworkDto, memberId: string, context: CommandContext): Promise<void> {
    const { name, orphaCode, icd10 } = payload.diagnosis;
    const proposed = {
      type: 'DiagnosisProposed',
      data: { diagnosisId: diagnosis.diagnosisId, name: (name ?? '').trim(), ...(orphaCode ? { orphaCode } : {}), ...(icd10 ? { icd10 } : {}), proposedBy: memberId },
    };
    await this.store.append(diagnosisStream(diagnosis.diagnosisId), toNewEvents([proposed], context), 'no_stream');
  }

  private async verification(memberId: string, email: string, now: Date) {
    const { token, tokenHash } = newVerificationToken(memberId);
    return {
      tokenHash,
      expiresAt: new Date(now.getTime() + VERIFICATION_VALIDITY_MS).toISOString(),
      sealed: await this.vault.seal(memberId, { token, email: email.trim() }),
    };
  }
}

function toJoinRequest(payload: JoinNetworkDto): JoinRequest {
  return {
    role: payload.role,
    birthYear: payload.birthYear,
    relation: payload.relation,
    patientBirthYear: payload.patientBirthYear,
    phone: payload.phone,
    country: payload.address.country,
    postalCode: payload.address.postalCode,
    language: payload.language,
    consent: payload.consent,
    optIns: payload,
    channel: payload.channel,
    hasEmail: payload.email !== undefined,
  };
}
