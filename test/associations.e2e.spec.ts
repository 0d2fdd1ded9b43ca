import { join } from 'node:path';
import { UNDIAGNOSED_DIAGNOSIS_ID } from '../contracts/events/diagnosis.events';
import { readMailSink } from './support/mail-sink';
import { fileSink, Network, personOf, signUpOf } from './support/network';
import { replayWithoutEventTypeFilters } from './support/event-type-filters';
import { SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

const ASSOCIATION = { name: 'Landsforeningen for Bardet-Biedl', email: 'kontakt@bbs.example.dk', url: 'https://bbs.example.dk' };

describe('help to start a patient association, over HTTP', () => {
  let service: TestApp;
  let network: Network;
  let groupA: string;
  let groupB: string;
  const mailDir = () => join(service.dataDir, 'mail');
  const ready = async () => (await network.call('/associations/ready', undefined, SECRETARIAT_KEY)).body;

  beforeAll(async () => {
    service = await startTestApp({ ASSOCIATION_READY_SIZE: '3' });
    network = new Network(service, fileSink(mailDir));
    await network.openGroup();
    groupA = network.diagnosisId;
    // Group A: 1 (Danish), 6 (Swedish), 8 (English); group B: 2 alone.
    for (const n of [1, 6, 8]) await network.join(n);
    groupB = (await network.staff('register-diagnosis', { name: `Alström syndrom ${network.tag}` })).body.diagnosisId;
    network.diagnosisId = groupB;
    await network.until('group B to open', async () => (await network.call('/diagnoses')).body.some((d: { diagnosisId: string }) => d.diagnosisId === groupB));
    await network.join(2);
  }, 60_000);
  afterAll(() => service.close());

  it('lists the open groups that reached ASSOCIATION_READY_SIZE', async () => {
    const listed = await network.until('group A to reach the size', async () => {
      const body = await ready();
      return body.groups.length > 0 ? body : undefined;
    });
    expect(listed).toEqual({ threshold: 3, groups: [expect.objectContaining({ diagnosisId: groupA, status: 'open', memberCount: 3 })] });
  });

  it('records that a group became an association: its members are told in their language, and new applicants are referred', async () => {
    const recorded = await network.staff('record-association', { diagnosisId: groupA, association: ASSOCIATION });
    expect(recorded).toEqual({ status: 201, body: { diagnosisId: groupA, status: 'has-association' } });

    const told = await network.until('the members to be told', async () => {
      const mails = (await readMailSink(mailDir())).filter((mail) => mail.subject.includes(`Bardet-Biedl syndrom ${network.tag}`) && /patient/.test(mail.subject));
      return mails.length === 3 ? mails : undefined;
    });
    const to = (n: number) => told.find((mail) => mail.to.includes(network.person(n).email));
    expect(to(1)?.subject).toBe(`Gruppen for Bardet-Biedl syndrom ${network.tag} har nu sin egen patientforening`);
    expect(to(6)?.subject).toBe(`Gruppen för Bardet-Biedl syndrom ${network.tag} har nu en egen patientförening`);
    expect(to(8)?.subject).toBe(`The group for Bardet-Biedl syndrom ${network.tag} now has its own patient association`);
    for (const mail of told) {
      expect(mail.text).toContain(`${ASSOCIATION.name}\n`);
      expect(mail.text).toContain(ASSOCIATION.url);
      for (const value of network.valuesOf(2)) expect(mail.text).not.toContain(value);
    }

    await network.until('the group to leave the lists', async () => (await ready()).groups.length === 0 && !(await network.call('/diagnoses')).body.some((d: { diagnosisId: string }) => d.diagnosisId === groupA));

    // A newcomer naming the diagnosis is referred to the association, by mail.
    const newcomer = personOf(9, network.tag);
    const joined = await network.call('/commands/join-network', { ...signUpOf(newcomer, groupA), diagnosis: { name: `Bardet-Biedl syndrom ${network.tag}` } });
    expect(joined.status).toBe(202);
    const verification = await network.until('the newcomer’s verification mail', async () => (await readMailSink(mailDir())).find((mail) => mail.to.includes(newcomer.email)));
    const token = decodeURIComponent(/token=([^\s"&<]+)/.exec(verification.text)?.[1] ?? '');
    expect((await network.call('/commands/verify-email', { token })).body).toEqual({ memberId: joined.body.memberId, status: 'referred' });
    const referral = await network.until('the referral mail', async () => (await readMailSink(mailDir())).filter((mail) => mail.to.includes(newcomer.email))[1]);
    expect(referral.text).toContain(`${ASSOCIATION.name}\nE-mail: ${ASSOCIATION.email}\nHjemmeside: ${ASSOCIATION.url}\n`);
  }, 60_000);

  it('refuses a group that is an association already, and the group for the undiagnosed', async () => {
    expect((await network.staff('record-association', { diagnosisId: groupA, association: ASSOCIATION })).body.type).toBe('/problems/group-not-open');
    expect((await network.staff('record-association', { diagnosisId: UNDIAGNOSED_DIAGNOSIS_ID, association: ASSOCIATION })).body.type).toBe('/problems/undiagnosed-group');
    const unnamed = await network.staff('record-association', { diagnosisId: groupB, association: { email: 'x@example.org' } });
    expect(unnamed.status).toBe(400);
    expect(new Set(unnamed.body.errors.map((error: { field: string }) => error.field))).toEqual(new Set(['association.name']));
  });
  // Last: it stops the service's projections.
  it('built every read model from only the event types it declares (a replay of every event gives the same)', async () => {
    await replayWithoutEventTypeFilters(service);
  });
});
