import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OrphadataFormatError, parseOrphadataProduct } from './orphadata-xml';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures', 'orphadata');
const nomenclatureFile = readFileSync(join(FIXTURES, 'en_product1.xml'));
const epidemiologyFile = readFileSync(join(FIXTURES, 'en_product9_prev.xml'));
const epidemiologyText = epidemiologyFile.toString('utf8');

const refusal = (xml: string | Buffer): string => {
  try {
    parseOrphadataProduct(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml);
  } catch (error) {
    expect(error).toBeInstanceOf(OrphadataFormatError);
    return (error as Error).message;
  }
  throw new Error('the file was accepted');
};

describe('Orphadata product files', () => {
  it('reads the nomenclature (en_product1.xml, ISO-8859-1): names, synonyms, types and only the ICD-10 references', () => {
    const product = parseOrphadataProduct(nomenclatureFile);
    expect(product).toMatchObject({ product: 'nomenclature', productDate: '2025-06-17 09:21:04', productVersion: '1.3.40 / 4.1.7 [2025-05-20] (orientdb version)' });
    if (product.product !== 'nomenclature') throw new Error('not the nomenclature');
    expect(product.disorders.map((disorder) => disorder.orphaCode)).toEqual([558, 64, 110, 739, 166024, 586, 406, 98053]);
    expect(product.disorders[0]).toEqual({
      orphaCode: 558,
      name: 'Marfan syndrome',
      disorderType: 'Disease',
      disorderGroup: 'Disorder',
      synonyms: ['MFS'],
      icd10: [{ code: 'Q87.4', mapping: 'E' }],
    });
    expect(product.disorders[1].name).toBe('Alström syndrome');
    expect(product.disorders[3].synonyms).toEqual(['PWS', 'Prader–Labhart–Willi syndrome']);
    expect(product.disorders[5].icd10).toEqual([
      { code: 'E84.9', mapping: 'E' },
      { code: 'E84.0', mapping: 'BTNT' },
    ]);
    expect(product.disorders[7]).toEqual({ orphaCode: 98053, name: 'Rare genetic disease', disorderType: 'Category', disorderGroup: 'Group of disorders', synonyms: [], icd10: [] });
  });

  it('reads the epidemiology (en_product9_prev.xml): every prevalence record, a case count without a class', () => {
    const product = parseOrphadataProduct(epidemiologyFile);
    expect(product).toMatchObject({ product: 'epidemiology', productDate: '2025-06-17 09:35:12' });
    if (product.product !== 'epidemiology') throw new Error('not the epidemiology');
    expect(product.disorders).toHaveLength(8);
    expect(product.disorders[1]).toEqual({
      orphaCode: 64,
      name: 'Alström syndrome',
      prevalences: [
        { type: 'Point prevalence', qualification: 'Class only', prevalenceClass: '1-9 / 1 000 000', geographic: 'Europe', validationStatus: 'Validated' },
        { type: 'Cases/families', qualification: 'Case(s)', prevalenceClass: null, geographic: 'Worldwide', validationStatus: 'Validated' },
      ],
    });
    expect(product.disorders[4].prevalences[1].prevalenceClass).toBe('<1 / 1 000 000');
  });

  it('refuses a file that is not well-formed XML, saying where', () => {
    expect(refusal(epidemiologyText.slice(0, 1200))).toMatch(/^not well-formed XML: .+ \(line \d+, column \d+\)$/);
    expect(refusal(epidemiologyText.replace('</OrphaCode>\n      <ExpertLink lang="en">http://www.orpha.net/consor/cgi-bin/OC_Exp.php?lng=en&amp;Expert=64', '</Orphacode>'))).toMatch(
      /^not well-formed XML: .*OrphaCode.* \(line 63, column \d+\)$/,
    );
  });

  it('refuses another root, a JDBOR without DisorderList, and an empty DisorderList', () => {
    expect(refusal('<?xml version="1.0"?>\n<html><body/></html>')).toBe('the root element is <html>, not <JDBOR>: this is not an Orphadata product file');
    expect(refusal('<JDBOR date="2025-06-17"><Availability/></JDBOR>')).toBe('<JDBOR> has no <DisorderList>');
    expect(refusal('<JDBOR><DisorderList count="0"></DisorderList></JDBOR>')).toBe('<DisorderList> holds no <Disorder>');
  });

  it('refuses a Disorder without OrphaCode or Name, or with a code that is no number, naming its line and id', () => {
    expect(refusal(epidemiologyText.replace('<OrphaCode>110</OrphaCode>', ''))).toBe('the Disorder at line 111, id="2323" (no. 3 in DisorderList) has no OrphaCode');
    expect(refusal(epidemiologyText.replace('<OrphaCode>110</OrphaCode>', '<OrphaCode>ORPHA:110</OrphaCode>'))).toBe(
      'the Disorder at line 111, id="2323" has the OrphaCode "ORPHA:110", which is not a number',
    );
    expect(refusal(epidemiologyText.replace('<Name lang="en">Bardet-Biedl syndrome</Name>', '<Name lang="en"> </Name>'))).toBe(
      'the Disorder with OrphaCode 110 (at line 111, id="2323") has no Name',
    );
  });

  it('refuses an OrphaCode that appears twice', () => {
    expect(refusal(epidemiologyText.replace('<OrphaCode>110</OrphaCode>', '<OrphaCode>64</OrphaCode>'))).toBe(
      'the OrphaCode 64 appears twice: the Disorders at line 62, id="2204" and at line 111, id="2323"',
    );
  });

  it('refuses a product it does not read (genes, en_product6.xml) and an encoding it does not know', () => {
    const genes = '<JDBOR><DisorderList count="1"><Disorder id="17601"><OrphaCode>166024</OrphaCode><Name lang="en">X</Name><DisorderGeneAssociationList count="0"/></Disorder></DisorderList></JDBOR>';
    expect(refusal(genes)).toBe(
      'the first Disorder (at line 1, id="17601") has neither a PrevalenceList (en_product9_prev.xml) nor an ExternalReferenceList (en_product1.xml): not a product this import reads',
    );
    expect(refusal('<?xml version="1.0" encoding="UTF-16"?><JDBOR/>')).toBe('the XML declaration names the encoding "utf-16"; only UTF-8 and ISO-8859-1 are read');
  });
});
