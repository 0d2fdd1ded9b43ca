import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { ContactDetails, ContactField, Country, Language, PersonalData, Role } from '../../contracts/events/membership.events';
import { StaffAccessLog } from '../../src/access-log/staff-access-log';
import { KeyVault } from '../../src/crypto/key-vault';
import type { Caller } from '../../src/http/access.guard';
import { GroupRosterEntry, type RosterStatus } from './group-roster.entity';

export interface RosterMember {
  memberId: string;
  status: RosterStatus;
  role: Role;
  country: Country;
  language: Language;
  consent: { scope: 'group' | 'cluster'; sharedFields: ContactField[]; allowTransferToGreenland: boolean };
  emailVerified: boolean;
  admittedAt: string;
  /** The member's contact details, opened; null when their key was shredded (erased). */
  contact: ContactDetails | null;
}

export interface GroupRoster {
  diagnosisId: string;
  members: RosterMember[];
}

@Injectable()
export class GroupRosters {
  constructor(
    @InjectRepository(GroupRosterEntry) private readonly roster: Repository<GroupRosterEntry>,
    private readonly vault: KeyVault,
    private readonly accessLog: StaffAccessLog,
  ) {}

  /**
   * A group's current roster with the members' contact details opened (the keys looked up in one
   * batch). The look-up is written to the staff access log, naming every member shown, before
   * the roster is returned; if that fails, nothing is returned.
   */
  async lookUp(diagnosisId: string, by: { caller: Caller; purpose?: string }): Promise<GroupRoster> {
    const entries = await this.roster.find({ where: { diagnosisId }, order: { admittedAt: 'ASC', memberId: 'ASC' } });
    const opened = await this.vault.openMany<PersonalData | null>(
      entries.map((entry) => ({ subjectId: entry.memberId, sealed: entry.personal })),
      null,
    );
    const members = entries.map((entry, index) => rosterMember(entry, opened[index]));
    await this.accessLog.record({ caller: by.caller, kind: 'roster', subject: diagnosisId, memberIds: entries.map((entry) => entry.memberId), purpose: by.purpose });
    return { diagnosisId, members };
  }
}

function rosterMember(entry: GroupRosterEntry, personal: PersonalData | null): RosterMember {
  return {
    memberId: entry.memberId,
    status: entry.status,
    role: entry.role,
    country: entry.country,
    language: entry.language,
    consent: { scope: entry.consentScope, sharedFields: entry.sharedFields, allowTransferToGreenland: entry.allowTransferToGreenland },
    emailVerified: entry.emailVerified,
    admittedAt: entry.admittedAt.toISOString(),
    contact: personal ? contactDetails(personal) : null,
  };
}

/** Only the contact details: a roster shows no birth years. */
function contactDetails({ name, email, phone, address }: PersonalData): ContactDetails {
  return { name, ...(email !== undefined ? { email } : {}), phone, address };
}
