import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ContactListEvent, ContactListViewed, ListEntry } from '../../contracts/events/contact-list.events';
import type { DiagnosesLinked, DiagnosisEvent } from '../../contracts/events/diagnosis.events';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { ContactDetails, ContactField, MemberEvent } from '../../contracts/events/membership.events';
import { deletionKey, dispatchIdOf } from '../../src/contact-lists/dispatch-keys';
import { LISTABILITY_EVENT_TYPES, type ListableMember, Listability } from '../../src/contact-lists/listability';
import type { Projection } from '../runner/projection';
import { correctionNeeded, deletionReason, ENTRY_NUMBER_SQL } from './notice-planning';

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

interface MemberRow {
  member_id: string;
  facts: ListableMember;
  language: string;
  personal: string | null;
  list_delivery: 'email' | 'portal' | null;
  details_position: string;
  position: string;
}

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
  dispatched_at: Date;
  fields: ContactField[];
  entry_number: number;
}

/**
 * contact-list-planner: what the contact-list sender needs, folded from the log in the
 * transaction of its checkpoint, so that the sender can read it AS OF one log position.
 *
 * - Who may be on which list and receive it: each member's facts as the listability fold
 *   (src/contact-lists/listability.ts) has them; the fold itself decides, restored per batch.
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
 * changes nothing.
 */
@Injectable()
export class ContactListPlannerProjector implements Projection {
  readonly name = CONTACT_LIST_PLANNER;
  readonly version = 4;
  readonly eventTypes = [...new Set([...MEMBER_EVENTS, ...OTHER_EVENTS, ...LISTABILITY_EVENT_TYPES])];

  /**
   * Notices are judged on the state after a change of who may be listed, and corrections on the
   * copies held when the details changed, so a batch is applied in segments: each such change is
   * a segment of its own, and copies of the list start new ones where they must to be taken in
   * log order (SegmentCopies). The plan is then the same whatever the batch boundaries (a
   * restriction lifted in the same batch still leaves its notice planned; a list dispatched just
   * before a withdrawal is reconciled as the member stood before it; a correction made due by a
   * late copy is settled by the corrected entry sent after it, and not by a newer list sent before
   * it). The contact-list planner's property test holds it to that.
   */
  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const admittedBefore = await this.admittedBefore(events, tx);
    // Which groups share a cluster: loaded once, and kept as the segments link more.
    const links = await this.loadClusters(tx);
    let start = 0;
    let copies = new SegmentCopies();
    for (let index = 0; index < events.length; index++) {
      const event = events[index];
      let readmission = false;
      if (event.type === 'MemberAdmitted') {
        const { memberId } = event.data as { memberId: string };
        readmission = admittedBefore.has(memberId);
        admittedBefore.add(memberId);
      }
      const change = SEGMENT_BOUNDARIES.has(event.type) || readmission;
      // What came before a change is judged on the state before it, as if applied on its own.
      if ((change || copies.mustEndBefore(event)) && index > start) {
        await this.applySegment(events.slice(start, index), links, tx);
        start = index;
        copies = new SegmentCopies();
      }
      copies.add(event);
      if (!change && index < events.length - 1) continue;
      await this.applySegment(events.slice(start, index + 1), links, tx);
      start = index + 1;
      copies = new SegmentCopies();
    }
  }

  /** The members admitted in this batch whom the planner has already seen admitted. */
  private async admittedBefore(events: readonly RecordedEvent[], tx: EntityManager): Promise<Set<string>> {
    const memberIds = [...new Set(events.filter((event) => event.type === 'MemberAdmitted').map((event) => (event.data as { memberId: string }).memberId))];
    if (memberIds.length === 0) return new Set();
    const rows: Array<{ member_id: string }> = await tx.query(
      `SELECT member_id::text FROM contact_list_members WHERE member_id = ANY($1::uuid[]) AND (facts->>'admitted')::boolean`,
      [memberIds],
    );
    return new Set(rows.map((row) => row.member_id));
  }

  /** `links`: the cluster links as stored before the segment; the segment adds the ones it stores. */
  private async applySegment(events: readonly RecordedEvent[], links: Map<string, Set<string>>, tx: EntityManager): Promise<void> {
    const relevant = events.filter((event) => isMemberEvent(event) || OTHER_EVENTS.has(event.type));
    if (relevant.length === 0) return;
    const batchPosition = relevant[relevant.length - 1].position;

    const memberIds = [...new Set(relevant.filter(isMemberEvent).map((event) => (event.data as { memberId: string }).memberId))];
    const rows = await this.loadMembers(memberIds, tx);
    const states = new Map<string, MemberState>(rows.map((row) => [row.member_id, stateOf(row)]));
    const fold = Listability.restore(
      rows.map((row) => row.facts),
      [...links].map(([clusterId, diagnosisIds]) => ({ clusterId, diagnosisIds: [...diagnosisIds] })),
    );

    const diagnoses = new Map<string, string>();
    const newLinks: Array<{ clusterId: string; diagnosisId: string }> = [];
    const linkedAt: Array<{ clusterId: string; diagnosisIds: string[]; position: bigint; at: string }> = [];
    /** Members who became newcomers in this batch (admitted, or a restriction lifted): the latest such event each, and where they are news. */
    const newcomers = new Map<string, { position: bigint; at: string; groups: string[] }>();
    /** Members whose entries earlier recipients may have to delete. */
    const touched = new Set<string>();
    const rectified = new Map<string, { fields: Set<keyof ContactDetails>; position: bigint }>();
    const changed = new Set<string>();
    const versions: Array<{ data: ContactListVersionData; position: bigint }> = [];
    const listDispatches: RecordedEvent[] = [];
    const views: RecordedEvent[] = [];
    /** Per recipient and member, the newest corrected copy sent in this segment (as a position). */
    const corrected = new Map<string, { recipientId: string; subjectId: string; builtAt: bigint }>();
    const correctedCopy = (recipientId: string, subjectId: string, builtAt: string) => {
      const key = `${recipientId}|${subjectId}`;
      if ((corrected.get(key)?.builtAt ?? -1n) < BigInt(builtAt)) corrected.set(key, { recipientId, subjectId, builtAt: BigInt(builtAt) });
    };
    const noticesSent: Array<{ dispatchId: string; position: bigint }> = [];

    for (const recorded of relevant) {
      const event = recorded as unknown as MemberEvent | DiagnosisEvent | DiagnosesLinked | ContactListEvent;
      switch (event.type) {
        case 'DiagnosisRegistered':
        case 'DiagnosisProposed':
          diagnoses.set(event.data.diagnosisId, event.data.name);
          continue;
        case 'DiagnosesLinked': {
          fold.apply(event);
          for (const diagnosisId of event.data.diagnosisIds) {
            newLinks.push({ clusterId: event.data.clusterId, diagnosisId });
            links.set(event.data.clusterId, (links.get(event.data.clusterId) ?? new Set()).add(diagnosisId));
          }
          linkedAt.push({ clusterId: event.data.clusterId, diagnosisIds: [...(links.get(event.data.clusterId) ?? [])], position: recorded.position, at: recorded.metadata.occurredAt });
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
      const state = states.get(memberId);
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
          newcomers.set(memberId, { position: recorded.position, at: memberEvent.data.admittedAt, groups: newsFor(fold, links, memberId) });
          if (wasAdmittedTo !== undefined && wasAdmittedTo !== memberEvent.data.diagnosisId) touched.add(memberId);
          break;
        case 'RestrictionLifted':
          if (fold.member(memberId)?.admitted) newcomers.set(memberId, { position: recorded.position, at: memberEvent.data.liftedAt, groups: newsFor(fold, links, memberId) });
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

    await this.saveDiagnoses(diagnoses, tx);
    const linkedClusters = new Set<string>();
    if (newLinks.length > 0) {
      const inserted: Array<{ cluster_id: string }> = await tx.query(
        `INSERT INTO contact_list_clusters (cluster_id, diagnosis_id)
         SELECT * FROM unnest($1::text[], $2::uuid[]) ON CONFLICT DO NOTHING RETURNING cluster_id`,
        [newLinks.map((link) => link.clusterId), newLinks.map((link) => link.diagnosisId)],
      );
      for (const row of inserted) linkedClusters.add(row.cluster_id);
    }
    await this.saveMembers([...changed], states, fold, tx);
    await this.saveNewcomers(newcomers, tx);
    // Only links not seen before bring news (a replay changes nothing).
    for (const link of linkedAt) if (linkedClusters.has(link.clusterId)) await this.clusterNewcomers(link, tx);
    // A newcomer who is no longer listable (withdrew, restricted, erased) is nobody's news.
    const unlisted = [...changed].filter((memberId) => !fold.isListable(memberId));
    if (unlisted.length > 0) await tx.query('DELETE FROM contact_list_newcomers WHERE member_id = ANY($1::uuid[])', [unlisted]);
    await this.saveVersions(versions, tx);
    const dispatched = await this.saveListDispatches(listDispatches, tx);
    const viewed = await this.saveViews(views, tx);

    if (corrected.size > 0) {
      const copies = [...corrected.values()];
      await tx.query(
        `UPDATE contact_list_corrections c SET done_position = c.due_position
         FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS r(recipient_id, subject_id, built_at)
         WHERE c.recipient_id = r.recipient_id AND c.subject_id = r.subject_id AND c.due_position > c.done_position AND c.due_position <= r.built_at`,
        [copies.map((c) => c.recipientId), copies.map((c) => c.subjectId), copies.map((c) => c.builtAt.toString())],
      );
    }
    // Corrections first: a list dispatched later in the batch may settle them at once.
    await this.planCorrections(rectified, tx);
    const lateCopies = [
      ...(dispatched.length > 0 ? await this.reconcileDispatches(dispatched, tx) : []),
      ...(viewed.length > 0 ? await this.reconcileViews(views, viewed, tx) : []),
    ];
    const holders = [...lateCopies, ...(touched.size > 0 ? await this.holdersOf([...touched], tx) : [])];
    if (holders.length > 0) await this.planNotices(holders, batchPosition, links, tx);
    // Notices sent last: a notice may have been planned earlier in this batch (by a late list).
    if (noticesSent.length > 0) {
      await tx.query(
        `UPDATE contact_list_notices n SET dispatched_position = r.position
         FROM unnest($1::uuid[], $2::bigint[]) AS r(dispatch_id, position)
         WHERE n.dispatch_id = r.dispatch_id AND n.dispatched_position IS NULL`,
        [noticesSent.map((n) => n.dispatchId), noticesSent.map((n) => n.position.toString())],
      );
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    for (const table of PLANNER_TABLES) await tx.query(`DELETE FROM ${table}`);
  }

  private async loadMembers(memberIds: string[], tx: EntityManager): Promise<MemberRow[]> {
    if (memberIds.length === 0) return [];
    return tx.query(
      `SELECT member_id::text, facts, language, personal, list_delivery, details_position::text, position::text
       FROM contact_list_members WHERE member_id = ANY($1::uuid[])`,
      [memberIds],
    );
  }

  private async loadClusters(tx: EntityManager): Promise<Map<string, Set<string>>> {
    const rows: Array<{ cluster_id: string; diagnosis_ids: string[] }> = await tx.query(
      'SELECT cluster_id, array_agg(diagnosis_id::text ORDER BY diagnosis_id) AS diagnosis_ids FROM contact_list_clusters GROUP BY cluster_id',
    );
    return new Map(rows.map((row) => [row.cluster_id, new Set(row.diagnosis_ids)]));
  }

  private async saveDiagnoses(diagnoses: Map<string, string>, tx: EntityManager): Promise<void> {
    if (diagnoses.size === 0) return;
    await tx.query(
      `INSERT INTO contact_list_diagnoses (diagnosis_id, name) SELECT * FROM unnest($1::uuid[], $2::text[])
       ON CONFLICT (diagnosis_id) DO UPDATE SET name = EXCLUDED.name`,
      [[...diagnoses.keys()], [...diagnoses.values()]],
    );
  }

  private async saveMembers(memberIds: string[], states: Map<string, MemberState>, fold: Listability, tx: EntityManager): Promise<void> {
    const records = memberIds.flatMap((memberId) => {
      const facts = fold.member(memberId);
      const state = states.get(memberId);
      if (!facts || !state) return [];
      return [
        {
          member_id: memberId,
          diagnosis_id: facts.diagnosisId,
          facts,
          listable: fold.isListable(memberId),
          language: state.language,
          personal: state.personal,
          list_delivery: state.listDelivery,
          details_position: state.detailsPosition.toString(),
          position: state.position.toString(),
        },
      ];
    });
    if (records.length === 0) return;
    await tx.query(
      `INSERT INTO contact_list_members AS m (member_id, diagnosis_id, facts, listable, language, personal, list_delivery, details_position, position)
       SELECT member_id, diagnosis_id, facts, listable, language, personal, list_delivery, details_position, position
       FROM jsonb_to_recordset($1::jsonb) AS r(member_id uuid, diagnosis_id uuid, facts jsonb, listable boolean, language text, personal text,
                                              list_delivery text, details_position bigint, position bigint)
       ON CONFLICT (member_id) DO UPDATE SET diagnosis_id = EXCLUDED.diagnosis_id, facts = EXCLUDED.facts, listable = EXCLUDED.listable,
         language = EXCLUDED.language, personal = EXCLUDED.personal, list_delivery = EXCLUDED.list_delivery,
         details_position = EXCLUDED.details_position, position = EXCLUDED.position
       WHERE m.position < EXCLUDED.position`,
      [JSON.stringify(records)],
    );
  }

  /** Replaces the newcomer rows of the members who became news in this batch (admitted elsewhere, they are no longer news where they were). */
  private async saveNewcomers(newcomers: Map<string, { position: bigint; at: string; groups: string[] }>, tx: EntityManager): Promise<void> {
    if (newcomers.size === 0) return;
    const rows = [...newcomers].flatMap(([memberId, since]) => since.groups.map((diagnosisId) => ({ diagnosisId, memberId, ...since })));
    await tx.query('DELETE FROM contact_list_newcomers WHERE member_id = ANY($1::uuid[])', [[...newcomers.keys()]]);
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO contact_list_newcomers (diagnosis_id, member_id, since_position, since_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::timestamptz[])
       ON CONFLICT (diagnosis_id, member_id) DO UPDATE SET since_position = EXCLUDED.since_position, since_at = EXCLUDED.since_at
       WHERE contact_list_newcomers.since_position < EXCLUDED.since_position`,
      [rows.map((r) => r.diagnosisId), rows.map((r) => r.memberId), rows.map((r) => r.position.toString()), rows.map((r) => r.at)],
    );
  }

  /** Groups newly linked: their cluster-scope members are news on the other groups' lists. */
  private async clusterNewcomers(link: { diagnosisIds: string[]; position: bigint; at: string }, tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO contact_list_newcomers (diagnosis_id, member_id, since_position, since_at)
       SELECT g.diagnosis_id, m.member_id, $2, $3
       FROM contact_list_members m CROSS JOIN unnest($1::uuid[]) AS g(diagnosis_id)
       WHERE m.listable AND m.facts->>'scope' = 'cluster' AND m.diagnosis_id = ANY($1::uuid[]) AND m.diagnosis_id <> g.diagnosis_id
       ON CONFLICT (diagnosis_id, member_id) DO NOTHING`,
      [link.diagnosisIds, link.position.toString(), link.at],
    );
  }

  private async saveVersions(versions: Array<{ data: ContactListVersionData; position: bigint }>, tx: EntityManager): Promise<void> {
    if (versions.length === 0) return;
    const entries = versions.flatMap(({ data }) => numberedEntries(data.entries).map((entry) => ({ diagnosis_id: data.diagnosisId, version: data.version, ...entry })));
    if (entries.length > 0) {
      await tx.query(
        `INSERT INTO contact_list_version_entries (diagnosis_id, version, subject_id, ordinal, ordinal_gl, fields, digest, greenland)
         SELECT diagnosis_id, version, subject_id, ordinal, ordinal_gl, fields, digest, greenland
         FROM jsonb_to_recordset($1::jsonb) AS r(diagnosis_id uuid, version integer, subject_id uuid, ordinal integer, ordinal_gl integer,
                                                fields text[], digest text, greenland boolean)
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(entries)],
      );
    }
    // A group's latest version only: one statement may not upsert the same row twice.
    const latest = new Map<string, (typeof versions)[number]>();
    for (const version of versions) {
      const known = latest.get(version.data.diagnosisId);
      if (!known || known.data.version < version.data.version) latest.set(version.data.diagnosisId, version);
    }
    const groups = [...latest.values()];
    await tx.query(
      `INSERT INTO contact_list_groups AS g (diagnosis_id, version, built_at_position, position)
       SELECT * FROM unnest($1::uuid[], $2::integer[], $3::bigint[], $4::bigint[])
       ON CONFLICT (diagnosis_id) DO UPDATE SET version = EXCLUDED.version, built_at_position = EXCLUDED.built_at_position, position = EXCLUDED.position
       WHERE g.version < EXCLUDED.version`,
      [groups.map((v) => v.data.diagnosisId), groups.map((v) => v.data.version), groups.map((v) => v.data.builtAtPosition), groups.map((v) => v.position.toString())],
    );
    // Everyone who was news when a version was built has been on it (or was not listable then).
    await tx.query(
      `DELETE FROM contact_list_newcomers n USING unnest($1::uuid[], $2::bigint[]) AS v(diagnosis_id, built_at)
       WHERE n.diagnosis_id = v.diagnosis_id AND n.since_position <= v.built_at`,
      [versions.map((v) => v.data.diagnosisId), versions.map((v) => v.data.builtAtPosition)],
    );
  }

  /** Records who got which version; returns the dispatches recorded for the first time. */
  private async saveListDispatches(dispatches: RecordedEvent[], tx: EntityManager): Promise<ListDispatchRecord[]> {
    if (dispatches.length === 0) return [];
    const records = dispatches.map((recorded): ListDispatchRecord => {
      const { data } = recorded as unknown as Extract<ContactListEvent, { type: 'ContactListDispatched' }>;
      return {
        dispatch_id: data.dispatchId,
        recipient_id: data.recipientId,
        diagnosis_id: data.diagnosisId,
        list_version: data.listVersion,
        list_reference: data.listReference,
        greenland_only: data.view.greenlandOnly,
        built_at_position: data.builtAtPosition,
        dispatched_at: recorded.metadata.occurredAt,
        position: recorded.position.toString(),
      };
    });
    const inserted: Array<{ dispatch_id: string }> = await tx.query(
      `INSERT INTO contact_list_list_dispatches
         (dispatch_id, recipient_id, diagnosis_id, list_version, list_reference, greenland_only, built_at_position, dispatched_at, position)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(dispatch_id uuid, recipient_id uuid, diagnosis_id uuid, list_version integer,
         list_reference text, greenland_only boolean, built_at_position bigint, dispatched_at timestamptz, position bigint)
       ON CONFLICT DO NOTHING
       RETURNING dispatch_id::text`,
      [JSON.stringify(records)],
    );
    // Only dispatches seen for the first time need reconciling (a replay changes nothing).
    const first = new Set(inserted.map((row) => row.dispatch_id));
    return records.filter((record) => first.has(record.dispatch_id));
  }

  /**
   * New copies of lists: a newer copy of an entry settles a pending correction; an entry whose
   * member was rectified after the version was built needs one. Returns the copies of entries
   * whose members may no longer be shown (they withdrew, say, between the build and the
   * dispatch): each needs a deletion notice of its own, as when the dispatches come one by one
   * (a later copy in the same batch does not stand in for an earlier one).
   */
  private async reconcileDispatches(dispatches: ListDispatchRecord[], tx: EntityManager): Promise<Holder[]> {
    const dispatchIds = dispatches.map((dispatch) => dispatch.dispatch_id);
    // The versions these dispatches showed, with the position each dispatch says it was built at,
    // as recorded just now (looking them up by dispatch id cost twice as much).
    const versions = [...new Map(dispatches.map((dispatch) => [`${dispatch.diagnosis_id}/${dispatch.list_version}/${dispatch.built_at_position}`, dispatch])).values()];
    await tx.query(
      `WITH versions AS (
         SELECT * FROM unnest($2::uuid[], $3::integer[], $4::bigint[]) AS v(diagnosis_id, list_version, built_at_position)
       ), changed AS MATERIALIZED (
         -- From the few members whose details changed since the oldest of these versions was
         -- built, not from every entry of every version (contact_list_members_details); the
         -- stale entries, usually none, before any dispatch is looked at.
         SELECT member_id, details_position FROM contact_list_members
         WHERE listable AND details_position > (SELECT min(built_at_position) FROM versions)
       ), stale AS MATERIALIZED (
         SELECT e.*, m.details_position FROM versions v
         JOIN changed m ON m.details_position > v.built_at_position
         JOIN contact_list_version_entries e ON e.diagnosis_id = v.diagnosis_id AND e.version = v.list_version AND e.subject_id = m.member_id
       )
       INSERT INTO contact_list_corrections AS c (recipient_id, subject_id, due_position, done_position, list_reference, entry_number, listed_at)
       SELECT DISTINCT ON (d.recipient_id, e.subject_id) d.recipient_id, e.subject_id, e.details_position, 0, d.list_reference, ${ENTRY_NUMBER_SQL}, d.dispatched_at
       FROM stale e
       JOIN contact_list_list_dispatches d ON d.diagnosis_id = e.diagnosis_id AND d.list_version = e.version AND d.dispatch_id = ANY($1::uuid[])
       JOIN contact_list_members r ON r.member_id = d.recipient_id AND r.listable
       LEFT JOIN contact_list_version_entries own ON own.diagnosis_id = e.diagnosis_id AND own.version = e.version AND own.subject_id = d.recipient_id
       WHERE e.subject_id <> d.recipient_id AND (NOT d.greenland_only OR e.greenland)
       -- One row per pair: the recipient's first stale copy, as when the dispatches come one by one.
       ORDER BY d.recipient_id, e.subject_id, d.position
       ON CONFLICT (recipient_id, subject_id) DO UPDATE SET due_position = EXCLUDED.due_position, list_reference = EXCLUDED.list_reference,
         entry_number = EXCLUDED.entry_number, listed_at = EXCLUDED.listed_at
       WHERE c.due_position < EXCLUDED.due_position`,
      [dispatchIds, versions.map((version) => version.diagnosis_id), versions.map((version) => version.list_version), versions.map((version) => version.built_at_position)],
    );
    // After the insert: a newer copy later in the batch settles a correction an older one made due
    // (a recipient's lists in a segment were built in the order they came: SegmentCopies).
    await tx.query(
      `UPDATE contact_list_corrections c SET done_position = c.due_position
       FROM contact_list_list_dispatches d
       JOIN contact_list_version_entries e ON e.diagnosis_id = d.diagnosis_id AND e.version = d.list_version
       WHERE d.dispatch_id = ANY($1::uuid[]) AND c.recipient_id = d.recipient_id AND c.subject_id = e.subject_id
         AND c.due_position > c.done_position AND c.due_position <= d.built_at_position`,
      [dispatchIds],
    );
    // The versions' entries of members who may no longer be shown first (usually none), then the
    // dispatches that showed them.
    return tx.query(
      `WITH gone AS MATERIALIZED (
         SELECT e.* FROM unnest($2::uuid[], $3::integer[]) AS v(diagnosis_id, list_version)
         JOIN contact_list_version_entries e ON e.diagnosis_id = v.diagnosis_id AND e.version = v.list_version
         JOIN contact_list_members m ON m.member_id = e.subject_id
         WHERE NOT m.listable OR m.diagnosis_id <> v.diagnosis_id
       )
       SELECT e.subject_id::text, d.recipient_id::text, d.list_reference, d.dispatched_at, e.fields, ${ENTRY_NUMBER_SQL} AS entry_number
       FROM gone e
       JOIN contact_list_list_dispatches d ON d.diagnosis_id = e.diagnosis_id AND d.list_version = e.version AND d.dispatch_id = ANY($1::uuid[])
       LEFT JOIN contact_list_version_entries own ON own.diagnosis_id = e.diagnosis_id AND own.version = e.version AND own.subject_id = d.recipient_id
       WHERE e.subject_id <> d.recipient_id AND (NOT d.greenland_only OR e.greenland)`,
      [dispatchIds, versions.map((version) => version.diagnosis_id), versions.map((version) => version.list_version)],
    );
  }

  /**
   * What each view showed, as the latest copy per recipient and member (an older view of the
   * same pair says nothing more). Returns the pairs this batch recorded, with the view's group.
   */
  private async saveViews(views: RecordedEvent[], tx: EntityManager): Promise<Array<{ recipient_id: string; subject_id: string; diagnosis_id: string }>> {
    if (views.length === 0) return [];
    const latest = new Map<string, { record: Record<string, unknown>; diagnosisId: string }>();
    for (const recorded of views) {
      const { data } = recorded as unknown as ContactListViewed;
      data.entries.forEach((entry, index) => {
        latest.set(`${data.recipientId}|${entry.subjectId}`, {
          diagnosisId: data.diagnosisId,
          record: {
            recipient_id: data.recipientId,
            subject_id: entry.subjectId,
            list_reference: data.listReference,
            entry_number: index + 1,
            fields: entry.fields,
            built_at_position: data.builtAtPosition,
            viewed_at: recorded.metadata.occurredAt,
            position: recorded.position.toString(),
          },
        });
      });
    }
    if (latest.size === 0) return [];
    const saved: Array<{ recipient_id: string; subject_id: string }> = await tx.query(
      `INSERT INTO contact_list_views AS v (recipient_id, subject_id, list_reference, entry_number, fields, built_at_position, viewed_at, position)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(recipient_id uuid, subject_id uuid, list_reference text, entry_number integer, fields text[],
         built_at_position bigint, viewed_at timestamptz, position bigint)
       ON CONFLICT (recipient_id, subject_id) DO UPDATE SET list_reference = EXCLUDED.list_reference, entry_number = EXCLUDED.entry_number,
         fields = EXCLUDED.fields, built_at_position = EXCLUDED.built_at_position, viewed_at = EXCLUDED.viewed_at, position = EXCLUDED.position
       WHERE v.position < EXCLUDED.position
       RETURNING recipient_id::text, subject_id::text`,
      [JSON.stringify([...latest.values()].map((view) => view.record))],
    );
    // Only copies recorded for the first time need reconciling (a replay changes nothing).
    return saved.flatMap((row) => {
      const view = latest.get(`${row.recipient_id}|${row.subject_id}`);
      return view ? [{ ...row, diagnosis_id: view.diagnosisId }] : [];
    });
  }

  /**
   * New views, reconciled as new list copies are: a view settles a pending correction it shows
   * the corrected entry for; an entry whose member was rectified after the view was built needs
   * one. Returns the entries of the segment's new views whose members may no longer be shown
   * (they withdrew while the view was built): each view needs a deletion notice of its own.
   */
  private async reconcileViews(views: RecordedEvent[], viewed: Array<{ recipient_id: string; subject_id: string; diagnosis_id: string }>, tx: EntityManager): Promise<Holder[]> {
    const pairs = JSON.stringify(viewed);
    await tx.query(
      `UPDATE contact_list_corrections c SET done_position = c.due_position
       FROM jsonb_to_recordset($1::jsonb) AS p(recipient_id uuid, subject_id uuid)
       JOIN contact_list_views v ON v.recipient_id = p.recipient_id AND v.subject_id = p.subject_id
       WHERE c.recipient_id = v.recipient_id AND c.subject_id = v.subject_id AND c.due_position > c.done_position AND c.due_position <= v.built_at_position`,
      [pairs],
    );
    await tx.query(
      `INSERT INTO contact_list_corrections AS c (recipient_id, subject_id, due_position, done_position, list_reference, entry_number, listed_at)
       SELECT v.recipient_id, v.subject_id, m.details_position, 0, v.list_reference, v.entry_number, v.viewed_at
       FROM jsonb_to_recordset($1::jsonb) AS p(recipient_id uuid, subject_id uuid)
       JOIN contact_list_views v ON v.recipient_id = p.recipient_id AND v.subject_id = p.subject_id
       JOIN contact_list_members m ON m.member_id = v.subject_id AND m.listable AND m.details_position > v.built_at_position
       JOIN contact_list_members r ON r.member_id = v.recipient_id AND r.listable
       ON CONFLICT (recipient_id, subject_id) DO UPDATE SET due_position = EXCLUDED.due_position, list_reference = EXCLUDED.list_reference,
         entry_number = EXCLUDED.entry_number, listed_at = EXCLUDED.listed_at
       WHERE c.due_position < EXCLUDED.due_position`,
      [pairs],
    );
    const gone: Array<{ subject_id: string; diagnosis_id: string }> = await tx.query(
      `SELECT DISTINCT p.subject_id::text, p.diagnosis_id::text FROM jsonb_to_recordset($1::jsonb) AS p(subject_id uuid, diagnosis_id uuid)
       JOIN contact_list_members m ON m.member_id = p.subject_id
       WHERE NOT m.listable OR m.diagnosis_id <> p.diagnosis_id`,
      [pairs],
    );
    if (gone.length === 0) return [];
    // Every new view of those members, not only the latest of each pair that the table keeps.
    const recorded = new Set(viewed.map((pair) => `${pair.recipient_id}|${pair.subject_id}`));
    const shownGone = new Set(gone.map((row) => `${row.diagnosis_id}|${row.subject_id}`));
    return views.flatMap((event) => {
      const { data } = event as unknown as ContactListViewed;
      return data.entries.flatMap((entry, index) =>
        recorded.has(`${data.recipientId}|${entry.subjectId}`) && shownGone.has(`${data.diagnosisId}|${entry.subjectId}`)
          ? [{ subject_id: entry.subjectId, recipient_id: data.recipientId, list_reference: data.listReference, dispatched_at: new Date(event.metadata.occurredAt), fields: entry.fields, entry_number: index + 1 }]
          : [],
      );
    });
  }

  /** Earlier recipients of a rectified member's entry get the corrected entry, if it shows what changed. */
  private async planCorrections(rectified: Map<string, { fields: Set<keyof ContactDetails>; position: bigint }>, tx: EntityManager): Promise<void> {
    if (rectified.size === 0) return;
    const holders = await this.holdersOf([...rectified.keys()], tx);
    const due = holders.filter((holder) => {
      const update = rectified.get(holder.subject_id);
      return update !== undefined && correctionNeeded([...update.fields], holder.fields);
    });
    if (due.length === 0) return;
    await tx.query(
      `INSERT INTO contact_list_corrections AS c (recipient_id, subject_id, due_position, done_position, list_reference, entry_number, listed_at)
       SELECT r.recipient_id, r.subject_id, r.due_position, 0, r.list_reference, r.entry_number, r.listed_at
       FROM jsonb_to_recordset($1::jsonb) AS r(recipient_id uuid, subject_id uuid, due_position bigint, list_reference text, entry_number integer, listed_at timestamptz)
       WHERE EXISTS (SELECT 1 FROM contact_list_members m WHERE m.member_id = r.recipient_id AND m.listable)
         AND NOT EXISTS (SELECT 1 FROM contact_list_notices n
                         WHERE n.recipient_id = r.recipient_id AND n.subject_id = r.subject_id AND n.list_reference = r.list_reference)
       ON CONFLICT (recipient_id, subject_id) DO UPDATE SET due_position = EXCLUDED.due_position, list_reference = EXCLUDED.list_reference,
         entry_number = EXCLUDED.entry_number, listed_at = EXCLUDED.listed_at
       WHERE c.due_position < EXCLUDED.due_position`,
      [
        JSON.stringify(
          due.map((holder) => ({
            recipient_id: holder.recipient_id,
            subject_id: holder.subject_id,
            due_position: (rectified.get(holder.subject_id)?.position ?? 0n).toString(),
            list_reference: holder.list_reference,
            entry_number: holder.entry_number,
            listed_at: holder.dispatched_at,
          })),
        ),
      ],
    );
  }

  /**
   * Each of these copies whose entry may no longer stay gets a notice to delete it (once per
   * recipient, member, reason and held list), and no correction of it.
   */
  private async planNotices(holders: Holder[], position: bigint, links: Map<string, Set<string>>, tx: EntityManager): Promise<void> {
    const ids = [...new Set(holders.flatMap((holder) => [holder.subject_id, holder.recipient_id]))];
    const rows = await this.loadMembers(ids, tx);
    const fold = Listability.restore(
      rows.map((row) => row.facts),
      [...links].map(([clusterId, diagnosisIds]) => ({ clusterId, diagnosisIds: [...diagnosisIds] })),
    );
    const notices = holders.flatMap((holder) => {
      const reason = deletionReason(fold.member(holder.subject_id), fold.unlawfulness(holder.recipient_id, holder.subject_id, []));
      if (!reason) return [];
      const idempotencyKey = deletionKey(holder.recipient_id, holder.subject_id, reason, holder.list_reference);
      return [
        {
          dispatch_id: dispatchIdOf(idempotencyKey),
          idempotency_key: idempotencyKey,
          recipient_id: holder.recipient_id,
          subject_id: holder.subject_id,
          reason,
          list_reference: holder.list_reference,
          entry_number: holder.entry_number,
          listed_at: holder.dispatched_at,
          planned_position: position.toString(),
        },
      ];
    });
    if (notices.length === 0) return;
    await tx.query(
      `INSERT INTO contact_list_notices
         (dispatch_id, idempotency_key, recipient_id, subject_id, reason, list_reference, entry_number, listed_at, planned_position)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(dispatch_id uuid, idempotency_key text, recipient_id uuid, subject_id uuid, reason text,
         list_reference text, entry_number integer, listed_at timestamptz, planned_position bigint)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(notices)],
    );
    // An entry to be deleted is not corrected any more.
    await tx.query(
      `UPDATE contact_list_corrections c SET done_position = c.due_position
       FROM unnest($1::uuid[], $2::uuid[]) AS r(recipient_id, subject_id)
       WHERE c.recipient_id = r.recipient_id AND c.subject_id = r.subject_id AND c.due_position > c.done_position`,
      [notices.map((n) => n.recipient_id), notices.map((n) => n.subject_id)],
    );
  }

  /** Per member and recipient, the latest copy (a list sent, or a view) that showed the member to the recipient. */
  private async holdersOf(subjectIds: string[], tx: EntityManager): Promise<Holder[]> {
    return tx.query(
      `SELECT DISTINCT ON (h.subject_id, h.recipient_id) h.subject_id, h.recipient_id, h.list_reference, h.dispatched_at, h.fields, h.entry_number
       FROM (
         SELECT e.subject_id::text, d.recipient_id::text, d.list_reference, d.dispatched_at, e.fields, ${ENTRY_NUMBER_SQL} AS entry_number, d.position
         FROM contact_list_version_entries e
         JOIN contact_list_list_dispatches d ON d.diagnosis_id = e.diagnosis_id AND d.list_version = e.version
         LEFT JOIN contact_list_version_entries own ON own.diagnosis_id = e.diagnosis_id AND own.version = e.version AND own.subject_id = d.recipient_id
         WHERE e.subject_id = ANY($1::uuid[]) AND d.recipient_id <> e.subject_id AND (NOT d.greenland_only OR e.greenland)
         UNION ALL
         SELECT v.subject_id::text, v.recipient_id::text, v.list_reference, v.viewed_at, v.fields, v.entry_number, v.position
         FROM contact_list_views v WHERE v.subject_id = ANY($1::uuid[])
       ) h
       ORDER BY h.subject_id, h.recipient_id, h.position DESC`,
      [subjectIds],
    );
  }
}

type ContactListVersionData = Extract<ContactListEvent, { type: 'ContactListVersionPublished' }>['data'];

/** A list dispatch as contact_list_list_dispatches records it. */
interface ListDispatchRecord {
  dispatch_id: string;
  recipient_id: string;
  diagnosis_id: string;
  list_version: number;
  list_reference: string;
  greenland_only: boolean;
  built_at_position: string;
  dispatched_at: string;
  position: string;
}

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

export const PLANNER_TABLES = [
  'contact_list_views',
  'contact_list_notices',
  'contact_list_corrections',
  'contact_list_list_dispatches',
  'contact_list_version_entries',
  'contact_list_newcomers',
  'contact_list_groups',
  'contact_list_diagnoses',
  'contact_list_clusters',
  'contact_list_members',
] as const;

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

function stateOf(row: MemberRow): MemberState {
  return { language: row.language, personal: row.personal, listDelivery: row.list_delivery, detailsPosition: BigInt(row.details_position), position: BigInt(row.position) };
}
