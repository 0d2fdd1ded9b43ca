import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Reads Orphadata's XML product files (https://www.orphadata.com): the nomenclature
 * (en_product1.xml: each Disorder's OrphaCode, Name, DisorderType, DisorderGroup, SynonymList and
 * ExternalReferenceList with its ICD-10 references) and the epidemiology (en_product9_prev.xml:
 * each Disorder's PrevalenceList). Both are JDBOR/DisorderList/Disorder. Pure: bytes in, records
 * out, or an OrphadataFormatError that says what is wrong and where.
 */

export interface Icd10Reference {
  code: string;
  /** How the ORPHAcode maps to the ICD-10 code: E (exact), NTBT (narrower), BTNT (broader), ND. */
  mapping: string | null;
}

export interface NomenclatureDisorder {
  orphaCode: number;
  name: string;
  disorderType: string | null;
  disorderGroup: string | null;
  synonyms: string[];
  icd10: Icd10Reference[];
}

export interface PrevalenceRecord {
  /** e.g. Point prevalence, Birth prevalence, Annual incidence, Cases/families. */
  type: string | null;
  /** e.g. Value and class, Class only, Case(s), Family(ies). */
  qualification: string | null;
  /** e.g. 1-9 / 1 000 000; none for cases and families. */
  prevalenceClass: string | null;
  /** e.g. Denmark, Europe, Worldwide. */
  geographic: string | null;
  validationStatus: string | null;
}

export interface EpidemiologyDisorder {
  orphaCode: number;
  name: string;
  prevalences: PrevalenceRecord[];
}

interface ProductInfo {
  /** JDBOR's date and version attributes, when present. */
  productDate?: string;
  productVersion?: string;
}

export type OrphadataProduct =
  | (ProductInfo & { product: 'nomenclature'; disorders: NomenclatureDisorder[] })
  | (ProductInfo & { product: 'epidemiology'; disorders: EpidemiologyDisorder[] });

/** The file is not an Orphadata product this service reads; the message says what and where. */
export class OrphadataFormatError extends Error {
  override readonly name = 'OrphadataFormatError';
}

type XmlNode = Record<string, unknown>;

const DISORDER = 'JDBOR.DisorderList.Disorder';
const ARRAYS = new Set([DISORDER, `${DISORDER}.SynonymList.Synonym`, `${DISORDER}.ExternalReferenceList.ExternalReference`, `${DISORDER}.PrevalenceList.Prevalence`]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  // Numeric character references (&#946;) stand for what ISO-8859-1 files cannot hold.
  htmlEntities: true,
  captureMetaData: true,
  isArray: (_name, path) => ARRAYS.has(String(path)),
  // The large parts this service does not use stay unparsed.
  stopNodes: [`${DISORDER}.SummaryInformationList`, `${DISORDER}.DisorderDisorderAssociationList`, `${DISORDER}.TextualInformationList`, 'JDBOR.Availability'],
});
const META = XMLParser.getMetaDataSymbol() as unknown as string;

export function parseOrphadataProduct(content: Buffer): OrphadataProduct {
  const xml = decode(content);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new OrphadataFormatError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  const document = parser.parse(xml) as XmlNode;
  const root = Object.keys(document).find((key) => !key.startsWith('?'));
  if (root !== 'JDBOR') throw new OrphadataFormatError(`the root element is <${root ?? 'none'}>, not <JDBOR>: this is not an Orphadata product file`);
  const jdbor = document.JDBOR as XmlNode;
  const list = jdbor.DisorderList;
  if (!isNode(list)) throw new OrphadataFormatError('<JDBOR> has no <DisorderList>');
  const disorders = (list.Disorder as XmlNode[] | undefined) ?? [];
  if (disorders.length === 0) throw new OrphadataFormatError('<DisorderList> holds no <Disorder>');

  const info: ProductInfo = { ...optional('productDate', attribute(jdbor, 'date')), ...optional('productVersion', attribute(jdbor, 'version')) };
  const place = locator(xml);
  const identified = disorders.map((disorder, index) => identify(disorder, index, place));
  refuseDuplicates(identified, place);
  if ('PrevalenceList' in disorders[0]) {
    return { ...info, product: 'epidemiology', disorders: identified.map(({ node, orphaCode, name }) => ({ orphaCode, name, prevalences: items(node.PrevalenceList, 'Prevalence').map(prevalence) })) };
  }
  if ('ExternalReferenceList' in disorders[0]) {
    return { ...info, product: 'nomenclature', disorders: identified.map(({ node, orphaCode, name }) => nomenclature(node, orphaCode, name)) };
  }
  throw new OrphadataFormatError(
    `the first Disorder (${place(disorders[0])}) has neither a PrevalenceList (en_product9_prev.xml) nor an ExternalReferenceList (en_product1.xml): not a product this import reads`,
  );
}

/** UTF-8 unless the XML declaration names ISO-8859-1, which older Orphadata files use. */
function decode(content: Buffer): string {
  const declared = /^(?:\uFEFF)?<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(content.subarray(0, 200).toString('latin1'))?.[1].toLowerCase();
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8') return content.toString('utf8').replace(/^\uFEFF/, '');
  if (declared === 'iso-8859-1' || declared === 'latin1') return content.toString('latin1');
  throw new OrphadataFormatError(`the XML declaration names the encoding "${declared}"; only UTF-8 and ISO-8859-1 are read`);
}

function identify(node: XmlNode, index: number, place: (node: XmlNode) => string): { node: XmlNode; orphaCode: number; name: string } {
  const code = text(node.OrphaCode);
  if (code === undefined) throw new OrphadataFormatError(`the Disorder ${place(node)} (no. ${index + 1} in DisorderList) has no OrphaCode`);
  if (!/^\d{1,9}$/.test(code)) throw new OrphadataFormatError(`the Disorder ${place(node)} has the OrphaCode "${code}", which is not a number`);
  const orphaCode = Number(code);
  const name = text(node.Name);
  if (name === undefined) throw new OrphadataFormatError(`the Disorder with OrphaCode ${orphaCode} (${place(node)}) has no Name`);
  return { node, orphaCode, name };
}

function refuseDuplicates(disorders: Array<{ node: XmlNode; orphaCode: number }>, place: (node: XmlNode) => string): void {
  const seen = new Map<number, XmlNode>();
  for (const { node, orphaCode } of disorders) {
    const first = seen.get(orphaCode);
    if (first) throw new OrphadataFormatError(`the OrphaCode ${orphaCode} appears twice: the Disorders ${place(first)} and ${place(node)}`);
    seen.set(orphaCode, node);
  }
}

function nomenclature(node: XmlNode, orphaCode: number, name: string): NomenclatureDisorder {
  const icd10 = items(node.ExternalReferenceList, 'ExternalReference')
    .filter((reference) => text(reference.Source) === 'ICD-10' && text(reference.Reference) !== undefined)
    .map((reference) => {
      // "NTBT (ORPHAcode is narrower than the targeted code)": the abbreviation says it.
      const mapping = nameOf(reference.DisorderMappingRelation);
      return { code: text(reference.Reference) as string, mapping: mapping ? (/^[A-Z]+\b/.exec(mapping)?.[0] ?? mapping) : null };
    });
  return {
    orphaCode,
    name,
    disorderType: nameOf(node.DisorderType) ?? null,
    disorderGroup: nameOf(node.DisorderGroup) ?? null,
    synonyms: items(node.SynonymList, 'Synonym').map(text).filter((synonym): synonym is string => synonym !== undefined),
    icd10,
  };
}

function prevalence(node: XmlNode): PrevalenceRecord {
  return {
    type: nameOf(node.PrevalenceType) ?? null,
    qualification: nameOf(node.PrevalenceQualification) ?? null,
    prevalenceClass: nameOf(node.PrevalenceClass) ?? null,
    geographic: nameOf(node.PrevalenceGeographic) ?? null,
    validationStatus: nameOf(node.PrevalenceValidationStatus) ?? null,
  };
}

/** The children `name` of a list element (an empty list is parsed as '' or as its attributes only). */
function items(list: unknown, name: string): XmlNode[] {
  return isNode(list) && Array.isArray(list[name]) ? (list[name] as XmlNode[]) : [];
}

/** The text of `<X><Name lang="en">…</Name></X>`, the way Orphadata names its terms. */
function nameOf(node: unknown): string | undefined {
  return isNode(node) ? text(node.Name) : undefined;
}

/** An element's text, white space tidied; undefined when empty. */
function text(node: unknown): string | undefined {
  const value = typeof node === 'string' ? node : isNode(node) && typeof node['#text'] === 'string' ? node['#text'] : undefined;
  const tidy = value?.replace(/\s+/g, ' ').trim();
  return tidy ? tidy : undefined;
}

function attribute(node: XmlNode, name: string): string | undefined {
  const value = node[`@${name}`];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** Says where an element starts: "at line N"; its id attribute too, which Orphadata keeps stable. */
function locator(xml: string): (node: XmlNode) => string {
  let lineStarts: number[] | undefined;
  return (node) => {
    const start = (node[META] as { startIndex?: number } | undefined)?.startIndex;
    const id = attribute(node, 'id');
    if (start === undefined) return id ? `id="${id}"` : 'in the file';
    lineStarts ??= [...xml.matchAll(/\n/g)].map((match) => (match.index ?? 0) + 1);
    let line = 1;
    for (const lineStart of lineStarts) {
      if (lineStart > start) break;
      line += 1;
    }
    return `at line ${line}${id ? `, id="${id}"` : ''}`;
  };
}
