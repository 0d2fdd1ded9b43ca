import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OrphanetImport } from '../src/orphanet/orphanet-import';
import { fileSink, Network } from './support/network';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

const FIXTURES = join(__dirname, 'fixtures', 'orphadata');

describe('the Orphanet catalogue next to the assessment of diagnoses, over HTTP', () => {
  let service: TestApp;
  let network: Network;
  const mails = fileSink(() => join(service.dataDir, 'mail'));
  const lookUp = (query: string, key = SECRETARIAT_KEY) => network.call(`/orphanet?query=${encodeURIComponent(query)}`, undefined, key);
  /** An applicant names a diagnosis the network does not have yet: it waits for assessment. */
  const propose = async (n: number, diagnosis: { name: string; orphaCode?: string }) => {
    const answer = await network.call('/commands/join-network', {
      role: 'patient',
      birthYear: 1980 + n,
      name: `Ansøger ${n} ${network.tag}`,
      email: `applicant${n}.${network.tag}@example.org`,
      phone: `+452011330${n}`,
      address: { street: `Testvej ${n}`, postalCode: '2300', city: 'København S', country: 'DK' },
      language: 'da',
      diagnosis,
      consent: { textVersion: '1', given: true },
    });
    expect(answer.status).toBe(202);
  };
  const pending = async (count: number) =>
    network.until(`${count} diagnoses awaiting assessment`, async () => {
      const { body } = await network.call('/assessments/pending', undefined, SECRETARIAT_KEY);
      return body.length === count ? (body as Array<{ name: string; orphanet: { denmark: unknown } | null }>) : undefined;
    });

  beforeAll(async () => {
    service = await startTestApp();
    network = new Network(service, mails);
  });
  afterAll(() => service?.close());

  it('is empty until imported; the pending diagnoses show no estimate yet', async () => {
    expect(await lookUp('syndrome')).toEqual({ status: 200, body: [] });
    await propose(1, { name: 'Alström syndrom', orphaCode: 'ORPHA:64' });
    expect((await pending(1))[0].orphanet).toBeNull();
  });

  it('imports the Orphadata product files (what `npm run import-orphanet` does) and shows prevalence and people in Denmark next to each pending diagnosis', async () => {
    expect(await service.app.get(OrphanetImport).importFiles([join(FIXTURES, 'en_product1.xml'), join(FIXTURES, 'en_product9_prev.xml')])).toEqual([
      expect.objectContaining({ fileName: 'en_product1.xml', product: 'nomenclature', disorders: 8 }),
      expect.objectContaining({ fileName: 'en_product9_prev.xml', product: 'epidemiology', disorders: 8 }),
    ]);
    await propose(2, { name: 'Marfans syndrom', orphaCode: '558' });
    await propose(3, { name: 'Familiær hyperkolesterolæmi', orphaCode: 'ORPHA:406' });
    await propose(4, { name: `Et syndrom uden kode ${network.tag}` });

    const byName = new Map((await pending(4)).map((diagnosis) => [diagnosis.name, diagnosis.orphanet]));
    expect(byName.get('Alström syndrom')).toMatchObject({
      orphaCode: 'ORPHA:64',
      name: 'Alström syndrome',
      icd10: [{ code: 'E34.8', mapping: 'NTBT' }],
      denmark: { prevalenceClass: '1-9 / 1 000 000', geographic: 'Europe', peopleInDenmark: { min: 6, max: 53, ruleOfThumb: 'within' } },
    });
    expect(byName.get('Marfans syndrom')?.denmark).toEqual({ prevalenceClass: '1-5 / 10 000', geographic: 'Europe', peopleInDenmark: { min: 590, max: 2_950, ruleOfThumb: 'straddles' } });
    expect(byName.get('Familiær hyperkolesterolæmi')?.denmark).toEqual({ prevalenceClass: '>1 / 1000', geographic: 'Europe', peopleInDenmark: { min: 5_900, max: null, ruleOfThumb: 'beyond' } });
    expect(byName.get(`Et syndrom uden kode ${network.tag}`)).toBeNull();
  });

  it('lets the secretariat look the catalogue up by name or ORPHAcode when registering a diagnosis', async () => {
    const found = await lookUp('bardet');
    expect(found.status).toBe(200);
    expect(found.body).toEqual([
      expect.objectContaining({
        orphaCode: 'ORPHA:110',
        name: 'Bardet-Biedl syndrome',
        synonyms: ['BBS'],
        denmark: { prevalenceClass: '1-9 / 100 000', geographic: 'Denmark', peopleInDenmark: { min: 59, max: 531, ruleOfThumb: 'within' } },
      }),
    ]);
    expect((await lookUp('ORPHA:586')).body.map((entry: { name: string }) => entry.name)).toEqual(['Cystic fibrosis']);
    expect((await lookUp('bardet', DPO_KEY)).status).toBe(403);
    expect((await network.call('/orphanet?query=bardet')).status).toBe(401);
    const noQuery = await network.call('/orphanet', undefined, SECRETARIAT_KEY);
    expect(noQuery.status).toBe(400);
    expect(noQuery.body.type).toMatch(/validation$/);
    expect(noQuery.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'query' })]));
  });

  it('refuses a malformed file, saying what is wrong and where, and keeps the catalogue as it was', async () => {
    const before = await lookUp('syndrome');
    const broken = join(service.dataDir, 'en_product9_prev.xml');
    await writeFile(broken, '<?xml version="1.0" encoding="UTF-8"?>\n<JDBOR><DisorderList count="1"><Disorder id="1"><Name lang="en">No code</Name><PrevalenceList count="0"/></Disorder></DisorderList></JDBOR>\n');
    await expect(service.app.get(OrphanetImport).importFiles([join(FIXTURES, 'en_product1.xml'), broken])).rejects.toThrow(
      'en_product9_prev.xml: the Disorder at line 2, id="1" (no. 1 in DisorderList) has no OrphaCode',
    );
    expect(await lookUp('syndrome')).toEqual(before);
    expect(before.body.map((entry: { name: string }) => entry.name)).toEqual(['Alström syndrome', 'Bardet-Biedl syndrome', 'Marfan syndrome', 'Prader-Willi syndrome']);
  });
});
