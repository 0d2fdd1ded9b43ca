import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { ContactField, Country, Language, MemberEvent, Role } from '../../contracts/events/membership.events';
import type { Projection } from '../runner/projection';

/** What the roster knows of one member (a row of group_roster_members). */
export interface RosterMemberState {
  memberId: string;
  diagnosisId: string;
  role: Role;
  country: Country;
  language: Language;
  consentScope: 'group' | 'cluster';
  sharedFields: ContactField[];
  allowTransferToGreenland: boolean;
  emailVerified: boolean;
  restricted: boolean;
  admittedAt: string | null;
  withdrawn: boolean;
  personal: string | null;
  position: bigint;
}

const ROSTER_EVENTS = new Set<string>([
  'MemberJoined',
  'EmailVerified',
  'MemberAdmitted',
  'ContactDetailsUpdated',
  'MemberRestricted',
  'RestrictionLifted',
  'ConsentWithdrawn',
  'ConsentLapsed',
  'MemberErased',
] satisfies Array<MemberEvent['type']>);

/**
 * One member's roster state after an event. An event at or before the member's position was
 * applied already and changes nothing; a withdrawn or erased member keeps only a tombstone.
 */
export function evolveRosterMember(member: RosterMemberState | undefined, recorded: RecordedEvent): RosterMemberState | undefined {
  if (member && recorded.position <= member.position) return member;
  const event = recorded as unknown as MemberEvent;
  const position = recorded.position;
  if (event.type === 'MemberJoined') {
    if (member) return member;
    const { memberId, diagnosisId, role, country, language, consent, personal } = event.data;
    return {
      memberId,
      diagnosisId,
      role,
      country,
      language,
      consentScope: consent.scope,
      sharedFields: consent.sharedFields,
      allowTransferToGreenland: consent.allowTransferToGreenland,
      emailVerified: false,
      restricted: false,
      admittedAt: null,
      withdrawn: false,
      personal,
      position,
    };
  }
  if (!member || member.withdrawn) return member;
  switch (event.type) {
    case 'EmailVerified':
      return { ...member, emailVerified: true, position };
    case 'MemberAdmitted':
      return { ...member, diagnosisId: event.data.diagnosisId, admittedAt: event.data.admittedAt, position };
    case 'ContactDetailsUpdated':
      return { ...member, personal: event.data.personal, country: event.data.country, position };
    case 'MemberRestricted':
      return { ...member, restricted: true, position };
    case 'RestrictionLifted':
      return { ...member, restricted: false, position };
    case 'ConsentWithdrawn':
    case 'ConsentLapsed':
    case 'MemberErased':
      // Off the roster for good; only the tombstone stays (no sealed data).
      return { ...member, withdrawn: true, personal: null, position };
    default:
      return member;
  }
}

interface MemberRow {
  member_id: string;
  diagnosis_id: string;
  role: Role;
  country: Country;
  language: Language;
  consent_scope: 'group' | 'cluster';
  shared_fields: ContactField[];
  allow_transfer_to_greenland: boolean;
  email_verified: boolean;
  restricted: boolean;
  admitted_at: Date | null;
  withdrawn: boolean;
  personal: string | null;
  position: string;
}

/**
 * group-roster: per diagnosis group, its admitted members whose consent stands, with what a
 * contact list needs (status, consent scope, shared fields, Greenland transfer, sealed personal
 * data). Withdrawal and erasure take the member off at once; a restriction marks them 'restricted'.
 *
 * A batch is folded in memory per member (from group_roster_members), written back in one
 * statement, and the affected members' group_roster rows are made again from it.
 */
@Injectable()
export class GroupRosterProjector implements Projection {
  readonly name = 'group-roster';
  readonly version = 1;
  readonly eventTypes = [...ROSTER_EVENTS];

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const relevant = events.filter((event) => ROSTER_EVENTS.has(event.type));
    if (relevant.length === 0) return;
    const memberIds = [...new Set(relevant.map(memberIdOf))];
    const rows: MemberRow[] = await tx.query(
      `SELECT member_id::text, diagnosis_id::text, role, country, language, consent_scope, shared_fields, allow_transfer_to_greenland,
              email_verified, restricted, admitted_at, withdrawn, personal, position::text
       FROM group_roster_members WHERE member_id = ANY($1::uuid[])`,
      [memberIds],
    );
    const members = new Map(rows.map((row) => [row.member_id, fromRow(row)]));
    const changed = new Set<string>();
    for (const event of relevant) {
      const memberId = memberIdOf(event);
      const before = members.get(memberId);
      const after = evolveRosterMember(before, event);
      if (after && after !== before) {
        members.set(memberId, after);
        changed.add(memberId);
      }
    }
    if (changed.size === 0) return;
    await this.save([...changed].map((memberId) => members.get(memberId) as RosterMemberState), tx);
    await this.rebuildRosterRows([...changed], tx);
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM group_roster');
    await tx.query('DELETE FROM group_roster_members');
  }

  private async save(members: RosterMemberState[], tx: EntityManager): Promise<void> {
    const records = members.map((member) => ({
      member_id: member.memberId,
      diagnosis_id: member.diagnosisId,
      role: member.role,
      country: member.country,
      language: member.language,
      consent_scope: member.consentScope,
      shared_fields: member.sharedFields,
      allow_transfer_to_greenland: member.allowTransferToGreenland,
      email_verified: member.emailVerified,
      restricted: member.restricted,
      admitted_at: member.admittedAt,
      withdrawn: member.withdrawn,
      personal: member.personal,
      position: member.position.toString(),
    }));
    await tx.query(
      `INSERT INTO group_roster_members AS m
         (member_id, diagnosis_id, role, country, language, consent_scope, shared_fields, allow_transfer_to_greenland,
          email_verified, restricted, admitted_at, withdrawn, personal, position)
       SELECT member_id, diagnosis_id, role, country, language, consent_scope, shared_fields, allow_transfer_to_greenland,
              email_verified, restricted, admitted_at, withdrawn, personal, position
       FROM jsonb_to_recordset($1::jsonb) AS r(
         member_id uuid, diagnosis_id uuid, role text, country text, language text, consent_scope text, shared_fields text[],
         allow_transfer_to_greenland boolean, email_verified boolean, restricted boolean, admitted_at timestamptz, withdrawn boolean,
         personal text, position bigint)
       ON CONFLICT (member_id) DO UPDATE SET
         diagnosis_id = EXCLUDED.diagnosis_id, role = EXCLUDED.role, country = EXCLUDED.country, language = EXCLUDED.language,
         consent_scope = EXCLUDED.consent_scope, shared_fields = EXCLUDED.shared_fields,
         allow_transfer_to_greenland = EXCLUDED.allow_transfer_to_greenland, email_verified = EXCLUDED.email_verified,
         restricted = EXCLUDED.restricted, admitted_at = EXCLUDED.admitted_at, withdrawn = EXCLUDED.withdrawn,
         personal = EXCLUDED.personal, position = EXCLUDED.position
       WHERE m.position < EXCLUDED.position`,
      [JSON.stringify(records)],
    );
  }

  /** The roster rows of these members, made again from their current state. */
  private async rebuildRosterRows(memberIds: string[], tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM group_roster WHERE member_id = ANY($1::uuid[])', [memberIds]);
    await tx.query(
      `INSERT INTO group_roster
         (diagnosis_id, member_id, status, role, country, language, consent_scope, shared_fields, allow_transfer_to_greenland,
          email_verified, personal, admitted_at)
       SELECT diagnosis_id, member_id, CASE WHEN restricted THEN 'restricted' ELSE 'admitted' END, role, country, language,
              consent_scope, shared_fields, allow_transfer_to_greenland, email_verified, personal, admitted_at
       FROM group_roster_members
       WHERE member_id = ANY($1::uuid[]) AND admitted_at IS NOT NULL AND NOT withdrawn AND personal IS NOT NULL`,
      [memberIds],
    );
  }
}

function memberIdOf(event: RecordedEvent): string {
  return (event.data as { memberId: string }).memberId;
}

function fromRow(row: MemberRow): RosterMemberState {
  return {
    memberId: row.member_id,
    diagnosisId: row.diagnosis_id,
    role: row.role,
    country: row.country,
    language: row.language,
    consentScope: row.consent_scope,
    sharedFields: row.shared_fields,
    allowTransferToGreenland: row.allow_transfer_to_greenland,
    emailVerified: row.email_verified,
    restricted: row.restricted,
    admittedAt: row.admitted_at ? row.admitted_at.toISOString() : null,
    withdrawn: row.withdrawn,
    personal: row.personal,
    position: BigInt(row.position),
  };
}
