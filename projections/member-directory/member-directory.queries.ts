import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { ContactField, Country, Language, OptIns, PersonalData, Relation, Role, SignUpChannel } from '../../contracts/events/membership.events';
import { StaffAccessLog } from '../../src/access-log/staff-access-log';
import { KeyVault } from '../../src/crypto/key-vault';
import { notFound } from '../../src/domain/domain-error';
import type { Caller } from '../../src/http/access.guard';
import type { MemberStatus } from '../../src/membership/member';
import { MemberDirectoryEntry, MemberDirectoryMembership, type MembershipStatus } from './member-directory.entity';

export interface MemberRecord {
  memberId: string;
  status: MemberStatus;
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
    const entry = await this.members.findOneBy({ memberId });
    if (!entry) throw notFound('unknown-member', 'There is no member with this id.');
    const memberships = await this.memberships.find({ where: { memberId }, order: { diagnosisId: 'ASC' } });
    const personal = await this.vault.open<PersonalData | null>(memberId, entry.personal, null);
    await this.accessLog.record({ caller: by.caller, kind: 'member', subject: memberId, memberIds: [memberId], purpose: by.purpose });
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
