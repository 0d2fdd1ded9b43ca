import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { Consent, Country, Language, MemberEvent, OptIns, Relation, Role, SignUpChannel } from '../../contracts/events/membership.events';
import { ERASED } from '../../src/crypto/key-vault';
import type { Projection } from '../runner/projection';
import type { DirectoryStatus, MembershipStatus } from './member-directory.entity';

export interface Membership {
  diagnosisId: string;
  status: MembershipStatus;
}

/** One member's directory state (a row of member_directory with its memberships). */
export interface DirectoryMember {
  memberId: string;
  status: DirectoryStatus;
  restricted: boolean;
  role: Role;
  relation: Relation | null;
  channel: SignUpChannel;
  country: Country;
  language: Language;
  consent: Pick<Consent, 'textVersion' | 'givenAt' | 'givenBy' | 'attestedByStaff' | 'scope' | 'sharedFields' | 'allowTransferToGreenland'>;
  optIns: OptIns;
  emailVerified: boolean;
  emailChangePending: boolean;
  personal: string;
  joinedAt: string;
  memberships: Membership[];
  position: bigint;
}

const ADMISSION_STATUS: Partial<Record<MemberEvent['type'], MembershipStatus>> = {
  MemberAwaitingAssessment: 'awaiting-assessment',
  MemberAdmitted: 'admitted',
  MemberReferred: 'referred',
  MemberDeclined: 'declined',
};

/** Memberships that end when consent is withdrawn (a referral or a decline stays what it was). */
const ACTIVE_MEMBERSHIP: ReadonlySet<MembershipStatus> = new Set(['awaiting-verification', 'awaiting-assessment', 'admitted']);

const DIRECTORY_EVENTS = new Set<string>([
  'MemberJoined',
  'EmailVerificationRequested',
  'EmailVerified',
  'MemberAwaitingAssessment',
  'MemberAdmitted',
  'MemberReferred',
  'MemberDeclined',
  'ConsentWithdrawn',
  'ConsentHandOverConfirmed',
  'ConsentLapsed',
  'ContactDetailsUpdated',
  'MemberRestricted',
  'RestrictionLifted',
  'OptInWithdrawn',
  'MemberErased',
] satisfies Array<MemberEvent['type']>);

/** One member's directory state after an event; an event at or before the member's position changes nothing. */
export function evolveDirectoryMember(member: DirectoryMember | undefined, recorded: RecordedEvent): DirectoryMember | undefined {
  if (member && recorded.position <= member.position) return member;
  const event = recorded as unknown as MemberEvent;
  const position = recorded.position;
  if (event.type === 'MemberJoined') {
    if (member) return member;
    const { memberId, diagnosisId, role, relation, country, language, consent, optIns, personal } = event.data;
    return {
      memberId,
      status: 'awaiting-verification',
      restricted: false,
      role,
      relation: relation ?? null,
      channel: consent.channel,
      country,
      language,
      consent: {
        textVersion: consent.textVersion,
        givenAt: consent.givenAt,
        givenBy: consent.givenBy,
        attestedByStaff: consent.attestedByStaff,
        scope: consent.scope,
        sharedFields: consent.sharedFields,
        allowTransferToGreenland: consent.allowTransferToGreenland,
      },
      optIns: { newsletter: optIns.newsletter, meetups: optIns.meetups, facebookInvite: optIns.facebookInvite },
      emailVerified: false,
      emailChangePending: false,
      personal,
      joinedAt: recorded.metadata.occurredAt,
      memberships: [{ diagnosisId, status: 'awaiting-verification' }],
      position,
    };
  }
  // Nothing more happens to an erased member.
  if (!member || member.status === 'erased') return member;
  const admission = ADMISSION_STATUS[event.type];
  if (admission && 'diagnosisId' in event.data) {
    const { diagnosisId } = event.data;
    const others = member.memberships.filter((membership) => membership.diagnosisId !== diagnosisId);
    return { ...member, status: admission, memberships: [...others, { diagnosisId, status: admission }], position };
  }
  switch (event.type) {
    case 'EmailVerificationRequested':
      return { ...member, emailChangePending: member.emailChangePending || event.data.purpose === 'email-change', position };
    case 'EmailVerified':
      return { ...member, emailVerified: true, emailChangePending: event.data.purpose === 'email-change' ? false : member.emailChangePending, position };
    case 'ConsentWithdrawn':
    case 'ConsentLapsed':
      return {
        ...member,
        status: event.type === 'ConsentLapsed' ? 'consent-lapsed' : 'withdrawn',
        memberships: member.memberships.map((membership) => (ACTIVE_MEMBERSHIP.has(membership.status) ? { ...membership, status: 'withdrawn' } : membership)),
        position,
      };
    case 'ConsentHandOverConfirmed': {
      // The young person's own consent: the record now shows it, not the relative's.
      const { textVersion, attestedByStaff, confirmedAt } = event.data;
      return { ...member, consent: { ...member.consent, textVersion, attestedByStaff, givenBy: 'self', givenAt: confirmedAt }, position };
    }
    case 'ContactDetailsUpdated':
      return { ...member, personal: event.data.personal, country: event.data.country, position };
    case 'MemberRestricted':
      return { ...member, restricted: true, position };
    case 'RestrictionLifted':
      return { ...member, restricted: false, position };
    case 'OptInWithdrawn':
      return { ...member, optIns: { ...member.optIns, [event.data.optIn]: false }, position };
    case 'MemberErased':
      // The sealed copy, the memberships (they tell the diagnosis) and the opt-ins go; the
      // pseudonymous consent record stays, as the disclosure log's proof of lawfulness.
      return {
        ...member,
        status: 'erased',
        personal: ERASED,
        emailChangePending: false,
        optIns: { newsletter: false, meetups: false, facebookInvite: false },
        memberships: [],
        position,
      };
    default:
      return member;
  }
}

interface DirectoryRow {
  member_id: string;
  status: DirectoryStatus;
  restricted: boolean;
  role: Role;
  relation: Relation | null;
  channel: SignUpChannel;
  country: Country;
  language: Language;
  consent_text_version: string;
  consent_given_at: Date;
  consent_given_by: 'self' | 'relative';
  consent_attested_by_staff: boolean;
  consent_scope: 'group' | 'cluster';
  shared_fields: Consent['sharedFields'];
  allow_transfer_to_greenland: boolean;
  opt_in_newsletter: boolean;
  opt_in_meetups: boolean;
  opt_in_facebook_invite: boolean;
  email_verified: boolean;
  email_change_pending: boolean;
  personal: string;
  joined_at: Date;
  position: string;
}

/**
 * member-directory: each member's status, consent, opt-ins, verification, sealed personal data and
 * their memberships (per diagnosis). A batch is folded in memory per member and written back with
 * a few set-based statements; each row keeps the position of its last event (idempotency).
 */
@Injectable()
export class MemberDirectoryProjector implements Projection {
  readonly name = 'member-directory';
  readonly version = 1;
  readonly eventTypes = [...DIRECTORY_EVENTS];

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const relevant = events.filter((event) => DIRECTORY_EVENTS.has(event.type));
    if (relevant.length === 0) return;
    const memberIds = [...new Set(relevant.map((event) => (event.data as { memberId: string }).memberId))];
    const members = await this.load(memberIds, tx);
    const changed = new Set<string>();
    for (const event of relevant) {
      const memberId = (event.data as { memberId: string }).memberId;
      const before = members.get(memberId);
      const after = evolveDirectoryMember(before, event);
      if (after && after !== before) {
        members.set(memberId, after);
        changed.add(memberId);
      }
    }
    if (changed.size === 0) return;
    await this.save(
      [...changed].map((memberId) => members.get(memberId) as DirectoryMember),
      tx,
    );
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM member_directory_memberships');
    await tx.query('DELETE FROM member_directory');
  }

  private async load(memberIds: string[], tx: EntityManager): Promise<Map<string, DirectoryMember>> {
    const rows: DirectoryRow[] = await tx.query(
      `SELECT member_id::text, status, restricted, role, relation, channel, country, language, consent_text_version, consent_given_at,
              consent_given_by, consent_attested_by_staff, consent_scope, shared_fields, allow_transfer_to_greenland, opt_in_newsletter,
              opt_in_meetups, opt_in_facebook_invite, email_verified, email_change_pending, personal, joined_at, position::text
       FROM member_directory WHERE member_id = ANY($1::uuid[])`,
      [memberIds],
    );
    const memberships: Array<{ member_id: string; diagnosis_id: string; status: MembershipStatus }> = await tx.query(
      'SELECT member_id::text, diagnosis_id::text, status FROM member_directory_memberships WHERE member_id = ANY($1::uuid[]) ORDER BY diagnosis_id',
      [memberIds],
    );
    return new Map(
      rows.map((row) => [
        row.member_id,
        fromRow(
          row,
          memberships.filter((membership) => membership.member_id === row.member_id).map((membership) => ({ diagnosisId: membership.diagnosis_id, status: membership.status })),
        ),
      ]),
    );
  }

  private async save(members: DirectoryMember[], tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO member_directory AS d
         (member_id, status, restricted, role, relation, channel, country, language, consent_text_version, consent_given_at,
          consent_given_by, consent_attested_by_staff, consent_scope, shared_fields, allow_transfer_to_greenland, opt_in_newsletter,
          opt_in_meetups, opt_in_facebook_invite, email_verified, email_change_pending, personal, joined_at, position)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
         member_id uuid, status text, restricted boolean, role text, relation text, channel text, country text, language text,
         consent_text_version text, consent_given_at timestamptz, consent_given_by text, consent_attested_by_staff boolean,
         consent_scope text, shared_fields text[], allow_transfer_to_greenland boolean, opt_in_newsletter boolean,
         opt_in_meetups boolean, opt_in_facebook_invite boolean, email_verified boolean, email_change_pending boolean,
         personal text, joined_at timestamptz, position bigint)
       ON CONFLICT (member_id) DO UPDATE SET
         status = EXCLUDED.status, restricted = EXCLUDED.restricted, role = EXCLUDED.role, relation = EXCLUDED.relation,
         channel = EXCLUDED.channel, country = EXCLUDED.country, language = EXCLUDED.language,
         consent_text_version = EXCLUDED.consent_text_version, consent_given_at = EXCLUDED.consent_given_at,
         consent_given_by = EXCLUDED.consent_given_by, consent_attested_by_staff = EXCLUDED.consent_attested_by_staff,
         consent_scope = EXCLUDED.consent_scope, shared_fields = EXCLUDED.shared_fields,
         allow_transfer_to_greenland = EXCLUDED.allow_transfer_to_greenland, opt_in_newsletter = EXCLUDED.opt_in_newsletter,
         opt_in_meetups = EXCLUDED.opt_in_meetups, opt_in_facebook_invite = EXCLUDED.opt_in_facebook_invite,
         email_verified = EXCLUDED.email_verified, email_change_pending = EXCLUDED.email_change_pending,
         personal = EXCLUDED.personal, joined_at = EXCLUDED.joined_at, position = EXCLUDED.position
       WHERE d.position < EXCLUDED.position`,
      [JSON.stringify(members.map(toRecord))],
    );
    const memberIds = members.map((member) => member.memberId);
    await tx.query('DELETE FROM member_directory_memberships WHERE member_id = ANY($1::uuid[])', [memberIds]);
    const memberships = members.flatMap((member) => member.memberships.map((membership) => ({ member_id: member.memberId, diagnosis_id: membership.diagnosisId, status: membership.status })));
    await tx.query(
      `INSERT INTO member_directory_memberships (member_id, diagnosis_id, status)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(member_id uuid, diagnosis_id uuid, status text)`,
      [JSON.stringify(memberships)],
    );
  }
}

function toRecord(member: DirectoryMember): Record<string, unknown> {
  return {
    member_id: member.memberId,
    status: member.status,
    restricted: member.restricted,
    role: member.role,
    relation: member.relation,
    channel: member.channel,
    country: member.country,
    language: member.language,
    consent_text_version: member.consent.textVersion,
    consent_given_at: member.consent.givenAt,
    consent_given_by: member.consent.givenBy,
    consent_attested_by_staff: member.consent.attestedByStaff,
    consent_scope: member.consent.scope,
    shared_fields: member.consent.sharedFields,
    allow_transfer_to_greenland: member.consent.allowTransferToGreenland,
    opt_in_newsletter: member.optIns.newsletter,
    opt_in_meetups: member.optIns.meetups,
    opt_in_facebook_invite: member.optIns.facebookInvite,
    email_verified: member.emailVerified,
    email_change_pending: member.emailChangePending,
    personal: member.personal,
    joined_at: member.joinedAt,
    position: member.position.toString(),
  };
}

function fromRow(row: DirectoryRow, memberships: Membership[]): DirectoryMember {
  return {
    memberId: row.member_id,
    status: row.status,
    restricted: row.restricted,
    role: row.role,
    relation: row.relation,
    channel: row.channel,
    country: row.country,
    language: row.language,
    consent: {
      textVersion: row.consent_text_version,
      givenAt: row.consent_given_at.toISOString(),
      givenBy: row.consent_given_by,
      attestedByStaff: row.consent_attested_by_staff,
      scope: row.consent_scope,
      sharedFields: row.shared_fields,
      allowTransferToGreenland: row.allow_transfer_to_greenland,
    },
    optIns: { newsletter: row.opt_in_newsletter, meetups: row.opt_in_meetups, facebookInvite: row.opt_in_facebook_invite },
    emailVerified: row.email_verified,
    emailChangePending: row.email_change_pending,
    personal: row.personal,
    joinedAt: row.joined_at.toISOString(),
    memberships,
    position: BigInt(row.position),
  };
}
