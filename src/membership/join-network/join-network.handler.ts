import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { JoinNetworkDto } from '../../../contracts/commands/join-network.dto';
import { isKnownConsentVersion } from '../../../contracts/consent-texts';
import { diagnosisStream } from '../../../contracts/events/diagnosis.events';
import { memberStream, type PersonalData } from '../../../contracts/events/membership.events';
import { KeyVault } from '../../crypto/key-vault';
import { type DiagnosisState, diagnosisEvolver } from '../../diagnoses/diagnosis';
import { nameKey, orphaNumber } from '../../diagnoses/diagnosis-codes';
import { DiagnosisLookup } from '../../diagnoses/diagnosis-lookup';
import { uuidOfDigest } from '../../domain/derived-id';
import { IdGenerator } from '../../domain/clock';
import { invalid } from '../../domain/domain-error';
import { type CommandContext, handleCommand, loadState, toNewEvents } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore, WrongExpectedRevisionError } from '../../event-store/event-store.port';
import { STATUS_OF, isAdmissionEvent } from '../admission';
import { EmailClaims } from '../email-claims';
import { isActive, memberEvolver } from '../member';
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
    const personal = personalDataOf(payload, phone);

    const emailDigest = payload.email ? this.claims.digest(payload.email) : undefined;
    if (emailDigest) {
      const existing = await this.existingMember(emailDigest, diagnosis.diagnosisId, memberId, personal);
      // The same sign-up again, not verified yet (a second click): its own answer again, and nothing new.
      if (existing?.repeated) return { memberId: existing.memberId, status: existing.status };
      // Anyone may call this route: the member's id and status would tell them that the owner of
      // an address is in this diagnosis group. Only the secretariat, who sees memberships anyway,
      // gets the first member back; anyone else gets the answer of a new sign-up, under an id
      // that is never written, and nothing is appended or mailed.
      if (existing) return context.actorRole === 'secretariat' ? { memberId: existing.memberId, status: existing.status } : { memberId, status: 'awaiting-verification' };
    }
    try {
      // The proposal first: if the member's append then fails, what is left is a proposal nobody
      // waits for (the secretariat sees a waiting count of 0), never a member waiting for nothing.
      if (diagnosis.status === 'none') await this.propose(diagnosis, payload, memberId, context);
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
    const id = diagnosisId ?? (await this.diagnoses.findByCodes({ name: name ?? '', orphaCode })) ?? this.proposalId(name ?? '', orphaCode);
    const { state } = await loadState(this.store, diagnosisStream(id), diagnosisEvolver);
    if (state.status !== 'none') return state;
    if (diagnosisId) throw invalid('unknown-diagnosis', 'diagnosis.diagnosisId', 'No diagnosis has this id; see GET /diagnoses.');
    return { diagnosisId: id, name: name ?? '', status: 'none' };
  }

  /**
   * A new diagnosis's id, the same for the same ORPHAcode (or name) each time, so that sign-ups
   * naming it before the catalogue shows the first proposal (a second click, two applicants at
   * once) make one proposal, not two. Keyed, so that nobody can tell from an id which name it is.
   */
  private proposalId(name: string, orphaCode: string | undefined): string {
    const number = orphaNumber(orphaCode);
    const digest = this.vault.keyedDigest('diagnosis-proposal', number ? `orpha:${number}` : `name:${nameKey(name)}`);
    return uuidOfDigest(Buffer.from(digest, 'base64url').toString('hex'));
  }

  /**
   * The member that already holds this address in this group, as long as that member is still
   * taking part and the address is still theirs (a claim left behind by a change of address cut
   * short keeps nobody out). One who has not verified the address yet holds it only against the
   * same sign-up again (`repeated`: a second click); a different one takes it over, so that a
   * sign-up someone made with another's address keeps the owner out no longer than it takes to
   * sign up, and the newest sign-up's link is the one that works (VerifyEmailHandler refuses the
   * older one's).
   */
  private async existingMember(
    emailDigest: string,
    diagnosisId: string,
    memberId: string,
    personal: PersonalData,
  ): Promise<(JoinNetworkResult & { repeated: boolean }) | undefined> {
    const holder = await this.claims.claim(emailDigest, diagnosisId, memberId);
    if (!holder) return undefined;
    const { state } = await loadState(this.store, memberStream(holder), memberEvolver);
    const held = isActive(state) ? await this.vault.open<PersonalData | undefined>(holder, state.personal, undefined) : undefined;
    if (held?.email !== undefined && this.claims.digest(held.email) === emailDigest) {
      if (state.status !== 'awaiting-verification') return { memberId: holder, status: state.status, repeated: false };
      if (samePerson(held, personal)) return { memberId: holder, status: state.status, repeated: true };
    }
    if (await this.claims.takeOver(emailDigest, diagnosisId, holder, memberId)) return undefined;
    return this.existingMember(emailDigest, diagnosisId, memberId, personal); // another sign-up took it over first
  }

  private async propose(diagnosis: DiagnosisState, payload: JoinNetworkDto, memberId: string, context: CommandContext): Promise<void> {
    const { name, orphaCode, icd10 } = payload.diagnosis;
    const proposed = {
      type: 'DiagnosisProposed',
      data: { diagnosisId: diagnosis.diagnosisId, name: (name ?? '').trim(), ...(orphaCode ? { orphaCode } : {}), ...(icd10 ? { icd10 } : {}), proposedBy: memberId },
    };
    await this.store.append(diagnosisStream(diagnosis.diagnosisId), toNewEvents([proposed], context), 'no_stream').catch((error: unknown) => {
      // The same diagnosis proposed by another sign-up a moment before: this one joins it.
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    });
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

/** The sign-up's personal data as it is sealed: trimmed, the phone number in E.164. */
function personalDataOf(payload: JoinNetworkDto, phone: string): PersonalData {
  return {
    name: payload.name.trim(),
    ...(payload.email ? { email: payload.email.trim() } : {}),
    phone,
    address: { ...payload.address, street: payload.address.street.trim(), city: payload.address.city.trim() },
    ...(payload.birthYear !== undefined ? { birthYear: payload.birthYear } : {}),
    ...(payload.patientBirthYear !== undefined ? { patientBirthYear: payload.patientBirthYear } : {}),
  };
}

/** The same person's sign-up: the same name, phone and postal address. */
function samePerson(a: PersonalData, b: PersonalData): boolean {
  const who = ({ name, phone, address }: PersonalData) => JSON.stringify([name, phone, address.street, address.postalCode, address.city, address.country]);
  return who(a) === who(b);
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
