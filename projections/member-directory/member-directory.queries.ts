import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import type { ContactField, Country, Language, OptIns, PersonalData, Relation, Role, SignUpChannel } from '../../contracts/events/membership.events';
import { StaffAccessLog } from '../../src/access-log/staff-access-log';
import { KeyVault } from '../../src/crypto/key-vault';
import { notFound } from '../../src/domain/domain-error';
import type { Caller } from '../../src/http/access.guard';
import { type DirectoryStatus, MemberDirectoryEntry, MemberDirectoryMembership, type MembershipStatus } from './member-directory.entity';

export interface MemberRecord {
  memberId: string;
  status: DirectoryStatus;
  restricted: boolean;
  role: Role;
  relation: Relation | null;
  channel: SignUpChannel;
  country: Country;
  language: Language;
  consent: {
    textVersion: string;
    givenAt: string;
    givenBy: 'self' | 'relative';
    attestedByStaff: boolean;
    scope: 'group' | 'cluster';
    sharedFields: ContactField[];
    allowTransferToGreenland: boolean;
  };
  optIns: OptIns;
  emailVerified: boolean;
  emailChangePending: boolean;
  joinedAt: string;
  memberships: Array<{ diagnosisId: string; status: MembershipStatus }>;
  /** The member's personal data, opened; null when their key was shredded (erased). */
  personal: PersonalData | null;
}

/** A member an emailed sign-in link may go to; their personal data still sealed. */
export interface SignInCandidate {
  memberId: string;
  diagnosisId: string;
  language: Language;
  personal: string;
}

@Injectable()
export class MemberDirectory {
  constructor(
    @InjectRepository(MemberDirectoryEntry) private readonly members: Repository<MemberDirectoryEntry>,
    @InjectRepository(MemberDirectoryMembership) private readonly memberships: Repository<MemberDirectoryMembership>,
    private readonly vault: KeyVault,
    private readonly accessLog: StaffAccessLog,
  ) {}

  /**
   * One member's record with their personal data opened. The look-up is written to the staff
   * access log before the record is returned; if that fails, nothing is returned.
   */
  async lookUp(memberId: string, by: { caller: Caller; purpose?: string }): Promise<MemberRecord> {
    const record = await this.read(memberId);
    await this.accessLog.record({ caller: by.caller, kind: 'member', subject: memberId, memberIds: [memberId], purpose: by.purpose });
    return record;
  }

  /**
   * The signed-in member's own record (GET /me). Not a staff look-up, so not in the staff access
   * log; staff routes use lookUp.
   */
  ownRecord(memberId: string): Promise<MemberRecord> {
    return this.read(memberId);
  }

  /**
   * Who may be sent a sign-in link for an address: the members holding it (by its keyed digest,
   * see EmailClaims) whose email is verified and who are not erased. Withdrawn members are among
   * them, so that they can still see who has their data and ask for its erasure.
   */
  async signInCandidates(emailDigest: string): Promise<SignInCandidate[]> {
    const rows: Array<{ member_id: string; diagnosis_id: string; language: Language; personal: string }> = await this.members.query(
      `SELECT d.member_id::text, c.diagnosis_id::text, d.language, d.personal
       FROM member_email_claims c JOIN member_directory d ON d.member_id = c.member_id
       WHERE c.email_digest = $1 AND d.email_verified AND d.status <> 'erased'
       ORDER BY d.member_id`,
      [emailDigest],
    );
    return rows.map((row) => ({ memberId: row.member_id, diagnosisId: row.diagnosis_id, language: row.language, personal: row.personal }));
  }

  /** The current names of these members; null for one whose key was shredded (erased) or who is unknown. */
  async names(memberIds: readonly string[]): Promise<Map<string, string | null>> {
    const entries = memberIds.length === 0 ? [] : await this.members.find({ select: { memberId: true, personal: true }, where: { memberId: In([...memberIds]) } });
    const opened = await this.vault.openMany<PersonalData | null>(
      entries.map((entry) => ({ subjectId: entry.memberId, sealed: entry.personal })),
      null,
    );
    const names = new Map<string, string | null>(memberIds.map((memberId) => [memberId, null]));
    entries.forEach((entry, index) => names.set(entry.memberId, opened[index]?.name ?? null));
    return names;
  }

  private async read(memberId: string): Promise<MemberRecord> {
    const entry = await this.members.findOneBy({ memberId });
    if (!entry) throw notFound('unknown-member', 'There is no member with this id.');
    const memberships = await this.memberships.find({ where: { memberId }, order: { diagnosisId: 'ASC' } });
    const personal = await this.vault.open<PersonalData | null>(memberId, entry.personal, null);
    return {
      memberId,
      status: entry.status,
      restricted: entry.restricted,
      role: entry.role,
      relation: entry.relation,
      channel: entry.channel,
      country: entry.country,
      language: entry.language,
      consent: {
        textVersion: entry.consentTextVersion,
        givenAt: entry.consentGivenAt.toISOString(),
        givenBy: entry.consentGivenBy,
        attestedByStaff: entry.consentAttestedByStaff,
        scope: entry.consentScope,
        sharedFields: entry.sharedFields,
        allowTransferToGreenland: entry.allowTransferToGreenland,
      },
      optIns: { newsletter: entry.optInNewsletter, meetups: entry.optInMeetups, facebookInvite: entry.optInFacebookInvite },
      emailVerified: entry.emailVerified,
      emailChangePending: entry.emailChangePending,
      joinedAt: entry.joinedAt.toISOString(),
      memberships: memberships.map((membership) => ({ diagnosisId: membership.diagnosisId, status: membership.status })),
      personal,
    };
  }
}
