import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ContactListEvent, ContactListViewed, ListEntry } from '../../contracts/events/contact-list.events';
import type { DiagnosesLinked, DiagnosisEvent } from '../../contracts/events/diagnosis.events';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { ContactDetails, ContactField, MemberEvent } from '../../contracts/events/membership.events';
import { deletionKey, dispatchIdOf } from '../../src/contact-lists/dispatch-keys';
import { LISTABILITY_EVENT_TYPES, type Listability } from '../../src/contact-lists/listability';
import type { Projection } from '../runner/projection';
import { correctionNeeded, deletionReason, entryNumber } from './notice-planning';
import { pairKey, PlannerMemory, type ShownEntry } from './planner-memory';
import { type CorrectionRow, type ListDispatchRow, PLANNER_TABLES, SAVE_TABLE, type ViewRow } from './planner-tables';

export const CONTACT_LIST_PLANNER = 'contact-list-planner';

/**
 * Changes of who may be listed or of what an entry shows: after them earlier recipients may have
 * to be told to delete an entry, or be sent a corrected one (citing the copy they held then, not
 * one dispatched later in the same batch), and what came before them is judged without them.
 * A MemberAdmitted is one too when it readmits a member (moved to another group, their entry
 * may have to go); a first admission changes nothing anyone holds.
 */
const SEGMENT_BOUNDARIES = new Set<string>(['ConsentWithdrawn', 'ConsentLapsed', 'MemberRestricted', 'RestrictionLifted', 'MemberErased', 'DiagnosesLinked', 'ContactDetailsUpdated']);

/**
 * Member events with a rule here. Any other event the listability fold acts on is handed to it
 * too, so a rule added there takes effect here.
 */
const MEMBER_EVENTS = new Set<string>([
  // What an entry shows.
  'MemberJoined',
  'ContactDetailsUpdated',
  // Who is news on a list.
  'MemberAdmitted',
  'RestrictionLifted',
  // Whose entry earlier recipients may have to delete.
  'ConsentWithdrawn',
  'ConsentLapsed',
  'MemberRestricted',
  'MemberErased',
  // How the member wants their lists.
  'ListDeliveryChosen',
] satisfies Array<MemberEvent['type']>);

interface MemberState {
  language: string;
  personal: string | null;
  listDelivery: 'email' | 'portal' | null;
  detailsPosition: bigint;
  position: bigint;
}

/** A recipient's latest copy of a list that showed a member: what a notice or a correction refers to. */
interface Holder {
  subject_id: string;
  recipient_id: string;
  list_reference: string;
  /** When the recipient got the copy. */
  listed_at: string;
  fields: ContactField[];
  entry_number: number;
}

/**
 * contact-list-planner: what the contact-list sender needs, folded from the log in the
 * transaction of its checkpoint, so that the sender can read it AS OF one log position.
 *
 * - Who may be on which list and receive it: each member's facts as the listability fold
 *   (src/contact-lists/listability.ts) has them; the fold itself decides.
 * - Which groups are due a new version: their newcomers (admitted, or let back on the lists
 *   after a restriction), cleared by the ContactListVersionPublished built at or after them.
 * - Who holds whose data: the versions' entries (stored once) and who got which version, and
 *   what each member last saw of each other member in self-service (a view is a copy too).
 * - How each member wants their lists (ListDeliveryChosen), for the sender to honour.
 * - What earlier recipients must be told (GDPR Art. 19): a notice to delete an entry when its
 *   member withdrew, was restricted, erased or left (once per recipient, member, reason and held
 *   list); the corrected entry when the member's shown details were rectified. A list built
 *   before such a change but dispatched after it is caught too: its dispatch is checked against
 *   the members' state when the planner sees it. A correction is pending while its due position
 *   is past its done position; settled (by the corrected entry, a newer copy, or a notice to
 *   delete the entry instead), it is done up to the position it was due, whichever settled it.
 *
 * Everything is keyed by ids and guarded by log positions, so applying the same events again
 * changes nothing. The planner holds its whole state in memory (planner-memory.ts), decides a
 * batch there and writes the rows that changed once per table; its tables are what the sender
 * reads, and what a planner loads its memory from when it starts or its memory may be stale.
 */
@Injectable()
export class ContactListPlannerProjector implements Projection {
  readonly name = CONTACT_LIST_PLANNER;
  readonly version = 5;
  readonly eventTypes = [...new Set([...MEMBER_EVENTS, ...OTHER_EVENTS, ...LISTABILITY_EVENT_TYPES])];
  /** What the tables held after this planner's last write, or undefined after a failure (load them again). */
  private memory?: PlannerMemory;

  /**
   * Notices are judged on the state after a change of who may be listed, and corrections on the
   * copies held when the details changed, so a batch is applied in segments: each such change is
   * a segment of its own, and copies of the list start new ones where they must to be taken in
   * log order (SegmentCopies). The plan is then the same whatever the batch boundaries (a
   * restriction lifted in the same batch still leaves its notice planned; a list dispatched just
   * before a withdrawal is reconciled as the member stood before it; a correction made due by a
   * late copy is settled by the corrected entry sent after it, and not by a newer list sent before
   * it). The contact-list planner's property test holds it to that. The segments are decided in
   * memory; the rows that changed are written once, at the end of the batch.
   */
  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const memory = await this.takeMemory(tx);
    const admittedBefore = new Set<string>();
    let start = 0;
    let copies = new SegmentCopies();
    for (let index = 0; index < events.length; index++) {
      const event = events[index];
      let readmission = false;
      if (event.type === 'MemberAdmitted') {
        // Admitted before: earlier in this batch, or as the planner stood before it.
        const { memberId } = event.data as { memberId: string };
        readmission = admittedBefore.has(memberId) || (memory.members.get(memberId)?.facts.admitted ?? false);
        admittedBefore.add(memberId);
      }
      const change = SEGMENT_BOUNDARIES.has(event.type) || readmission;
      // What came before a change is judged on the state before it, as if applied on its own.
      if ((change || copies.mustEndBefore(event)) && index > start) {
        this.applySegment(events.slice(start, index), memory);
        start = index;
        copies = new SegmentCopies();
      }
      copies.add(event);
      if (!change && index < events.length - 1) continue;
      this.applySegment(events.slice(start, index + 1), memory);
      start = index + 1;
      copies = new SegmentCopies();
    }
    await memory.save(tx);
    this.memory = memory;
  }

  async reset(tx: EntityManager): Promise<void> {
    this.memory = undefined;
    for (const table of [...PLANNER_TABLES, SAVE_TABLE]) await tx.query(`DELETE FROM ${table}`);
  }

  /**
   * The memory to apply a batch to: this planner's own while the tables are still as it last
   * wrote them, else loaded from them. Taken, so that a batch that fails half-way leaves none.
   */
  private async takeMemory(tx: EntityManager): Promise<PlannerMemory> {
    const memory = this.memory;
    this.memory = undefined;
    if (memory && memory.saveId === (await PlannerMemory.saveId(tx))) return memory;
    return PlannerMemory.load(tx);
  }

  private applySegment(events: readonly RecordedEvent[], memory: PlannerMemory): void {
    const relevant = events.filter((event) => isMemberEvent(event) || OTHER_EVENTS.has(event.type));
    if (relevant.length === 0) return;
    const segmentPosition = relevant[relevant.length - 1].position;
    const fold = memory.fold;

    const states = new Map<string, MemberState>();
    const stateOf = (memberId: string): MemberState | undefined => {
      if (!states.has(memberId)) {
        const row = memory.members.get(memberId);
        if (!row) return undefined;
        states.set(memberId, { language: row.language, personal: row.personal, listDelivery: row.list_delivery, detailsPosition: row.details_position, position: row.position });
      }
      return states.get(memberId);
    };
    const newLinks: Array<{ diagnosisIds: string[]; position: bigint; at: string }> = [];
    /** Members who became newcomers in this segment (admitted, or a restriction lifted): the latest such event each, and where they are news. */
    const newcomers = new Map<string, { position: bigint; at: string; groups: string[] }>();
    /** Members whose entries earlier recipients may have to delete. */
    const touched = new Set<string>();
    const rectified = new Map<string, { fields: Set<keyof ContactDetails>; position: bigint }>();
    const changed = new Set<string>();
    const versions: Array<{ data: ContactListVersionData; position: bigint }> = [];
    const listDispatches: RecordedEvent[] = [];
    const views: RecordedEvent[] = [];
    /** Per recipient and member, the newest corrected copy sent in this segment (as a position). */
    const corrected = new Map<string, bigint>();
    const correctedCopy = (recipientId: string, subjectId: string, builtAt: string) => {
      const key = pairKey(recipientId, subjectId);
      if ((corrected.get(key) ?? -1n) < BigInt(builtAt)) corrected.set(key, BigInt(builtAt));
    };
    const noticesSent: Array<{ dispatchId: string; position: bigint }> = [];

    for (const recorded of relevant) {
      const event = recorded as unknown as MemberEvent | DiagnosisEvent | DiagnosesLinked | ContactListEvent;
      switch (event.type) {
        case 'DiagnosisRegistered':
        case 'DiagnosisProposed':
          memory.diagnoses.put({ diagnosis_id: event.data.diagnosisId, name: event.data.name });
          continue;
        case 'DiagnosesLinked': {
          fold.apply(event);
          let linked = false;
          for (const diagnosisId of event.data.diagnosisIds) linked = memory.addLink(event.data.clusterId, diagnosisId) || linked;
          // Only links not seen before bring news (a replay changes nothing).
          if (linked) newLinks.push({ diagnosisIds: [...(memory.links.get(event.data.clusterId) ?? [])], position: recorded.position, at: recorded.metadata.occurredAt });
          continue;
        }
        case 'ContactListVersionPublished':
          versions.push({ data: event.data, position: recorded.position });
          continue;
        case 'ContactListDispatched':
          listDispatches.push(recorded);
          continue;
        case 'CorrectionDispatched':
          correctedCopy(event.data.recipientId, event.data.subjectId, event.data.builtAtPosition);
          continue;
        case 'DeletionNoticeDispatched':
          noticesSent.push({ dispatchId: event.data.dispatchId, position: recorded.position });
          continue;
        case 'ListNoticeDispatched':
          // A portal recipient told of a correction sees the corrected entry at their next view.
          if (event.data.reason === 'entry-corrected') correctedCopy(event.data.recipientId, event.data.subjectId, event.data.correctedAtPosition);
          continue;
        case 'ContactListViewed':
          views.push(recorded);
          continue;
      }
      if (!isMemberEvent(recorded)) continue;
      const memberEvent = event as MemberEvent;
      const memberId = memberEvent.data.memberId;
      const state = stateOf(memberId);
      if (state && recorded.position <= state.position) continue; // applied before
      if (!state && memberEvent.type !== 'MemberJoined') continue; // a member this planner never saw join
      const before = fold.member(memberId);
      const wasAdmittedTo = before?.admitted ? before.diagnosisId : undefined;
      const wasListable = fold.isListable(memberId);
      const factsBefore = JSON.stringify(before ?? null);
      fold.apply(memberEvent);
      if (!MEMBER_EVENTS.has(memberEvent.type)) {
        // An event this planner has no rule for: the fold alone says what it changes.
        if (JSON.stringify(fold.member(memberId) ?? null) === factsBefore) continue;
        if (wasListable && !fold.isListable(memberId)) touched.add(memberId);
      }
      const next: MemberState = state ?? { language: 'da', personal: null, listDelivery: null, detailsPosition: recorded.position, position: recorded.position };
      next.position = recorded.position;
      switch (memberEvent.type) {
        case 'MemberJoined':
          next.language = memberEvent.data.language;
          next.personal = memberEvent.data.personal;
          next.detailsPosition = recorded.position;
          break;
        case 'ContactDetailsUpdated': {
          next.personal = memberEvent.data.personal;
          next.detailsPosition = recorded.position;
          const update = rectified.get(memberId) ?? { fields: new Set(), position: recorded.position };
          for (const field of memberEvent.data.fields) update.fields.add(field);
          update.position = recorded.position;
          rectified.set(memberId, update);
          break;
        }
        case 'MemberAdmitted':
          newcomers.set(memberId, { position: recorded.position, at: memberEvent.data.admittedAt, groups: newsFor(fold, memory.links, memberId) });
          if (wasAdmittedTo !== undefined && wasAdmittedTo !== memberEvent.data.diagnosisId) touched.add(memberId);
          break;
        case 'RestrictionLifted':
          if (fold.member(memberId)?.admitted) newcomers.set(memberId, { position: recorded.position, at: memberEvent.data.liftedAt, groups: newsFor(fold, memory.links, memberId) });
          break;
        case 'MemberErased':
          next.personal = null;
          touched.add(memberId);
          break;
        case 'ConsentWithdrawn':
        case 'ConsentLapsed':
        case 'MemberRestricted':
          touched.add(memberId);
          break;
        case 'ListDeliveryChosen':
          next.listDelivery = memberEvent.data.delivery;
          break;
        default:
          break;
      }
      states.set(memberId, next);
      changed.add(memberId);
    }

    this.saveMembers(changed, states, memory);
    this.saveNewcomers(newcomers, memory);
    for (const link of newLinks) this.clusterNewcomers(link, memory);
    // A newcomer who is no longer listable (withdrew, restricted, erased) is nobody's news.
    for (const memberId of changed) {
      if (fold.isListable(memberId)) continue;
      for (const diagnosisId of memory.newsOf(memberId)) memory.removeNewcomer(diagnosisId, memberId);
    }
    this.saveVersions(versions, memory);
    const dispatched = this.saveListDispatches(listDispatches, memory);
    const viewed = this.saveViews(views, memory);

    for (const [key, builtAt] of corrected) {
      const correction = memory.corrections.get(key);
      if (correction && isPending(correction) && correction.due_position <= builtAt) settle(correction, memory);
    }
    // Corrections first: a list dispatched later in the segment may settle them at once.
    this.planCorrections(rectified, memory);
    const lateCopies = [...this.reconcileDispatches(dispatched, memory), ...this.reconcileViews(views, viewed, memory)];
    const holders = [...lateCopies, ...this.holdersOf(touched, memory)];
    this.planNotices(holders, segmentPosition, memory);
    // Notices sent last: a notice may have been planned earlier in this segment (by a late list).
    for (const { dispatchId, position } of noticesSent) {
      const notice = memory.notices.get(dispatchId);
      if (!notice || notice.dispatched_position !== null) continue;
      notice.dispatched_position = position;
      memory.notices.put(notice);
    }
  }

  private saveMembers(memberIds: Set<string>, states: Map<string, MemberState>, memory: PlannerMemory): void {
    for (const memberId of memberIds) {
      const facts = memory.fold.member(memberId);
      const state = states.get(memberId);
      if (!facts || !state) continue;
      memory.members.put({
        member_id: memberId,
        diagnosis_id: facts.diagnosisId,
        facts: { ...facts, sharedFields: [...facts.sharedFields] },
        listable: memory.fold.isListable(memberId),
        language: state.language,
        personal: state.personal,
        list_delivery: state.listDelivery,
        details_position: state.detailsPosition,
        position: state.position,
      });
    }
  }

  /** Replaces where the members who became news in this segment are news (admitted elsewhere, they are no longer news where they were). */
  private saveNewcomers(newcomers: Map<string, { position: bigint; at: string; groups: string[] }>, memory: PlannerMemory): void {
    for (const [memberId, since] of newcomers) {
      for (const diagnosisId of memory.newsOf(memberId)) memory.removeNewcomer(diagnosisId, memberId);
      for (const diagnosisId of since.groups) memory.putNewcomer({ diagnosis_id: diagnosisId, member_id: memberId, since_position: since.position, since_at: since.at });
    }
  }

  /** Groups newly linked: their cluster-scope members are news on the other groups' lists. */
  private clusterNewcomers(link: { diagnosisIds: string[]; position: bigint; at: string }, memory: PlannerMemory): void {
    for (const member of memory.members.values()) {
      if (!member.listable || member.facts.scope !== 'cluster' || !link.diagnosisIds.includes(member.diagnosis_id)) continue;
      for (const diagnosisId of link.diagnosisIds) {
        if (diagnosisId === member.diagnosis_id || memory.newcomers.has(memory.newcomers.keyOf({ diagnosis_id: diagnosisId, member_id: member.member_id }))) continue;
        memory.putNewcomer({ diagnosis_id: diagnosisId, member_id: member.member_id, since_position: link.position, since_at: link.at });
      }
    }
  }

  private saveVersions(versions: Array<{ data: ContactListVersionData; position: bigint }>, memory: PlannerMemory): void {
    for (const { data, position } of versions) {
      for (const entry of numberedEntries(data.entries)) memory.addVersionEntry({ diagnosis_id: data.diagnosisId, version: data.version, ...entry });
      const group = memory.groups.get(data.diagnosisId);
      if (!group || group.version < data.version) {
        memory.groups.put({ diagnosis_id: data.diagnosisId, version: data.version, built_at_position: BigInt(data.builtAtPosition), position });
      }
      // Everyone who was news when a version was built has been on it (or was not listable then).
      for (const memberId of memory.newcomersIn(data.diagnosisId)) {
        const newcomer = memory.newcomers.get(memory.newcomers.keyOf({ diagnosis_id: data.diagnosisId, member_id: memberId }));
        if (newcomer && newcomer.since_position <= BigInt(data.builtAtPosition)) memory.removeNewcomer(data.diagnosisId, memberId);
      }
    }
  }

  /** Records who got which version; returns the dispatches recorded for the first time. */
  private saveListDispatches(dispatches: RecordedEvent[], memory: PlannerMemory): ListDispatchRow[] {
    return dispatches.flatMap((recorded) => {
      const { data } = recorded as unknown as Extract<ContactListEvent, { type: 'ContactListDispatched' }>;
      const row: ListDispatchRow = {
        dispatch_id: data.dispatchId,
        recipient_id: data.recipientId,
        diagnosis_id: data.diagnosisId,
        list_version: data.listVersion,
        list_reference: data.listReference,
        greenland_only: data.view.greenlandOnly,
        built_at_position: BigInt(data.builtAtPosition),
        dispatched_at: recorded.metadata.occurredAt,
        position: recorded.position,
      };
      // Only dispatches seen for the first time need reconciling (a replay changes nothing).
      return memory.addListDispatch(row) ? [row] : [];
    });
  }

  /**
   * New copies of lists: a newer copy of an entry settles a pending correction; an entry whose
   * member was rectified after the version was built needs one. Returns the copies of entries
   * whose members may no longer be shown (they withdrew, say, between the build and the
   * dispatch): each needs a deletion notice of its own, as when the dispatches come one by one
   * (a later copy in the same segment does not stand in for an earlier one).
   */
  private reconcileDispatches(dispatches: readonly ListDispatchRow[], memory: PlannerMemory): Holder[] {
    // A stale entry (its member's details changed after the version was built) needs a correction,
    // citing the recipient's first stale copy in the segment, as when the dispatches come one by one.
    const cited = new Set<string>();
    for (const dispatch of dispatches) {
      if (!memory.members.get(dispatch.recipient_id)?.listable) continue;
      for (const entry of shownTo(dispatch, memory)) {
        const member = memory.members.get(entry.subject_id);
        const key = pairKey(dispatch.recipient_id, entry.subject_id);
        if (!member?.listable || member.details_position <= dispatch.built_at_position || cited.has(key)) continue;
        cited.add(key);
        raiseCorrection(memory, copyOf(dispatch, entry, memory), member.details_position);
      }
    }
    // A newer copy later in the segment settles a correction an older one made due (a recipient's
    // lists in a segment were built in the order they came: SegmentCopies).
    for (const dispatch of dispatches) {
      const entries = memory.entriesOf(dispatch.diagnosis_id, dispatch.list_version);
      for (const subjectId of memory.correctionSubjectsOf(dispatch.recipient_id)) {
        const correction = memory.corrections.get(pairKey(dispatch.recipient_id, subjectId));
        if (correction && isPending(correction) && correction.due_position <= dispatch.built_at_position && entries.has(subjectId)) settle(correction, memory);
      }
    }
    // The copies of entries whose members may no longer be shown here.
    return dispatches.flatMap((dispatch) =>
      shownTo(dispatch, memory).flatMap((entry) => {
        const member = memory.members.get(entry.subject_id);
        return member && (!member.listable || member.diagnosis_id !== dispatch.diagnosis_id) ? [copyOf(dispatch, entry, memory)] : [];
      }),
    );
  }

  /**
   * What each view showed, as the latest copy per recipient and member (an older view of the
   * same pair says nothing more). Returns the pairs this segment recorded, with the view's group.
   */
  private saveViews(views: RecordedEvent[], memory: PlannerMemory): Array<{ view: ViewRow; diagnosisId: string }> {
    const latest = new Map<string, { view: ViewRow; diagnosisId: string }>();
    for (const recorded of views) {
      const { data } = recorded as unknown as ContactListViewed;
      data.entries.forEach((entry, index) => {
        latest.set(pairKey(data.recipientId, entry.subjectId), {
          diagnosisId: data.diagnosisId,
          view: {
            recipient_id: data.recipientId,
            subject_id: entry.subjectId,
            list_reference: data.listReference,
            entry_number: index + 1,
            fields: entry.fields,
            built_at_position: BigInt(data.builtAtPosition),
            viewed_at: recorded.metadata.occurredAt,
            position: recorded.position,
          },
        });
      });
    }
    // Only copies recorded for the first time need reconciling (a replay changes nothing).
    return [...latest].flatMap(([key, viewed]) => {
      const known = memory.views.get(key);
      if (known && known.position >= viewed.view.position) return [];
      memory.putView(viewed.view);
      return [viewed];
    });
  }

  /**
   * New views, reconciled as new list copies are: a view settles a pending correction it shows
   * the corrected entry for; an entry whose member was rectified after the view was built needs
   * one. Returns the entries of the segment's new views whose members may no longer be shown
   * (they withdrew while the view was built): each view needs a deletion notice of its own.
   */
  private reconcileViews(views: RecordedEvent[], viewed: Array<{ view: ViewRow; diagnosisId: string }>, memory: PlannerMemory): Holder[] {
    for (const { view } of viewed) {
      const correction = memory.corrections.get(pairKey(view.recipient_id, view.subject_id));
      if (correction && isPending(correction) && correction.due_position <= view.built_at_position) settle(correction, memory);
    }
    for (const { view } of viewed) {
      const subject = memory.members.get(view.subject_id);
      if (!subject?.listable || subject.details_position <= view.built_at_position || !memory.members.get(view.recipient_id)?.listable) continue;
      raiseCorrection(memory, viewedCopy(view), subject.details_position);
    }
    const shownGone = new Set(
      viewed.flatMap(({ view, diagnosisId }) => {
        const member = memory.members.get(view.subject_id);
        return member && (!member.listable || member.diagnosis_id !== diagnosisId) ? [`${diagnosisId}|${view.subject_id}`] : [];
      }),
    );
    if (shownGone.size === 0) return [];
    // Every new view of those members, not only the latest of each pair that the table keeps.
    const recorded = new Set(viewed.map(({ view }) => pairKey(view.recipient_id, view.subject_id)));
    return views.flatMap((event) => {
      const { data } = event as unknown as ContactListViewed;
      return data.entries.flatMap((entry, index) =>
        recorded.has(pairKey(data.recipientId, entry.subjectId)) && shownGone.has(`${data.diagnosisId}|${entry.subjectId}`)
          ? [{ subject_id: entry.subjectId, recipient_id: data.recipientId, list_reference: data.listReference, listed_at: event.metadata.occurredAt, fields: entry.fields, entry_number: index + 1 }]
          : [],
      );
    });
  }

  /** Earlier recipients of a rectified member's entry get the corrected entry, if it shows what changed. */
  private planCorrections(rectified: Map<string, { fields: Set<keyof ContactDetails>; position: bigint }>, memory: PlannerMemory): void {
    for (const holder of this.holdersOf(new Set(rectified.keys()), memory)) {
      const update = rectified.get(holder.subject_id);
      if (!update || !correctionNeeded([...update.fields], holder.fields)) continue;
      if (!memory.members.get(holder.recipient_id)?.listable || memory.hasNoticeFor(holder.recipient_id, holder.subject_id, holder.list_reference)) continue;
      raiseCorrection(memory, holder, update.position);
    }
  }

  /**
   * Each of these copies whose entry may no longer stay gets a notice to delete it (once per
   * recipient, member, reason and held list), and no correction of it.
   */
  private planNotices(holders: Holder[], position: bigint, memory: PlannerMemory): void {
    for (const holder of holders) {
      const reason = deletionReason(memory.fold.member(holder.subject_id), memory.fold.unlawfulness(holder.recipient_id, holder.subject_id, []));
      if (!reason) continue;
      const idempotencyKey = deletionKey(holder.recipient_id, holder.subject_id, reason, holder.list_reference);
      memory.addNotice({
        dispatch_id: dispatchIdOf(idempotencyKey),
        idempotency_key: idempotencyKey,
        recipient_id: holder.recipient_id,
        subject_id: holder.subject_id,
        reason,
        list_reference: holder.list_reference,
        entry_number: holder.entry_number,
        listed_at: holder.listed_at,
        planned_position: position,
        dispatched_position: null,
      });
      // An entry to be deleted is not corrected any more.
      const correction = memory.corrections.get(pairKey(holder.recipient_id, holder.subject_id));
      if (correction && isPending(correction)) settle(correction, memory);
    }
  }

  /** Per member and recipient, the latest copy (a list sent, or a view) that showed the member to the recipient. */
  private holdersOf(subjectIds: ReadonlySet<string>, memory: PlannerMemory): Holder[] {
    return [...subjectIds].flatMap((subjectId) => {
      const latest = new Map<string, { holder: Holder; position: bigint }>();
      const consider = (holder: Holder, position: bigint) => {
        if ((latest.get(holder.recipient_id)?.position ?? -1n) < position) latest.set(holder.recipient_id, { holder, position });
      };
      for (const key of memory.versionsShowing(subjectId)) {
        for (const dispatch of memory.dispatchesOf(key)) {
          const entry = memory.entriesOf(dispatch.diagnosis_id, dispatch.list_version).get(subjectId);
          if (entry && isShownTo(dispatch, entry)) consider(copyOf(dispatch, entry, memory), dispatch.position);
        }
      }
      for (const recipientId of memory.viewersOfMember(subjectId)) {
        const view = memory.views.get(pairKey(recipientId, subjectId));
        if (view) consider(viewedCopy(view), view.position);
      }
      return [...latest.values()].map(({ holder }) => holder);
    });
  }
}

type ContactListVersionData = Extract<ContactListEvent, { type: 'ContactListVersionPublished' }>['data'];

const OTHER_EVENTS = new Set<string>([
  'DiagnosisRegistered',
  'DiagnosisProposed',
  'DiagnosesLinked',
  'ContactListVersionPublished',
  'ContactListDispatched',
  'CorrectionDispatched',
  'DeletionNoticeDispatched',
  'ListNoticeDispatched',
  'ContactListViewed',
]);

/** A version's entries with their ordinals: in the whole list, and among those a recipient in Greenland sees. */
export function numberedEntries(entries: readonly ListEntry[]): Array<{ subject_id: string; ordinal: number; ordinal_gl: number | null; fields: ContactField[]; digest: string; greenland: boolean }> {
  let greenland = 0;
  return entries.map((entry, index) => ({
    subject_id: entry.subjectId,
    ordinal: index + 1,
    ordinal_gl: entry.greenland ? ++greenland : null,
    fields: entry.fields,
    digest: entry.digest,
    greenland: entry.greenland,
  }));
}

/**
 * Where a member who just became news is news: their own group and, with cluster scope, every
 * group linked to theirs by then (the fold decides which share a cluster).
 */
function newsFor(fold: Listability, links: Map<string, Set<string>>, memberId: string): string[] {
  const member = fold.member(memberId);
  if (!member?.admitted) return [];
  const groups = new Set([member.diagnosisId]);
  if (member.scope === 'cluster') {
    for (const diagnosisIds of links.values()) {
      if (!diagnosisIds.has(member.diagnosisId)) continue;
      for (const other of diagnosisIds) if (fold.shareCluster(member.diagnosisId, other)) groups.add(other);
    }
  }
  return [...groups];
}

/**
 * The copies of lists a segment holds, to tell where a copy must start a new segment so that
 * copies are taken in log order. A segment settles corrections with the corrected entries it sends
 * first, then reconciles its lists (taking each recipient's lists to have been built in the order
 * they came), then its views (keeping only the latest view of each pair). So a corrected entry
 * sent after a copy, a view after any copy, a list after a view, and a list built before one the
 * segment already sends the same recipient each start a new segment (all rare: the usual batch is
 * lists sent in the order they were built).
 */
class SegmentCopies {
  private kind: 'none' | 'lists' | 'a view' = 'none';
  /** Per recipient, the latest build among the lists the segment sends them. */
  private readonly builtAt = new Map<string, bigint>();

  mustEndBefore(event: RecordedEvent): boolean {
    if (this.kind === 'none') return false;
    if (event.type === 'ContactListViewed' || settlesCorrection(event)) return true;
    if (event.type !== 'ContactListDispatched') return false;
    const { recipientId, builtAtPosition } = event.data as { recipientId: string; builtAtPosition: string };
    return this.kind === 'a view' || BigInt(builtAtPosition) < (this.builtAt.get(recipientId) ?? 0n);
  }

  add(event: RecordedEvent): void {
    if (event.type === 'ContactListViewed') this.kind = 'a view';
    if (event.type !== 'ContactListDispatched') return;
    this.kind = 'lists';
    const { recipientId, builtAtPosition } = event.data as { recipientId: string; builtAtPosition: string };
    const built = BigInt(builtAtPosition);
    if (built > (this.builtAt.get(recipientId) ?? 0n)) this.builtAt.set(recipientId, built);
  }
}

/** A corrected entry sent: a correction, or the notice that tells a portal recipient of one. */
function settlesCorrection(event: RecordedEvent): boolean {
  return event.type === 'CorrectionDispatched' || (event.type === 'ListNoticeDispatched' && (event.data as { reason?: string }).reason === 'entry-corrected');
}

/** A member event: one with a rule here, or one the listability fold acts on (DiagnosesLinked is not about a member). */
function isMemberEvent(event: RecordedEvent): boolean {
  return MEMBER_EVENTS.has(event.type) || (LISTABILITY_EVENT_TYPES.has(event.type) && !OTHER_EVENTS.has(event.type));
}


/** The entries of a dispatched version the recipient was shown: all but their own, and in Greenland only those that allow it. */
function shownTo(dispatch: ListDispatchRow, memory: PlannerMemory): ShownEntry[] {
  return [...memory.entriesOf(dispatch.diagnosis_id, dispatch.list_version).values()].filter((entry) => isShownTo(dispatch, entry));
}

function isShownTo(dispatch: ListDispatchRow, entry: ShownEntry): boolean {
  return entry.subject_id !== dispatch.recipient_id && (!dispatch.greenland_only || entry.greenland);
}

/** A recipient's copy of an entry, as a dispatch of its version gave it to them. */
function copyOf(dispatch: ListDispatchRow, entry: ShownEntry, memory: PlannerMemory): Holder {
  const own = memory.entriesOf(dispatch.diagnosis_id, dispatch.list_version).get(dispatch.recipient_id);
  return {
    subject_id: entry.subject_id,
    recipient_id: dispatch.recipient_id,
    list_reference: dispatch.list_reference,
    listed_at: dispatch.dispatched_at,
    fields: entry.fields,
    entry_number: entryNumber(entry, own, dispatch.greenland_only),
  };
}

function isPending(correction: CorrectionRow): boolean {
  return correction.due_position > correction.done_position;
}

/** Settled (by the corrected entry, a newer copy, or a notice to delete the entry instead): done up to where it was due. */
function settle(correction: CorrectionRow, memory: PlannerMemory): void {
  correction.done_position = correction.due_position;
  memory.putCorrection(correction);
}

/** A correction due for the copy `holder`, unless one as recent is already known (what is done stays done). */
function raiseCorrection(memory: PlannerMemory, holder: Holder, duePosition: bigint): void {
  const known = memory.corrections.get(pairKey(holder.recipient_id, holder.subject_id));
  if (known && known.due_position >= duePosition) return;
  memory.putCorrection({
    recipient_id: holder.recipient_id,
    subject_id: holder.subject_id,
    due_position: duePosition,
    done_position: known?.done_position ?? 0n,
    list_reference: holder.list_reference,
    entry_number: holder.entry_number,
    listed_at: holder.listed_at,
  });
}

/** A recipient's copy of an entry, as their latest view of the member showed it. */
function viewedCopy(view: ViewRow): Holder {
  return { subject_id: view.subject_id, recipient_id: view.recipient_id, list_reference: view.list_reference, listed_at: view.viewed_at, fields: view.fields, entry_number: view.entry_number };
}
