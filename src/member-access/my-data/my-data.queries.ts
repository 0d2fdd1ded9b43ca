import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { ContactField, Country, Language, OptIns, PersonalData, Relation, Role, SignUpChannel } from '../../../contracts/events/membership.events';
import { memberStream } from '../../../contracts/events/membership.events';
import { DiagnosisCatalogue } from '../../../projections/diagnosis-catalogue/diagnosis-catalogue.queries';
import type { DisclosureKind } from '../../../projections/disclosure-log/disclosure-entry';
import { type DeliveryStatus, type DisclosureRecord, DisclosureQueries } from '../../../projections/disclosure-log/disclosure-log.queries';
import type { DirectoryStatus, MembershipStatus } from '../../../projections/member-directory/member-directory.entity';
import { MemberDirectory } from '../../../projections/member-directory/member-directory.queries';
import { type LookUpOfMember, StaffAccessLog } from '../../access-log/staff-access-log';
import { AppConfig } from '../../config/app-config';
import { listDeliveryOf } from '../../contact-lists/contact-list-building';
import { caughtUpGroupState } from '../../contact-lists/contact-list-viewing';
import { Listability } from '../../contact-lists/listability';
import { loadState } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { memberEvolver } from '../../membership/member';

/** How the member's contact lists reach them: the deployment's LIST_DELIVERY and, where it lets them, their own choice. */
export interface ListDeliveryView {
  delivery: 'email' | 'portal';
  /** The member's own choice (LIST_DELIVERY=member-choice); null if they made none. */
  choice: 'email' | 'portal' | null;
  memberMayChoose: boolean;
}

/** The consent as it was given (GDPR Art. 7(1): the controller can show it). */
export interface ConsentView {
  textVersion: string;
  language: Language;
  givenAt: string;
  givenBy: 'self' | 'relative';
  attestedByStaff: boolean;
  channel: SignUpChannel;
  scope: 'group' | 'cluster';
  sharedFields: ContactField[];
  allowTransferToGreenland: boolean;
}

/** GET /me: the signed-in member's own data. */
export interface OwnData {
  memberId: string;
  status: DirectoryStatus;
  restricted: boolean;
  role: Role;
  relation: Relation | null;
  country: Country;
  language: Language;
  /** Name, email, phone, address and birth years, opened; null once erased. */
  personal: PersonalData | null;
  emailVerified: boolean;
  emailChangePending: boolean;
  joinedAt: string;
  groups: Array<{ diagnosisId: string; name: string | null; status: MembershipStatus }>;
  consent: ConsentView;
  optIns: OptIns;
  listDelivery: ListDeliveryView;
}

/** One message that held (or, for a deletion notice, named) the member's data. */
export interface OwnDisclosure {
  kind: DisclosureKind;
  /** false for deletion notices: they tell a recipient to delete the member's entry and carry no data. */
  disclosesData: boolean;
  /** Who received it; their name while their own data still exists (else null). */
  recipient: { memberId: string; name: string | null };
  fields: ContactField[];
  dispatchedAt: string;
  channel: string;
  listReference: string;
  diagnosisId: string | null;
  noticeReason: string | null;
  delivery: { status: DeliveryStatus; deliveredAt: string | null };
}

/** GET /me/disclosures: who received the member's data (Art. 15(1)(c)), and staff look-ups of it. */
export interface OwnDisclosures {
  memberId: string;
  disclosures: OwnDisclosure[];
  staffLookUps: LookUpOfMember[];
}

export const EXPORT_FORMAT = 'sjaeldne-netvaerket/member-data';
export const EXPORT_VERSION = 1;

/** GET /me/export (Art. 20): what the member gave, machine-readable; the shape changes only with `version`. */
export interface MemberDataExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  memberId: string;
  personal: PersonalData | null;
  role: Role;
  relation: Relation | null;
  language: Language;
  diagnoses: Array<{ diagnosisId: string; name: string | null }>;
  consent: ConsentView;
  optIns: OptIns;
  listDelivery: 'email' | 'portal' | null;
}

/** The file name an export is downloaded under (GET /me/export, and the web pages' download). */
export const exportFileName = (document: MemberDataExport): string => `sjaeldne-netvaerket-${document.exportedAt.slice(0, 10)}.json`;

const DISCLOSURE_PAGE = 1000;

/** The signed-in member's view of their own data, composed from the read models' queries. */
@Injectable()
export class MyData {
  constructor(
    private readonly directory: MemberDirectory,
    private readonly catalogue: DiagnosisCatalogue,
    private readonly disclosureLog: DisclosureQueries,
    private readonly accessLog: StaffAccessLog,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly pool: Pool,
    private readonly config: AppConfig,
  ) {}

  async ownData(memberId: string): Promise<OwnData> {
    const record = await this.directory.ownRecord(memberId);
    const [diagnosisNames, listDelivery] = await Promise.all([this.catalogue.names(record.memberships.map((membership) => membership.diagnosisId)), this.listDelivery(memberId)]);
    return {
      memberId,
      status: record.status,
      restricted: record.restricted,
      role: record.role,
      relation: record.relation,
      country: record.country,
      language: record.language,
      personal: record.personal,
      emailVerified: record.emailVerified,
      emailChangePending: record.emailChangePending,
      joinedAt: record.joinedAt,
      groups: record.memberships.map(({ diagnosisId, status }) => ({ diagnosisId, name: diagnosisNames.get(diagnosisId) ?? null, status })),
      // The consent is given in the member's language and by their sign-up channel (join-network).
      consent: { ...record.consent, language: record.language, channel: record.channel },
      optIns: record.optIns,
      listDelivery,
    };
  }

  async disclosures(memberId: string): Promise<OwnDisclosures> {
    const records: DisclosureRecord[] = [];
    let after: string | undefined;
    do {
      const page = await this.disclosureLog.entries({ subjectId: memberId }, { after, limit: DISCLOSURE_PAGE });
      records.push(...page.entries);
      after = page.next;
    } while (after);
    const [recipientNames, staffLookUps, nameable] = await Promise.all([
      this.directory.names([...new Set(records.map((record) => record.recipientId))]),
      this.accessLog.lookUpsForSubject(memberId),
      this.nameableBy(memberId),
    ]);
    return {
      memberId,
      disclosures: records.map((record) => ({
        kind: record.kind,
        disclosesData: record.disclosesData,
        recipient: { memberId: record.recipientId, name: nameable(record.recipientId) ? (recipientNames.get(record.recipientId) ?? null) : null },
        fields: record.subject?.fields ?? [],
        dispatchedAt: record.dispatchedAt,
        channel: record.channel,
        listReference: record.listReference,
        diagnosisId: record.diagnosisId,
        noticeReason: record.noticeReason,
        delivery: { status: record.delivery.status, deliveredAt: record.delivery.deliveredAt },
      })),
      staffLookUps,
    };
  }

  /**
   * Whom the member may see by name among those who received their data: those whose own entry
   * the member's contact list may show now. A name is the recipient's personal data: a member of a
   * linked group who shares with their own group only, one who refused transfer to Greenland, one
   * who withdrew, is restricted or erased, and every recipient once the member themself left the
   * lists, stays a member id (the recipients' category, as GDPR Art. 15 allows).
   */
  private async nameableBy(memberId: string): Promise<(recipientId: string) => boolean> {
    const state = await caughtUpGroupState(this.store, this.pool, memberId);
    // The planner has not caught up: name nobody rather than someone who may have just left.
    if (!state) return () => false;
    const listability = Listability.restore(
      [...state.members.values()].map((member) => member.facts),
      state.clusters,
    );
    return (recipientId) => listability.unlawfulness(memberId, recipientId, []) === undefined;
  }

  async export(memberId: string, exportedAt: Date): Promise<MemberDataExport> {
    const own = await this.ownData(memberId);
    return {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: exportedAt.toISOString(),
      memberId,
      personal: own.personal,
      role: own.role,
      relation: own.relation,
      language: own.language,
      diagnoses: own.groups.map(({ diagnosisId, name }) => ({ diagnosisId, name })),
      consent: own.consent,
      optIns: own.optIns,
      listDelivery: own.listDelivery.choice,
    };
  }

  /** The member's choice is in their stream only (no read model keeps it yet). */
  private async listDelivery(memberId: string): Promise<ListDeliveryView> {
    const { state } = await loadState(this.store, memberStream(memberId), memberEvolver);
    const choice = state.listDelivery ?? null;
    const deployment = this.config.LIST_DELIVERY;
    return { delivery: listDeliveryOf(deployment, choice), choice, memberMayChoose: deployment === 'member-choice' };
  }
}
