import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { canonicalOrphaCode, orphaNumber } from '../diagnoses/diagnosis-codes';
import { bestPrevalence, peopleInDenmark, type PeopleInDenmark } from '../diagnoses/assess-diagnosis/prevalence-estimate';
import type { Icd10Reference, PrevalenceRecord } from './orphadata-xml';

export interface OrphanetPrevalence extends PrevalenceRecord {
  /** What a point prevalence's class stands for in Denmark; null for other kinds of record and classes without a figure. */
  peopleInDenmark: PeopleInDenmark | null;
}

/** A disorder of the imported catalogue, with what its prevalence means for Denmark. */
export interface OrphanetEntry {
  /** ORPHA:<number>, as the diagnosis catalogue stores codes. */
  orphaCode: string;
  name: string;
  /** e.g. Disease, Malformation syndrome, Category. */
  disorderType: string | null;
  /** Disorder, Group of disorders or Subtype of disorder: a group is not one diagnosis. */
  disorderGroup: string | null;
  synonyms: string[];
  icd10: Icd10Reference[];
  prevalences: OrphanetPrevalence[];
  /** The point prevalence that best describes Denmark (bestPrevalence), with its estimate; null when none has a figure. */
  denmark: { prevalenceClass: string; geographic: string | null; peopleInDenmark: PeopleInDenmark } | null;
}

interface DisorderRow {
  orpha_code: number;
  name: string;
  disorder_type: string | null;
  disorder_group: string | null;
  synonyms: string[];
  icd10: Icd10Reference[];
}

interface PrevalenceRow {
  orpha_code: number;
  name: string;
  prevalence_type: string | null;
  qualification: string | null;
  prevalence_class: string | null;
  geographic: string | null;
  validation_status: string | null;
}

/** How many disorders a look-up by name answers with at most. */
const SEARCH_LIMIT = 25;

/**
 * The imported Orphanet catalogue (orphanet_disorders, orphanet_prevalences): look-ups by name or
 * ORPHAcode for the secretariat, and the prevalence next to a diagnosis being assessed. A disorder
 * known only to the epidemiology file is shown with the name that file gives it.
 */
@Injectable()
export class OrphanetCatalogue {
  constructor(private readonly dataSource: DataSource) {}

  /** By ORPHAcode ("ORPHA:558", "558"), or by a part of the name or of a synonym, ignoring case: the closest matches first. */
  async search(query: string): Promise<OrphanetEntry[]> {
    const code = orphaInteger(query);
    const text = query.replace(/\s+/g, ' ').trim();
    const pattern = `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    const rows: Array<{ orpha_code: number }> = await this.dataSource.query(
      `SELECT orpha_code FROM (
         SELECT orpha_code, name, synonyms FROM orphanet_disorders
         UNION ALL
         SELECT DISTINCT p.orpha_code, p.name, '{}'::text[] FROM orphanet_prevalences p
         WHERE NOT EXISTS (SELECT 1 FROM orphanet_disorders d WHERE d.orpha_code = p.orpha_code)
       ) d
       WHERE ($1::integer IS NOT NULL AND d.orpha_code = $1::integer)
          OR ($1::integer IS NULL AND (d.name ILIKE $2 OR EXISTS (SELECT 1 FROM unnest(d.synonyms) s WHERE s ILIKE $2)))
       ORDER BY lower(d.name) = lower($3) DESC, d.name ILIKE $4 DESC, d.name
       LIMIT ${SEARCH_LIMIT}`,
      [code ?? null, pattern, text, pattern.slice(1)],
    );
    const entries = await this.byNumbers(rows.map((row) => row.orpha_code));
    return rows.flatMap((row) => entries.get(row.orpha_code) ?? []);
  }

  /** The entries of these ORPHAcodes (any form; malformed or unknown ones are left out), by canonical code. */
  async byCodes(codes: ReadonlyArray<string | undefined>): Promise<Map<string, OrphanetEntry>> {
    const numbers = [...new Set(codes.map(orphaInteger).filter((number): number is number => number !== undefined))];
    const entries = await this.byNumbers(numbers);
    return new Map([...entries.values()].map((entry) => [entry.orphaCode, entry]));
  }

  private async byNumbers(numbers: number[]): Promise<Map<number, OrphanetEntry>> {
    if (numbers.length === 0) return new Map();
    const [disorders, prevalences]: [DisorderRow[], PrevalenceRow[]] = await Promise.all([
      this.dataSource.query('SELECT orpha_code, name, disorder_type, disorder_group, synonyms, icd10 FROM orphanet_disorders WHERE orpha_code = ANY($1::integer[])', [numbers]),
      this.dataSource.query(
        `SELECT orpha_code, name, prevalence_type, qualification, prevalence_class, geographic, validation_status
         FROM orphanet_prevalences WHERE orpha_code = ANY($1::integer[]) ORDER BY orpha_code, ordinal`,
        [numbers],
      ),
    ]);
    const entries = new Map<number, OrphanetEntry>();
    for (const row of disorders) entries.set(row.orpha_code, entryOf(row.orpha_code, row.name, { disorderType: row.disorder_type, disorderGroup: row.disorder_group, synonyms: row.synonyms, icd10: row.icd10 }));
    for (const row of prevalences) {
      const entry = entries.get(row.orpha_code) ?? entryOf(row.orpha_code, row.name, { disorderType: null, disorderGroup: null, synonyms: [], icd10: [] });
      entries.set(row.orpha_code, entry);
      const record: PrevalenceRecord = {
        type: row.prevalence_type,
        qualification: row.qualification,
        prevalenceClass: row.prevalence_class,
        geographic: row.geographic,
        validationStatus: row.validation_status,
      };
      const estimate = record.type === 'Point prevalence' && record.prevalenceClass !== null ? peopleInDenmark(record.prevalenceClass) : undefined;
      entry.prevalences.push({ ...record, peopleInDenmark: estimate ?? null });
    }
    for (const entry of entries.values()) {
      const best = bestPrevalence(entry.prevalences);
      entry.denmark = best?.prevalenceClass && best.peopleInDenmark ? { prevalenceClass: best.prevalenceClass, geographic: best.geographic, peopleInDenmark: best.peopleInDenmark } : null;
    }
    return entries;
  }
}

/** An ORPHAcode's number as the tables store it; undefined when malformed or too long to be one (the file's codes have at most 9 digits). */
function orphaInteger(code: string | undefined): number | undefined {
  const number = orphaNumber(code);
  return number !== undefined && number.length <= 9 ? Number(number) : undefined;
}

function entryOf(orphaCode: number, name: string, nomenclature: Pick<OrphanetEntry, 'disorderType' | 'disorderGroup' | 'synonyms' | 'icd10'>): OrphanetEntry {
  return { orphaCode: canonicalOrphaCode(String(orphaCode)) as string, name, ...nomenclature, prevalences: [], denmark: null };
}
