import type { PoolClient } from 'pg';
import type { DeletionReason } from '../../src/contact-lists/dispatch-keys';
import type { ListableMember } from '../../src/contact-lists/listability';
import { CONTACT_LIST_PLANNER } from './contact-list-planner.projector';

/** A member as the sender needs them: the fold's facts, language, sealed personal data (null once erased) and chosen delivery. */
export interface PlannedMember {
  facts: ListableMember;
  language: string;
  personal: string | null;
  /** The member's ListDeliveryChosen; null: never chosen. */
  listDelivery: 'email' | 'portal' | null;
}

export interface ClusterLink {
  clusterId: string;
  diagnosisIds: string[];
}

/** A group due a new version: its last version, name, pending newcomers, and everyone its list may show or go to. */
export interface DueGroup {
  diagnosisId: string;
  diagnosisName: string;
  version: number;
  newcomers: string[];
}

export interface DueCorrection {
  recipientId: string;
  subjectId: string;
  duePosition: string;
  correctedListReference: string;
  entryNumber: number;
  listedAt: string;
}

export interface DueNotice {
  dispatchId: string;
  idempotencyKey: string;
  recipientId: string;
  subjectId: string;
  reason: DeletionReason;
  heldListReference: string;
  entryNumber: number;
  listedAt: string;
}

/** Everything due, as the planner had it at `position` (its checkpoint). */
export interface SenderWork {
  position: bigint;
  groups: DueGroup[];
  corrections: DueCorrection[];
  notices: DueNotice[];
  /** The members the groups' lists may show or go to, and the parties of the corrections and notices. */
  members: Map<string, PlannedMember>;
  /** The cluster links that concern these members' groups. */
  clusters: ClusterLink[];
}

export interface SenderWorkOptions {
  /** Nothing is due until the planner has seen this position (the sender's own latest append). */
  notBefore: bigint;
  now: Date;
  debounceSeconds: number;
  maxGroups: number;
  maxMessages: number;
}

/**
 * Reads the planner's tables and its checkpoint in ONE repeatable-read, read-only transaction,
 * so that what the sender builds is the planner's state as of exactly that checkpoint (the
 * runner writes both in one transaction). Work the sender has taken on already (its outbox and
 * its versions, in the same database and the same snapshot) is left out. Returns undefined when
 * there is nothing to do, or when the planner has not yet caught up with `notBefore`.
 *
 * A group is due when the first of its newcomers is LIST_UPDATE_DEBOUNCE_SECONDS old, and only
 * once the planner has seen every version the sender published for it (so a version is never
 * built twice for the same newcomers).
 */
export async function readSenderWork(client: PoolClient, options: SenderWorkOptions): Promise<SenderWork | undefined> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const work = await read(client, options);
    await client.query('COMMIT');
    return work;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * How far the planner has applied the log, when what it says may be acted on: it has seen the log
 * up to `notBefore` (all the sender wrote; not so while it rebuilds) and is not stopped at a
 * failing event (then it knows nothing after it: a withdrawal, a restriction).
 */
export async function plannerPosition(db: Pick<PoolClient, 'query'>, notBefore: bigint): Promise<bigint | undefined> {
  const checkpoint = await db.query<{ position: string; failed: boolean }>(
    'SELECT position::text, failed_at_position IS NOT NULL AS failed FROM projection_checkpoints WHERE name = $1',
    [CONTACT_LIST_PLANNER],
  );
  const row = checkpoint.rows[0];
  if (!row || row.failed || BigInt(row.position) < notBefore) return undefined;
  return BigInt(row.position);
}

async function read(client: PoolClient, { notBefore, now, debounceSeconds, maxGroups, maxMessages }: SenderWorkOptions): Promise<SenderWork | undefined> {
  const position = await plannerPosition(client, notBefore);
  if (position === undefined) return undefined;

  const groups = await client.query<{ diagnosis_id: string; diagnosis_name: string | null; version: number; newcomers: string[] }>(
    `SELECT n.diagnosis_id::text, d.name AS diagnosis_name, coalesce(g.version, 0) AS version, array_agg(n.member_id::text ORDER BY n.since_position) AS newcomers
     FROM contact_list_newcomers n
     LEFT JOIN contact_list_groups g ON g.diagnosis_id = n.diagnosis_id
     LEFT JOIN contact_list_diagnoses d ON d.diagnosis_id = n.diagnosis_id
     GROUP BY n.diagnosis_id, d.name, g.version
     HAVING min(n.since_at) <= $1::timestamptz - make_interval(secs => $2)
        AND coalesce(g.version, 0) >= coalesce((SELECT max(s.version) FROM contact_list_sender_versions s WHERE s.diagnosis_id = n.diagnosis_id), 0)
     ORDER BY min(n.since_at)
     LIMIT $3`,
    [now.toISOString(), debounceSeconds, maxGroups],
  );
  const corrections = await client.query<{
    recipient_id: string;
    subject_id: string;
    due_position: string;
    list_reference: string;
    entry_number: number;
    listed_at: Date;
  }>(
    `SELECT c.recipient_id::text, c.subject_id::text, c.due_position::text, c.list_reference, c.entry_number, c.listed_at
     FROM contact_list_corrections c
     WHERE c.due_position > c.done_position
       AND NOT EXISTS (SELECT 1 FROM contact_list_outbox o
                       WHERE o.kind = 'correction' AND o.recipient_id = c.recipient_id AND o.subject_id = c.subject_id AND o.source_position = c.due_position)
     ORDER BY c.due_position
     LIMIT $1`,
    [maxMessages],
  );
  const notices = await client.query<{
    dispatch_id: string;
    idempotency_key: string;
    recipient_id: string;
    subject_id: string;
    reason: DeletionReason;
    list_reference: string;
    entry_number: number;
    listed_at: Date;
  }>(
    `SELECT n.dispatch_id::text, n.idempotency_key, n.recipient_id::text, n.subject_id::text, n.reason, n.list_reference, n.entry_number, n.listed_at
     FROM contact_list_notices n
     WHERE n.dispatched_position IS NULL AND NOT EXISTS (SELECT 1 FROM contact_list_outbox o WHERE o.dispatch_id = n.dispatch_id)
     ORDER BY n.planned_position
     LIMIT $1`,
    [maxMessages],
  );
  if (groups.rows.length === 0 && corrections.rows.length === 0 && notices.rows.length === 0) return undefined;

  const groupIds = groups.rows.map((row) => row.diagnosis_id);
  const parties = [...new Set([...corrections.rows.flatMap((row) => [row.recipient_id, row.subject_id]), ...notices.rows.map((row) => row.recipient_id)])];
  const { members, clusters } = await readMembers(client, groupIds, parties);

  return {
    position,
    groups: groups.rows.map((row) => ({ diagnosisId: row.diagnosis_id, diagnosisName: row.diagnosis_name ?? '', version: row.version, newcomers: row.newcomers })),
    corrections: corrections.rows.map((row) => ({
      recipientId: row.recipient_id,
      subjectId: row.subject_id,
      duePosition: row.due_position,
      correctedListReference: row.list_reference,
      entryNumber: row.entry_number,
      listedAt: row.listed_at.toISOString(),
    })),
    notices: notices.rows.map((row) => ({
      dispatchId: row.dispatch_id,
      idempotencyKey: row.idempotency_key,
      recipientId: row.recipient_id,
      subjectId: row.subject_id,
      reason: row.reason,
      heldListReference: row.list_reference,
      entryNumber: row.entry_number,
      listedAt: row.listed_at.toISOString(),
    })),
    members,
    clusters,
  };
}

/** One member's group as the planner had it at `position` (its checkpoint). */
export interface GroupState {
  position: bigint;
  diagnosisName: string;
  /** Everyone the group's list may show, and the member asked about. */
  members: Map<string, PlannedMember>;
  clusters: ClusterLink[];
}

/**
 * The group of `memberId` as the planner has it, read like readSenderWork: in ONE
 * repeatable-read, read-only transaction with the checkpoint. Undefined while the planner has
 * not yet seen `notBefore`; a member the planner does not know is missing from `members`.
 */
export async function readGroupState(client: PoolClient, memberId: string, notBefore: bigint): Promise<GroupState | undefined> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const state = await readGroup(client, memberId, notBefore);
    await client.query('COMMIT');
    return state;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function readGroup(client: PoolClient, memberId: string, notBefore: bigint): Promise<GroupState | undefined> {
  const checkpoint = await client.query<{ position: string }>('SELECT position::text FROM projection_checkpoints WHERE name = $1', [CONTACT_LIST_PLANNER]);
  const position = BigInt(checkpoint.rows[0]?.position ?? '-1');
  if (position < notBefore) return undefined;
  const member = await client.query<{ diagnosis_id: string; name: string | null }>(
    `SELECT m.diagnosis_id::text, d.name FROM contact_list_members m LEFT JOIN contact_list_diagnoses d ON d.diagnosis_id = m.diagnosis_id
     WHERE m.member_id = $1`,
    [memberId],
  );
  const group = member.rows[0];
  if (!group) return { position, diagnosisName: '', members: new Map(), clusters: [] };
  return { position, diagnosisName: group.name ?? '', ...(await readMembers(client, [group.diagnosis_id], [memberId])) };
}

/**
 * The groups' own listable members and the listable cluster-scope members of groups linked to
 * them (everyone their lists may show or go to), the `parties` whatever their state, and the
 * cluster links that concern them.
 */
async function readMembers(client: PoolClient, groupIds: string[], parties: string[]): Promise<{ members: Map<string, PlannedMember>; clusters: ClusterLink[] }> {
  const members = await client.query<{ facts: ListableMember; language: string; personal: string | null; list_delivery: 'email' | 'portal' | null }>(
    `WITH linked AS (
       SELECT DISTINCT c2.diagnosis_id FROM contact_list_clusters c1 JOIN contact_list_clusters c2 ON c2.cluster_id = c1.cluster_id
       WHERE c1.diagnosis_id = ANY($1::uuid[])
     )
     SELECT facts, language, personal, list_delivery FROM contact_list_members
     WHERE (listable AND (diagnosis_id = ANY($1::uuid[]) OR (facts->>'scope' = 'cluster' AND diagnosis_id IN (SELECT diagnosis_id FROM linked))))
        OR member_id = ANY($2::uuid[])`,
    [groupIds, parties],
  );
  const memberMap = new Map(
    members.rows.map((row): [string, PlannedMember] => [row.facts.memberId, { facts: row.facts, language: row.language, personal: row.personal, listDelivery: row.list_delivery }]),
  );
  const diagnoses = [...new Set([...groupIds, ...[...memberMap.values()].map((member) => member.facts.diagnosisId)])];
  const clusters = await client.query<{ cluster_id: string; diagnosis_ids: string[] }>(
    `SELECT cluster_id, array_agg(diagnosis_id::text ORDER BY diagnosis_id) AS diagnosis_ids FROM contact_list_clusters
     WHERE cluster_id IN (SELECT cluster_id FROM contact_list_clusters WHERE diagnosis_id = ANY($1::uuid[]))
     GROUP BY cluster_id`,
    [diagnoses],
  );
  return { members: memberMap, clusters: clusters.rows.map((row) => ({ clusterId: row.cluster_id, diagnosisIds: row.diagnosis_ids })) };
}
