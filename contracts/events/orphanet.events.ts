import type { DomainEvent } from './domain-event';

/** The one stream of the Orphanet catalogue's imports (reference data: no personal data). */
export const ORPHANET_IMPORTS_STREAM = 'orphanet-imports';

/** One Orphadata product file as it was imported. */
export interface ImportedOrphadataFile {
  /** The file's base name, e.g. en_product1.xml. */
  fileName: string;
  /** nomenclature: en_product1 (names, ICD-10 references) · epidemiology: en_product9_prev (prevalences). */
  product: 'nomenclature' | 'epidemiology';
  /** The product's own date and version (JDBOR's date and version attributes), when it states them. */
  productDate?: string;
  productVersion?: string;
  disorders: number;
  /** ICD-10 references (nomenclature) or prevalence records (epidemiology). */
  records: number;
}

/** The secretariat's reference copy of the Orphanet catalogue was replaced by these files, as a whole. */
export type OrphanetCatalogueImported = DomainEvent<'OrphanetCatalogueImported', { importId: string; files: ImportedOrphadataFile[]; importedAt: string }>;
