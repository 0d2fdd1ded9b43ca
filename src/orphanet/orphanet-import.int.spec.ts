import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ORPHANET_IMPORTS_STREAM } from '../../contracts/events/orphanet.events';
import { Clock, IdGenerator } from '../domain/clock';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { OrphanetCatalogue } from './orphanet-catalogue';
import { OrphanetImport } from './orphanet-import';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures', 'orphadata');
const NOMENCLATURE = join(FIXTURES, 'en_product1.xml');
const EPIDEMIOLOGY = join(FIXTURES, 'en_product9_prev.xml');
const NOW = new Date('2026-12-01T09:00:00.000Z');

describe('importing the Orphanet catalogue', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let importer: OrphanetImport;
  let catalogue: OrphanetCatalogue;
  let scratch: string;

  const clock: Clock = { now: () => NOW };
  const ids: IdGenerator = { newId: () => '0a000000-0000-4000-8000-00000000000a' };
  /** Both tables, whole, in a stable order. */
  const tables = async () => ({
    disorders: await dataSource.query('SELECT * FROM orphanet_disorders ORDER BY orpha_code'),
    prevalences: await dataSource.query('SELECT * FROM orphanet_prevalences ORDER BY orpha_code, ordinal'),
  });
  const importEvents = async () => (await store.readStream(ORPHANET_IMPORTS_STREAM)).map((event) => event.data);
  /** A copy of a fixture changed by `edit`, as a file of its own. */
  const edited = async (fixture: string, name: string, edit: (xml: string) => string, encoding: BufferEncoding = 'utf8') => {
    const path = join(scratch, name);
    await writeFile(path, edit(await readFile(fixture, encoding)), encoding);
    return path;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
    store = new PostgresEventStore(database.pool);
    importer = new OrphanetImport(dataSource, store, clock, ids);
    catalogue = new OrphanetCatalogue(dataSource);
    scratch = await mkdtemp(join(tmpdir(), 'sjn-orphadata-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
    await store.close();
    await dataSource.destroy();
    await database.drop();
  });

  it('imports both fixture files, records the import, and shows each disorder with its estimate for Denmark', async () => {
    const summary = await importer.importFiles([NOMENCLATURE, EPIDEMIOLOGY]);
    const expected = [
      { fileName: 'en_product1.xml', product: 'nomenclature', productDate: '2025-06-17 09:21:04', productVersion: '1.3.40 / 4.1.7 [2025-05-20] (orientdb version)', disorders: 8, records: 8 },
      { fileName: 'en_product9_prev.xml', product: 'epidemiology', productDate: '2025-06-17 09:35:12', productVersion: '1.3.40 / 4.1.7 [2025-05-20] (orientdb version)', disorders: 8, records: 15 },
    ];
    expect(summary).toEqual(expected);
    expect(await importEvents()).toEqual([{ importId: '0a000000-0000-4000-8000-00000000000a', files: expected, importedAt: NOW.toISOString() }]);

    const entries = await catalogue.byCodes(['ORPHA:64', '110', 'ORPHA:93', 'ORPHA:98053', 'ORPHA:1', 'not a code']);
    expect([...entries.keys()].sort()).toEqual(['ORPHA:110', 'ORPHA:64', 'ORPHA:93', 'ORPHA:98053']);
    expect(entries.get('ORPHA:64')).toEqual({
      orphaCode: 'ORPHA:64',
      name: 'Alström syndrome',
      disorderType: 'Disease',
      disorderGroup: 'Disorder',
      synonyms: [],
      icd10: [{ code: 'E34.8', mapping: 'NTBT' }],
      prevalences: [
        { type: 'Point prevalence', qualification: 'Class only', prevalenceClass: '1-9 / 1 000 000', geographic: 'Europe', validationStatus: 'Validated', peopleInDenmark: { min: 6, max: 53, ruleOfThumb: 'within' } },
        { type: 'Cases/families', qualification: 'Case(s)', prevalenceClass: null, geographic: 'Worldwide', validationStatus: 'Validated', peopleInDenmark: null },
      ],
      denmark: { prevalenceClass: '1-9 / 1 000 000', geographic: 'Europe', peopleInDenmark: { min: 6, max: 53, ruleOfThumb: 'within' } },
    });
    // Denmark's own figure wins over Europe's.
    expect(entries.get('ORPHA:110')?.denmark).toEqual({ prevalenceClass: '1-9 / 100 000', geographic: 'Denmark', peopleInDenmark: { min: 59, max: 531, ruleOfThumb: 'within' } });
    // Known only to the epidemiology file: its name from there; a category without prevalence has no estimate.
    expect(entries.get('ORPHA:93')).toMatchObject({ name: 'Aspartylglucosaminuria', disorderType: null, denmark: { geographic: 'Finland' } });
    expect(entries.get('ORPHA:98053')).toMatchObject({ name: 'Rare genetic disease', disorderGroup: 'Group of disorders', prevalences: [], denmark: null });
  });

  it('finds disorders by ORPHAcode, by a part of the name or of a synonym, the closest first', async () => {
    const names = async (query: string) => (await catalogue.search(query)).map((entry) => entry.name);
    expect(await names('ORPHA:558')).toEqual(['Marfan syndrome']);
    expect(await names('739')).toEqual(['Prader-Willi syndrome']);
    expect(await names('syndrome')).toEqual(['Alström syndrome', 'Bardet-Biedl syndrome', 'Marfan syndrome', 'Prader-Willi syndrome']);
    expect(await names('alström')).toEqual(['Alström syndrome']);
    expect(await names('mucoviscidosis')).toEqual(['Cystic fibrosis']);
    expect(await names('Labhart')).toEqual(['Prader-Willi syndrome']);
    expect(await names('aspartyl')).toEqual(['Aspartylglucosaminuria']);
    expect(await names('100%_')).toEqual([]);
    expect(await names('ORPHA:123456789012')).toEqual([]);
    expect((await catalogue.search('familial hypercholesterolemia'))[0].denmark?.peopleInDenmark).toEqual({ min: 5_900, max: null, ruleOfThumb: 'beyond' });
  });

  it('replaces a product as a whole: an import of one file leaves the other product as it was', async () => {
    const before = await tables();
    const smaller = await edited(EPIDEMIOLOGY, 'en_product9_prev.xml', (xml) => xml.replace(/<Disorder id="1158">[\s\S]*?<\/Disorder>\n/, ''));
    await importer.importFiles([smaller]);
    const after = await tables();
    expect(after.disorders).toEqual(before.disorders);
    expect(after.prevalences.map((row: { orpha_code: number }) => row.orpha_code)).not.toContain(406);
    expect(after.prevalences).toHaveLength(before.prevalences.length - 1);
    await importer.importFiles([EPIDEMIOLOGY]);
    expect(await tables()).toEqual(before);
  });

  describe('refuses a malformed file with a message naming the file, what is wrong and where, and changes nothing', () => {
    let before: Awaited<ReturnType<typeof tables>>;
    let eventCount: number;
    beforeEach(async () => {
      before = await tables();
      eventCount = (await importEvents()).length;
    });
    afterEach(async () => {
      jest.restoreAllMocks();
      expect(await tables()).toEqual(before);
      expect(await importEvents()).toHaveLength(eventCount);
    });

    it.each([
      ['bad XML', (xml: string) => xml.slice(0, 3000), /^broken\.xml: not well-formed XML: .+ \(line \d+, column \d+\)$/],
      ['another root', (xml: string) => xml.replace(/JDBOR/g, 'Orphanet'), /^broken\.xml: the root element is <Orphanet>, not <JDBOR>/],
      ['a Disorder without OrphaCode', (xml: string) => xml.replace('<OrphaCode>739</OrphaCode>', ''), /^broken\.xml: the Disorder at line 145, id="1526" \(no\. 4 in DisorderList\) has no OrphaCode$/],
      ['a Disorder without Name', (xml: string) => xml.replace('<Name lang="en">Cystic fibrosis</Name>', ''), /^broken\.xml: the Disorder with OrphaCode 586 \(at line 207, id="1307"\) has no Name$/],
    ])('%s', async (_, edit, message) => {
      const broken = await edited(NOMENCLATURE, 'broken.xml', edit, 'latin1');
      await expect(importer.importFiles([broken])).rejects.toThrow(message);
    });

    it('one bad file of two: the good one is not imported either', async () => {
      const broken = await edited(EPIDEMIOLOGY, 'broken.xml', (xml) => xml.replace('<OrphaCode>406</OrphaCode>', '<OrphaCode>4O6</OrphaCode>'));
      const emptied = await edited(NOMENCLATURE, 'en_product1.xml', (xml) => xml.replace(/<Disorder id="(?!1305")[\s\S]*?<\/Disorder>\n/g, ''), 'latin1');
      await expect(importer.importFiles([emptied, broken])).rejects.toThrow('broken.xml: the Disorder at line 313, id="1158" has the OrphaCode "4O6", which is not a number');
    });

    it('two files of the same product', async () => {
      await expect(importer.importFiles([EPIDEMIOLOGY, EPIDEMIOLOGY])).rejects.toThrow('two files of the epidemiology product in one import: en_product9_prev.xml, en_product9_prev.xml');
    });

    it('a failure after the tables were replaced (here: recording the import) rolls the whole import back', async () => {
      const smaller = await edited(NOMENCLATURE, 'en_product1.xml', (xml) => xml.replace(/<Disorder id="(?!1305")[\s\S]*?<\/Disorder>\n/g, ''), 'latin1');
      jest.spyOn(store, 'append').mockRejectedValueOnce(new Error('the event store is down'));
      await expect(importer.importFiles([smaller, EPIDEMIOLOGY])).rejects.toThrow('the event store is down');
    });
  });
});
