import { join } from 'node:path';
import { fileSink, Network } from './support/network';
import { quiet } from './support/settle';
import { SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

/** Every number anywhere in a JSON value. */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

describe('statistics over HTTP', () => {
  let service: TestApp;
  let network: Network;
  const groups: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };

  const openGroup = async (name: string): Promise<string> => {
    const { diagnosisId } = (await network.staff('register-diagnosis', { name: `${name} ${network.tag}` })).body;
    await network.until(`${name} to open`, async () => (await network.call('/diagnoses')).body.some((d: { diagnosisId: string }) => d.diagnosisId === diagnosisId));
    return diagnosisId;
  };

  beforeAll(async () => {
    service = await startTestApp();
    network = new Network(service, fileSink(() => join(service.dataDir, 'mail')));
    groups.A = await openGroup('Alström syndrom');
    groups.B = await openGroup('Bardet-Biedl syndrom');
    groups.C = await openGroup('Cohen syndrom');
    // A: 1, 2, 3, 5, 6 and 7, who then withdraws (5 stay); B: 4 (in Greenland) and 8; C: nobody.
    network.diagnosisId = groups.A;
    for (const n of [1, 2, 3, 5, 6, 7]) await network.join(n);
    network.diagnosisId = groups.B;
    for (const n of [4, 8]) await network.join(n);
    expect((await network.staff('withdraw-consent', { memberId: network.person(7).memberId })).status).toBe(201);
  }, 90_000);
  afterAll(() => service.close());

  it('counts members per group, country and role, and sign-ups per month, never showing a count from 1 to 4', async () => {
    // Every projection has applied the whole log (admissions come from a reactor, after the joins).
    await quiet(service, network.store);
    const { status, body: statistics } = await network.call('/statistics', undefined, SECRETARIAT_KEY);
    expect(status).toBe(200);
    const group = (id: string) => statistics.membersPerGroup.find((row: { diagnosisId: string }) => row.diagnosisId === id);
    expect([group(groups.A), group(groups.B), group(groups.C)]).toEqual([
      { diagnosisId: groups.A, name: `Alström syndrom ${network.tag}`, members: 5 },
      { diagnosisId: groups.B, name: `Bardet-Biedl syndrom ${network.tag}`, members: '<5' },
      { diagnosisId: groups.C, name: `Cohen syndrom ${network.tag}`, members: 0 },
    ]);
    expect(statistics.membersPerCountry).toEqual([
      { country: 'DK', members: 6 },
      { country: 'SE', members: 0 },
      { country: 'NO', members: 0 },
      { country: 'GL', members: '<5' },
      { country: 'FO', members: 0 },
    ]);
    expect(statistics.membersPerRole).toEqual([
      { role: 'patient', members: 7 },
      { role: 'relative', members: 0 },
    ]);
    const month = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit' }).format(new Date());
    expect(statistics.signUpsPerMonth).toEqual([{ month, signUps: 8 }]);
    expect(numbersIn(statistics).filter((n) => n >= 1 && n <= 4)).toEqual([]);
  }, 30_000);
});
