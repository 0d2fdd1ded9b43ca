import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ClusterEvent, DiagnosisEvent, PatientAssociation } from '../../contracts/events/diagnosis.events';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { MemberEvent } from '../../contracts/events/membership.events';
import { nameKey, orphaNumber } from '../../src/diagnoses/diagnosis-codes';
import type { Projection } from '../runner/projection';
import type { CatalogueMemberStatus, CatalogueStatus } from './diagnosis-catalogue.entity';

interface NewDiagnosis {
  diagnosisId: string;
  name: string;
  orphaCode: string | null;
  icd10: string | null;
  description: string | null;
  status: CatalogueStatus;
  position: string;
  createdAt: string;
}

interface MemberChange {
  /** Unknown for a withdrawal or an erasure: the member's row (if any) keeps its diagnosis. */
  diagnosisId?: string;
  status: CatalogueMemberStatus;
  position: string;
}

const MEMBER_STATUS: Partial<Record<MemberEvent['type'], CatalogueMemberStatus>> = {
  MemberAwaitingAssessment: 'awaiting-assessment',
  MemberAdmitted: 'admitted',
  MemberReferred: 'referred',
  MemberDeclined: 'declined',
  ConsentWithdrawn: 'withdrawn',
  ConsentLapsed: 'withdrawn',
  // Erased: out of the group (and its size) like a withdrawal; the row holds only ids.
  MemberErased: 'withdrawn',
};

/**
 * The catalogue of diagnoses: every diagnosis with its codes, status, association, clusters and
 * group size. A batch is first folded in memory and then written with a few set-based statements.
 *
 * Idempotent: a diagnosis is created once (ON CONFLICT DO NOTHING), assessed once (only while
 * pending), clusters are a set, and a member row only takes an event newer than its own position;
 * group sizes are recounted from the member rows, never incremented.
 */
@Injectable()
export class DiagnosisCatalogueProjector implements Projection {
  readonly name = 'diagnosis-catalogue';
  readonly version = 1;
  readonly eventTypes = [
    ...(['DiagnosisRegistered', 'DiagnosisProposed', 'DiagnosisAssessed', 'GroupBecameAssociation', 'DiagnosesLinked'] satisfies Array<(DiagnosisEvent | ClusterEvent)['type']>),
    ...Object.keys(MEMBER_STATUS),
  ];

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const created: NewDiagnosis[] = [];
    const assessed = new Map<string, { status: CatalogueStatus; association: PatientAssociation | null }>();
    const associations = new Map<string, PatientAssociation>();
    const linked: Array<{ diagnosisId: string; clusterId: string }> = [];
    const members = new Map<string, MemberChange>();

    for (const event of events) {
      const diagnosisEvent = event as unknown as DiagnosisEvent | ClusterEvent;
      const position = event.position.toString();
      switch (diagnosisEvent.type) {
        case 'DiagnosisRegistered':
        case 'DiagnosisProposed': {
          const { diagnosisId, name, orphaCode, icd10, description } = diagnosisEvent.data;
          created.push({
            diagnosisId,
            name,
            orphaCode: orphaCode ?? null,
            icd10: icd10 ?? null,
            description: description ?? null,
            status: diagnosisEvent.type === 'DiagnosisRegistered' ? 'open' : 'pending',
            position,
            createdAt: event.metadata.occurredAt,
          });
          continue;
        }
        case 'DiagnosisAssessed': {
          const { diagnosisId, decision, association } = diagnosisEvent.data;
          assessed.set(diagnosisId, { status: decision === 'rare' ? 'open' : decision, association: association ?? null });
          continue;
        }
        case 'GroupBecameAssociation':
          associations.set(diagnosisEvent.data.diagnosisId, diagnosisEvent.data.association);
          continue;
        case 'DiagnosesLinked':
          for (const diagnosisId of diagnosisEvent.data.diagnosisIds) linked.push({ diagnosisId, clusterId: diagnosisEvent.data.clusterId });
          continue;
      }
      noteMember(members, event);
    }

    const touched = new Set<string>(created.map((diagnosis) => diagnosis.diagnosisId));
    if (created.length > 0) await this.create(created, tx);
    if (assessed.size > 0) await this.assess(assessed, tx);
    if (associations.size > 0) await this.becomeAssociations(associations, tx);
    if (linked.length > 0) await this.link(linked, tx);
    if (members.size > 0) for (const diagnosisId of await this.changeMembers(members, tx)) touched.add(diagnosisId);
    if (touched.size > 0) await this.recount([...touched], tx);
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM diagnosis_catalogue_members');
    await tx.query('DELETE FROM diagnosis_catalogue');
  }

  private async create(created: NewDiagnosis[], tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO diagnosis_catalogue
         (diagnosis_id, name, name_key, orpha_code, orpha_number, icd10, description, status, created_position, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::timestamptz[])
       ON CONFLICT (diagnosis_id) DO NOTHING`,
      [
        created.map((d) => d.diagnosisId),
        created.map((d) => d.name),
        created.map((d) => nameKey(d.name)),
        created.map((d) => d.orphaCode),
        created.map((d) => orphaNumber(d.orphaCode ?? undefined) ?? null),
        created.map((d) => d.icd10),
        created.map((d) => d.description),
        created.map((d) => d.status),
        created.map((d) => d.position),
        created.map((d) => d.createdAt),
      ],
    );
  }

  private async assess(assessed: Map<string, { status: CatalogueStatus; association: PatientAssociation | null }>, tx: EntityManager): Promise<void> {
    const rows = [...assessed];
    await tx.query(
      `UPDATE diagnosis_catalogue d SET status = u.status, association = u.association
       FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS u(diagnosis_id, status, association)
       WHERE d.diagnosis_id = u.diagnosis_id AND d.status = 'pending'`,
      [rows.map(([id]) => id), rows.map(([, change]) => change.status), rows.map(([, change]) => (change.association ? JSON.stringify(change.association) : null))],
    );
  }

  /** Only an open group becomes an association, so a replayed event changes nothing. */
  private async becomeAssociations(associations: Map<string, PatientAssociation>, tx: EntityManager): Promise<void> {
    const rows = [...associations];
    await tx.query(
      `UPDATE diagnosis_catalogue d SET status = 'has-association', association = u.association
       FROM unnest($1::text[], $2::jsonb[]) AS u(diagnosis_id, association)
       WHERE d.diagnosis_id = u.diagnosis_id AND d.status = 'open'`,
      [rows.map(([id]) => id), rows.map(([, association]) => JSON.stringify(association))],
    );
  }

  private async link(linked: Array<{ diagnosisId: string; clusterId: string }>, tx: EntityManager): Promise<void> {
    await tx.query(
      `UPDATE diagnosis_catalogue d
       SET cluster_ids = ARRAY(SELECT DISTINCT c FROM unnest(d.cluster_ids || u.cluster_ids) AS c ORDER BY c)
       FROM (SELECT diagnosis_id, array_agg(cluster_id) AS cluster_ids
             FROM unnest($1::text[], $2::text[]) AS l(diagnosis_id, cluster_id) GROUP BY diagnosis_id) u
       WHERE d.diagnosis_id = u.diagnosis_id`,
      [linked.map((l) => l.diagnosisId), linked.map((l) => l.clusterId)],
    );
  }

  /** Writes the members' newest states; returns every diagnosis whose size may have changed. */
  private async changeMembers(members: Map<string, MemberChange>, tx: EntityManager): Promise<string[]> {
    const memberIds = [...members.keys()];
    const before: Array<{ diagnosis_id: string }> = await tx.query(
      'SELECT DISTINCT diagnosis_id FROM diagnosis_catalogue_members WHERE member_id = ANY($1::text[])',
      [memberIds],
    );
    const known = [...members].filter(([, change]) => change.diagnosisId !== undefined);
    const withdrawnOnly = [...members].filter(([, change]) => change.diagnosisId === undefined);
    if (known.length > 0) {
      await tx.query(
        `INSERT INTO diagnosis_catalogue_members AS m (member_id, diagnosis_id, status, position)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
         ON CONFLICT (member_id) DO UPDATE SET diagnosis_id = EXCLUDED.diagnosis_id, status = EXCLUDED.status, position = EXCLUDED.position
         WHERE m.position < EXCLUDED.position`,
        [known.map(([id]) => id), known.map(([, c]) => c.diagnosisId), known.map(([, c]) => c.status), known.map(([, c]) => c.position)],
      );
    }
    if (withdrawnOnly.length > 0) {
      await tx.query(
        `UPDATE diagnosis_catalogue_members m SET status = u.status, position = u.position
         FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(member_id, status, position)
         WHERE m.member_id = u.member_id AND m.position < u.position`,
        [withdrawnOnly.map(([id]) => id), withdrawnOnly.map(([, c]) => c.status), withdrawnOnly.map(([, c]) => c.position)],
      );
    }
    return [...before.map((row) => row.diagnosis_id), ...known.map(([, change]) => change.diagnosisId as string)];
  }

  private async recount(diagnosisIds: string[], tx: EntityManager): Promise<void> {
    await tx.query(
      `UPDATE diagnosis_catalogue d
       SET member_count = (SELECT count(*)::int FROM diagnosis_catalogue_members m WHERE m.diagnosis_id = d.diagnosis_id AND m.status = 'admitted')
       WHERE d.diagnosis_id = ANY($1::text[])`,
      [diagnosisIds],
    );
  }
}

/** Folds a member event into the batch's newest state of that member. */
function noteMember(members: Map<string, MemberChange>, event: RecordedEvent): void {
  const status = MEMBER_STATUS[event.type as MemberEvent['type']];
  if (status === undefined) return;
  // Every such event names the member; all but ConsentWithdrawn, ConsentLapsed and MemberErased also name the diagnosis.
  const { memberId, diagnosisId } = event.data as { memberId: string; diagnosisId?: string };
  members.set(memberId, { diagnosisId: diagnosisId ?? members.get(memberId)?.diagnosisId, status, position: event.position.toString() });
}
