import { Inject, Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { DataSource, type EntityManager } from 'typeorm';
import { type ImportedOrphadataFile, ORPHANET_IMPORTS_STREAM, type OrphanetCatalogueImported } from '../../contracts/events/orphanet.events';
import { Clock, IdGenerator } from '../domain/clock';
import { toNewEvents } from '../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { type OrphadataProduct, OrphadataFormatError, parseOrphadataProduct } from './orphadata-xml';

/** Rows per INSERT: the nomenclature has some 11,000 disorders. */
const CHUNK = 2_000;

/**
 * Imports Orphadata product files (`npm run import-orphanet -- <file.xml> ...`, src/orphanet/cli.ts).
 * Every file is read and checked before anything is written; then each product's table is
 * replaced as a whole and the import recorded (OrphanetCatalogueImported), in ONE transaction:
 * a file that is refused, or a failure midway, leaves the catalogue as it was.
 */
@Injectable()
export class OrphanetImport {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async importFiles(paths: readonly string[]): Promise<ImportedOrphadataFile[]> {
    if (paths.length === 0) throw new OrphadataFormatError('no file to import');
    const files = await Promise.all(paths.map(readProduct));
    const products = files.map((file) => file.product.product);
    const twice = products.find((product, index) => products.indexOf(product) !== index);
    if (twice) throw new OrphadataFormatError(`two files of the ${twice} product in one import: ${files.filter((file) => file.product.product === twice).map((file) => file.fileName).join(', ')}`);

    const summary = files.map(({ fileName, product }) => summaryOf(fileName, product));
    const now = this.clock.now();
    const imported: OrphanetCatalogueImported = { type: 'OrphanetCatalogueImported', data: { importId: this.ids.newId(), files: summary, importedAt: now.toISOString() } };
    await this.dataSource.transaction(async (tx) => {
      for (const { product } of files) await replace(product, tx);
      // Last, so that a failed append rolls the tables back: no import without its record. (A commit that
      // fails after the append leaves the record of an import that did not happen: importing again mends it.)
      await this.store.append(ORPHANET_IMPORTS_STREAM, toNewEvents([imported], { actorRole: 'system', correlationId: imported.data.importId, now }), 'any');
    });
    return summary;
  }
}

/** Reads and checks one file; a refusal names the file. */
async function readProduct(path: string): Promise<{ fileName: string; product: OrphadataProduct }> {
  const fileName = basename(path);
  try {
    return { fileName, product: parseOrphadataProduct(await readFile(path)) };
  } catch (error) {
    if (error instanceof OrphadataFormatError) throw new OrphadataFormatError(`${fileName}: ${error.message}`);
    throw error;
  }
}

async function replace(product: OrphadataProduct, tx: EntityManager): Promise<void> {
  if (product.product === 'nomenclature') {
    await tx.query('DELETE FROM orphanet_disorders');
    for (let start = 0; start < product.disorders.length; start += CHUNK) {
      await tx.query(
        `INSERT INTO orphanet_disorders (orpha_code, name, disorder_type, disorder_group, synonyms, icd10)
         SELECT orpha_code, name, disorder_type, disorder_group, synonyms, icd10
         FROM jsonb_to_recordset($1::jsonb) AS r(orpha_code integer, name text, disorder_type text, disorder_group text, synonyms text[], icd10 jsonb)`,
        [
          JSON.stringify(
            product.disorders.slice(start, start + CHUNK).map((disorder) => ({
              orpha_code: disorder.orphaCode,
              name: disorder.name,
              disorder_type: disorder.disorderType,
              disorder_group: disorder.disorderGroup,
              synonyms: disorder.synonyms,
              icd10: disorder.icd10,
            })),
          ),
        ],
      );
    }
    return;
  }
  await tx.query('DELETE FROM orphanet_prevalences');
  const rows = product.disorders.flatMap((disorder) =>
    disorder.prevalences.map((prevalence, ordinal) => ({
      orpha_code: disorder.orphaCode,
      ordinal,
      name: disorder.name,
      prevalence_type: prevalence.type,
      qualification: prevalence.qualification,
      prevalence_class: prevalence.prevalenceClass,
      geographic: prevalence.geographic,
      validation_status: prevalence.validationStatus,
    })),
  );
  for (let start = 0; start < rows.length; start += CHUNK) {
    await tx.query(
      `INSERT INTO orphanet_prevalences (orpha_code, ordinal, name, prevalence_type, qualification, prevalence_class, geographic, validation_status)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(orpha_code integer, ordinal integer, name text, prevalence_type text, qualification text,
         prevalence_class text, geographic text, validation_status text)`,
      [JSON.stringify(rows.slice(start, start + CHUNK))],
    );
  }
}

function summaryOf(fileName: string, product: OrphadataProduct): ImportedOrphadataFile {
  const records =
    product.product === 'nomenclature'
      ? product.disorders.reduce((sum, disorder) => sum + disorder.icd10.length, 0)
      : product.disorders.reduce((sum, disorder) => sum + disorder.prevalences.length, 0);
  return {
    fileName,
    product: product.product,
    ...(product.productDate ? { productDate: product.productDate } : {}),
    ...(product.productVersion ? { productVersion: product.productVersion } : {}),
    disorders: product.disorders.length,
    records,
  };
}
