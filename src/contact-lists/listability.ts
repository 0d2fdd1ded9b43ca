import type { DiagnosesLinked } from '../../contracts/events/diagnosis.events';
import type { DomainEvent } from '../../contracts/events/domain-event';
import type { ContactField, Country, MemberEvent } from '../../contracts/events/membership.events';

/** What decides whether a member may be shown on a list, or receive one. */
export interface ListableMember {
  memberId: string;
  diagnosisId: string;
  /** Admitted to the group (which needs a verified email, or a sign-up attested by staff). */
  admitted: boolean;
  withdrawn: boolean;
  restricted: boolean;
  erased: boolean;
  sharedFields: ContactField[];
  scope: 'group' | 'cluster';
  allowTransferToGreenland: boolean;
  country: Country;
}

export type Unlawful =
  | 'recipient-not-admitted'
  | 'recipient-inactive'
  | 'subject-not-admitted'
  | 'subject-inactive'
  | 'not-same-group'
  | 'greenland-transfer-not-allowed'
  | 'field-not-shared'
  | 'own-entry';

/**
 * The event types the fold acts on; apply() ignores every other one, so a reader that only feeds
 * the fold, or keeps its state, may read just these.
 */
export const LISTABILITY_EVENT_TYPES: ReadonlySet<string> = new Set([
  'DiagnosesLinked',
  'MemberJoined',
  'MemberAdmitted',
  'ConsentWithdrawn',
  'ConsentLapsed',
  'MemberRestricted',
  'RestrictionLifted',
  'MemberErased',
  'ContactDetailsUpdated',
] satisfies Array<(MemberEvent | DiagnosesLinked)['type']>);

/**
 * Who may be on which contact list, folded from the log in order. The same fold serves the
 * sender (what to send now) and the DPO's verification (was a past send lawful at the position
 * it recorded), so the two can never disagree. Deterministic and free of I/O; mutable inside for
 * speed, since the verification replays the whole log.
 */
export class Listability {
  private readonly members = new Map<string, ListableMember>();
  /** diagnosisId -> the clusters it belongs to. */
  private readonly clustersOf = new Map<string, Set<string>>();
  /** clusterId -> its diagnoses. */
  private readonly clusterMembers = new Map<string, Set<string>>();

  apply(domainEvent: DomainEvent): void {
    if (!LISTABILITY_EVENT_TYPES.has(domainEvent.type)) return;
    const event = domainEvent as MemberEvent | DiagnosesLinked;
    if (event.type === 'DiagnosesLinked') {
      const { clusterId, diagnosisIds } = event.data;
      const cluster = this.clusterMembers.get(clusterId) ?? new Set<string>();
      for (const diagnosisId of diagnosisIds) {
        cluster.add(diagnosisId);
        this.clustersOf.set(diagnosisId, (this.clustersOf.get(diagnosisId) ?? new Set()).add(clusterId));
      }
      this.clusterMembers.set(clusterId, cluster);
      return;
    }
    if (event.type === 'MemberJoined') {
      const { memberId, diagnosisId, consent, country } = event.data;
      this.members.set(memberId, {
        memberId,
        diagnosisId,
        admitted: false,
        withdrawn: false,
        restricted: false,
        erased: false,
        sharedFields: consent.sharedFields,
        scope: consent.scope,
        allowTransferToGreenland: consent.allowTransferToGreenland,
        country,
      });
      return;
    }
    const member = 'data' in event && 'memberId' in event.data ? this.members.get(event.data.memberId) : undefined;
    if (!member) return;
    switch (event.type) {
      case 'MemberAdmitted':
        member.admitted = true;
        member.diagnosisId = event.data.diagnosisId;
        break;
      case 'ConsentWithdrawn':
      case 'ConsentLapsed':
        member.withdrawn = true;
        break;
      case 'MemberRestricted':
        member.restricted = true;
        break;
      case 'RestrictionLifted':
        member.restricted = false;
        break;
      case 'MemberErased':
        member.erased = true;
        break;
      case 'ContactDetailsUpdated':
        member.country = event.data.country;
        break;
      default:
        break;
    }
  }

  /**
   * Goes on from a fold saved earlier (a read model's rows, e.g. the contact-list planner's):
   * the members exactly as member() gave them, and the cluster links as DiagnosesLinked had them.
   * The rules above stay the only ones; this only picks up their state.
   */
  static restore(members: Iterable<ListableMember>, links: Iterable<{ clusterId: string; diagnosisIds: readonly string[] }> = []): Listability {
    const listability = new Listability();
    for (const member of members) listability.members.set(member.memberId, { ...member, sharedFields: [...member.sharedFields] });
    for (const { clusterId, diagnosisIds } of links) {
      listability.apply({ type: 'DiagnosesLinked', data: { clusterId, name: '', diagnosisIds: [...diagnosisIds] } });
    }
    return listability;
  }

  member(memberId: string): ListableMember | undefined {
    return this.members.get(memberId);
  }

  /** On lists and receiving them: admitted, consent standing, not restricted, not erased. */
  isListable(memberId: string): boolean {
    const member = this.members.get(memberId);
    return member !== undefined && member.admitted && isActive(member);
  }

  /** Whether two groups are linked in a cluster. */
  shareCluster(diagnosisA: string, diagnosisB: string): boolean {
    const clusters = this.clustersOf.get(diagnosisA);
    return clusters !== undefined && [...clusters].some((clusterId) => this.clusterMembers.get(clusterId)?.has(diagnosisB));
  }

  /**
   * The members a group's list shows: the group's own listable members, and listable members
   * of linked groups who consented to the cluster scope. (A recipient never sees their own
   * entry, and one in Greenland only entries that allow it: see recipientView.)
   */
  groupList(diagnosisId: string): ListableMember[] {
    const listed: ListableMember[] = [];
    for (const member of this.members.values()) {
      if (!member.admitted || !isActive(member)) continue;
      if (member.diagnosisId === diagnosisId || (member.scope === 'cluster' && this.shareCluster(member.diagnosisId, diagnosisId))) listed.push(member);
    }
    return listed;
  }

  /** The listable members of a group, who receive its list. */
  recipients(diagnosisId: string): ListableMember[] {
    return [...this.members.values()].filter((member) => member.diagnosisId === diagnosisId && member.admitted && isActive(member));
  }

  /** Why showing `fields` of the subject to the recipient would be unlawful now, or undefined if it is lawful. */
  unlawfulness(recipientId: string, subjectId: string, fields: readonly ContactField[]): Unlawful | undefined {
    const recipient = this.members.get(recipientId);
    const subject = this.members.get(subjectId);
    if (recipientId === subjectId) return 'own-entry';
    if (!recipient?.admitted) return 'recipient-not-admitted';
    if (!isActive(recipient)) return 'recipient-inactive';
    if (!subject?.admitted) return 'subject-not-admitted';
    if (!isActive(subject)) return 'subject-inactive';
    const sameGroup = subject.diagnosisId === recipient.diagnosisId;
    if (!sameGroup && !(subject.scope === 'cluster' && this.shareCluster(subject.diagnosisId, recipient.diagnosisId))) return 'not-same-group';
    if (recipient.country === 'GL' && !subject.allowTransferToGreenland) return 'greenland-transfer-not-allowed';
    if (fields.some((field) => !subject.sharedFields.includes(field))) return 'field-not-shared';
    return undefined;
  }
}

function isActive(member: ListableMember): boolean {
  return !member.withdrawn && !member.restricted && !member.erased;
}

/** The entries of a list version a given recipient is shown. */
export function recipientView<Entry extends { subjectId: string; greenland: boolean }>(entries: readonly Entry[], recipientId: string, greenlandOnly: boolean): Entry[] {
  return entries.filter((entry) => entry.subjectId !== recipientId && (!greenlandOnly || entry.greenland));
}
