import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, type Repository } from 'typeorm';
import type { PatientAssociation } from '../../contracts/events/diagnosis.events';
import { DiagnosisLookup } from '../../src/diagnoses/diagnosis-lookup';
import { nameKey, orphaNumber } from '../../src/diagnoses/diagnosis-codes';
import { type CatalogueStatus, DiagnosisCatalogueEntry } from './diagnosis-catalogue.entity';

/** A diagnosis with an open group, as the public sign-up page lists it (no sizes). */
export interface PublicDiagnosis {
  diagnosisId: string;
  name: string;
  orphaCode?: string;
  icd10?: string;
  description?: string;
}

/** A diagnosis group as the secretariat sees it. */
export interface Group extends PublicDiagnosis {
  status: CatalogueStatus;
  association?: PatientAssociation;
  clusterIds: string[];
  memberCount: number;
}

/** A proposed diagnosis and the applicants waiting for its assessment. */
export interface PendingAssessment extends PublicDiagnosis {
  proposedAt: string;
  waitingCount: number;
  waitingMemberIds: string[];
}

interface PendingRow {
  diagnosis_id: string;
  name: string;
  orpha_code: string | null;
  icd10: string | null;
  description: string | null;
  created_at: Date;
  waiting: string[];
}

const byName = new Intl.Collator('da', { sensitivity: 'base' });

/** The queries of the diagnosis catalogue; also the DiagnosisLookup the sign-up uses. */
@Injectable()
export class DiagnosisCatalogue implements DiagnosisLookup {
  constructor(
    @InjectRepository(DiagnosisCatalogueEntry) private readonly entries: Repository<DiagnosisCatalogueEntry>,
    private readonly dataSource: DataSource,
  ) {}

  async openDiagnoses(): Promise<PublicDiagnosis[]> {
    const entries = await this.entries.find({ where: { status: 'open' } });
    return entries.sort(compareNames).map(publicView);
  }

  async groups(): Promise<Group[]> {
    const entries = await this.entries.find();
    return entries.sort(compareNames).map((entry) => ({
      ...publicView(entry),
      status: entry.status,
      ...(entry.association ? { association: entry.association } : {}),
      clusterIds: entry.clusterIds,
      memberCount: entry.memberCount,
    }));
  }

  async pendingAssessments(): Promise<PendingAssessment[]> {
    const rows: PendingRow[] = await this.dataSource.query(
      `SELECT d.diagnosis_id, d.name, d.orpha_code, d.icd10, d.description, d.created_at,
              coalesce(array_agg(m.member_id ORDER BY m.position) FILTER (WHERE m.member_id IS NOT NULL), '{}') AS waiting
       FROM diagnosis_catalogue d
       LEFT JOIN diagnosis_catalogue_members m ON m.diagnosis_id = d.diagnosis_id AND m.status = 'awaiting-assessment'
       WHERE d.status = 'pending'
       GROUP BY d.diagnosis_id
       ORDER BY d.created_position`,
    );
    return rows.map((row) => ({
      ...publicView({ diagnosisId: row.diagnosis_id, name: row.name, orphaCode: row.orpha_code, icd10: row.icd10, description: row.description }),
      proposedAt: row.created_at.toISOString(),
      waitingCount: row.waiting.length,
      waitingMemberIds: row.waiting,
    }));
  }

  /** The names of these diagnoses (any status); an id the catalogue does not know is left out. */
  async names(diagnosisIds: readonly string[]): Promise<Map<string, string>> {
    const entries = diagnosisIds.length === 0 ? [] : await this.entries.find({ select: { diagnosisId: true, name: true }, where: { diagnosisId: In([...diagnosisIds]) } });
    return new Map(entries.map((entry) => [entry.diagnosisId, entry.name]));
  }

  /** By the ORPHAcode's number first, then by the name ignoring case and spacing; any status. */
  async findByCodes(codes: { name: string; orphaCode?: string }): Promise<string | undefined> {
    const number = orphaNumber(codes.orphaCode) ?? null;
    const rows: Array<{ diagnosis_id: string }> = await this.dataSource.query(
      `SELECT diagnosis_id FROM diagnosis_catalogue
       WHERE ($1::text IS NOT NULL AND orpha_number = $1::text) OR name_key = $2
       ORDER BY (orpha_number IS NOT DISTINCT FROM $1::text) DESC, created_position
       LIMIT 1`,
      [number, nameKey(codes.name)],
    );
    return rows[0]?.diagnosis_id;
  }
}

function compareNames(a: { name: string }, b: { name: string }): number {
  return byName.compare(a.name, b.name);
}

function publicView(entry: Pick<DiagnosisCatalogueEntry, 'diagnosisId' | 'name' | 'orphaCode' | 'icd10' | 'description'>): PublicDiagnosis {
  return {
    diagnosisId: entry.diagnosisId,
    name: entry.name,
    ...(entry.orphaCode ? { orphaCode: entry.orphaCode } : {}),
    ...(entry.icd10 ? { icd10: entry.icd10 } : {}),
    ...(entry.description ? { description: entry.description } : {}),
  };
}
