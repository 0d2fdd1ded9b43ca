import { randomUUID } from 'node:crypto';
import { UNDIAGNOSED_DIAGNOSIS_ID, diagnosisStream } from '../contracts/events/diagnosis.events';
import type { DomainEvent } from '../contracts/events/domain-event';
import { memberStream } from '../contracts/events/membership.events';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port';
import { proposed, stored, waitingApplicant } from './support/applicant-events';
import { replayWithoutEventTypeFilters } from './support/event-type-filters';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

interface Answer<T = Record<string, unknown>> {
  status: number;
  type: string | null;
  body: T;
}

describe('diagnoses over HTTP', () => {
  let service: TestApp;
  let store: EventStore;

  const call = async <T = Record<string, unknown>>(method: 'GET' | 'POST', path: string, body?: unknown, key: string | null = SECRETARIAT_KEY): Promise<Answer<T>> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as T };
  };
  const command = (name: string, body: unknown, key: string | null = SECRETARIAT_KEY) => call('POST', `/commands/${name}`, body, key);
  /** Polls until the check passes (read models and reactors catch up asynchronously). */
  const eventually = async <T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (check(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const publicDiagnoses = () => call<Array<Record<string, unknown>>>('GET', '/diagnoses', undefined, null).then((answer) => answer.body);
  const groups = () => call<Array<Record<string, unknown>>>('GET', '/groups').then((answer) => answer.body);
  const streamTypes = async (memberId: string) => (await store.readStream(memberStream(memberId))).map((event) => event.type);
  const append = (stream: string, events: DomainEvent[]) => store.append(stream, stored(events), 'any');
  const fieldsOf = (answer: Answer) => (answer.body.errors as Array<{ field: string }>).map((error) => error.field);

  beforeAll(async () => {
    service = await startTestApp();
    store = service.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(() => service.close());

  it('has the undiagnosed group from the first start', async () => {
    const listed = await eventually(publicDiagnoses, (list) => list.some((diagnosis) => diagnosis.diagnosisId === UNDIAGNOSED_DIAGNOSIS_ID));
    expect(listed).toContainEqual({ diagnosisId: UNDIAGNOSED_DIAGNOSIS_ID, name: 'Udiagnosticeret (mistanke om sjælden sygdom)' });
    expect(await store.readStream(diagnosisStream(UNDIAGNOSED_DIAGNOSIS_ID))).toHaveLength(1);
  });

  it('registers a diagnosis: listed publicly without counts, and for the secretariat with its size', async () => {
    const registered = await command('register-diagnosis', { name: 'Marfan syndrom', orphaCode: '558', icd10: 'Q87.4', description: 'Bindevævssygdom.' });
    expect(registered.status).toBe(201);
    const { diagnosisId } = registered.body as { diagnosisId: string };
    expect(diagnosisId).toMatch(/^[0-9a-f-]{36}$/);

    const listed = await eventually(publicDiagnoses, (list) => list.some((diagnosis) => diagnosis.diagnosisId === diagnosisId));
    expect(listed.find((diagnosis) => diagnosis.diagnosisId === diagnosisId)).toEqual({
      diagnosisId,
      name: 'Marfan syndrom',
      orphaCode: 'ORPHA:558',
      icd10: 'Q87.4',
      description: 'Bindevævssygdom.',
    });
    expect(JSON.stringify(listed)).not.toMatch(/count|size/i);
    expect((await groups()).find((group) => group.diagnosisId === diagnosisId)).toEqual(
      expect.objectContaining({ diagnosisId, name: 'Marfan syndrom', status: 'open', memberCount: 0, clusterIds: [] }),
    );

    const again = await command('register-diagnosis', { name: '  marfan   SYNDROM ' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual(expect.objectContaining({ type: '/problems/diagnosis-known', status: 409 }));
  });

  it('refuses to assess an open diagnosis (409) and does not know an unknown one (404)', async () => {
    const open = await command('assess-diagnosis', { diagnosisId: UNDIAGNOSED_DIAGNOSIS_ID, decision: 'rare', rationale: 'Allerede åben.' });
    expect(open.status).toBe(409);
    expect(open.type).toContain('application/problem+json');
    expect(open.body).toEqual(expect.objectContaining({ type: '/problems/diagnosis-not-pending', status: 409 }));
    const unknown = await command('assess-diagnosis', { diagnosisId: randomUUID(), decision: 'rare', rationale: 'Ukendt.' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(expect.objectContaining({ type: '/problems/diagnosis-not-found', status: 404 }));
  });

  it('names every invalid field in a problem+json 400', async () => {
    const codes = await command('register-diagnosis', { name: 'X', orphaCode: 'ORPHA-558', icd10: 'q87', extra: true });
    expect(codes.status).toBe(400);
    expect(codes.type).toContain('application/problem+json');
    expect(fieldsOf(codes)).toEqual(expect.arrayContaining(['orphaCode', 'icd10', 'extra']));

    const noName = await command('register-diagnosis', {});
    expect(fieldsOf(noName)).toContain('name');

    const association = await command('assess-diagnosis', { diagnosisId: randomUUID(), decision: 'has-association', rationale: 'Har en forening.' });
    expect(association.status).toBe(400);
    expect(fieldsOf(association)).toEqual(['association.name']);

    const decision = await command('assess-diagnosis', { diagnosisId: 'not-an-id', decision: 'maybe' });
    expect(fieldsOf(decision)).toEqual(expect.arrayContaining(['diagnosisId', 'decision', 'rationale']));

    const single = await command('link-diagnoses', { name: 'Klynge', diagnosisIds: [UNDIAGNOSED_DIAGNOSIS_ID] });
    expect(single.status).toBe(400);
    expect(fieldsOf(single)).toEqual(['diagnosisIds']);
  });

  it('answers 401 without a key and 403 to the dpo on commands and secretariat queries', async () => {
    const body = { name: 'Noget sjældent' };
    expect((await command('register-diagnosis', body, DPO_KEY)).status).toBe(403);
    expect((await command('assess-diagnosis', { diagnosisId: randomUUID(), decision: 'rare', rationale: 'x' }, DPO_KEY)).status).toBe(403);
    expect((await command('link-diagnoses', { name: 'x', diagnosisIds: [randomUUID(), randomUUID()] }, DPO_KEY)).status).toBe(403);
    const anonymous = await fetch(`${service.url}/commands/register-diagnosis`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    expect((await call('GET', '/groups', undefined, null)).status).toBe(401);
    expect((await call('GET', '/groups', undefined, DPO_KEY)).status).toBe(403);
    expect((await call('GET', '/assessments/pending', undefined, null)).status).toBe(401);
  });

  it('admits the waiting applicants when a proposed diagnosis is assessed as rare', async () => {
    const diagnosisId = randomUUID();
    const applicants = [randomUUID(), randomUUID()];
    await append(diagnosisStream(diagnosisId), [proposed(diagnosisId, 'Alström syndrom', { orphaCode: 'ORPHA:64' })]);
    for (const memberId of applicants) await append(memberStream(memberId), waitingApplicant(memberId, diagnosisId));

    type Pending = Array<{ diagnosisId: string; waitingCount: number; waitingMemberIds: string[] }>;
    const pending = await eventually(
      () => call<Pending>('GET', '/assessments/pending').then((answer) => answer.body),
      (list) => list.some((entry) => entry.diagnosisId === diagnosisId && entry.waitingCount === 2),
    );
    expect(pending.find((entry) => entry.diagnosisId === diagnosisId)).toEqual(
      expect.objectContaining({ diagnosisId, name: 'Alström syndrom', orphaCode: 'ORPHA:64', waitingCount: 2, waitingMemberIds: applicants }),
    );
    expect((await publicDiagnoses()).map((diagnosis) => diagnosis.diagnosisId)).not.toContain(diagnosisId);

    const assessed = await command('assess-diagnosis', { diagnosisId, decision: 'rare', rationale: 'Ca. 20 i Danmark.', prevalenceEstimate: '<1:1.000.000' });
    expect(assessed.status).toBe(200);
    expect(assessed.body).toEqual({ diagnosisId, status: 'open' });

    for (const memberId of applicants) {
      expect(await eventually(() => streamTypes(memberId), (types) => types.includes('MemberAdmitted'))).toEqual([
        'MemberJoined',
        'EmailVerified',
        'MemberAwaitingAssessment',
        'MemberAdmitted',
      ]);
    }
    const group = await eventually(groups, (list) => list.some((entry) => entry.diagnosisId === diagnosisId && entry.memberCount === 2));
    expect(group.find((entry) => entry.diagnosisId === diagnosisId)).toEqual(expect.objectContaining({ status: 'open', memberCount: 2 }));
    expect(await eventually(publicDiagnoses, (list) => list.some((entry) => entry.diagnosisId === diagnosisId))).toContainEqual({
      diagnosisId,
      name: 'Alström syndrom',
      orphaCode: 'ORPHA:64',
    });
    expect((await command('assess-diagnosis', { diagnosisId, decision: 'not-rare', rationale: 'Igen.' })).status).toBe(409);
  });

  it('refers the waiting applicants when the diagnosis has a patient association', async () => {
    const diagnosisId = randomUUID();
    const memberId = randomUUID();
    await append(diagnosisStream(diagnosisId), [proposed(diagnosisId, 'Cystisk fibrose')]);
    await append(memberStream(memberId), waitingApplicant(memberId, diagnosisId));
    const assessed = await command('assess-diagnosis', {
      diagnosisId,
      decision: 'has-association',
      rationale: 'Har sin egen patientforening.',
      association: { name: 'Cystisk Fibrose Foreningen', url: 'https://example.org' },
    });
    expect(assessed.status).toBe(200);
    expect(assessed.body).toEqual({ diagnosisId, status: 'has-association' });
    expect(await eventually(() => streamTypes(memberId), (types) => types.includes('MemberReferred'))).toContain('MemberReferred');
    const group = await eventually(groups, (list) => list.some((entry) => entry.diagnosisId === diagnosisId && entry.status === 'has-association'));
    expect(group.find((entry) => entry.diagnosisId === diagnosisId)).toEqual(
      expect.objectContaining({ status: 'has-association', association: { name: 'Cystisk Fibrose Foreningen', url: 'https://example.org' }, memberCount: 0 }),
    );
  });

  it('links open groups into a cluster, and only open ones', async () => {
    const first = (await command('register-diagnosis', { name: 'Ehlers-Danlos syndrom' })).body.diagnosisId as string;
    const second = (await command('register-diagnosis', { name: 'Loeys-Dietz syndrom' })).body.diagnosisId as string;
    const linked = await command('link-diagnoses', { name: 'Bindevævssygdomme', diagnosisIds: [first, second] });
    expect(linked.status).toBe(201);
    const { clusterId } = linked.body as { clusterId: string };
    const listed = await eventually(groups, (list) => list.filter((entry) => (entry.clusterIds as string[]).includes(clusterId)).length === 2);
    expect(listed.filter((entry) => (entry.clusterIds as string[]).includes(clusterId)).map((entry) => entry.diagnosisId)).toEqual(
      expect.arrayContaining([first, second]),
    );

    const pendingId = randomUUID();
    await append(diagnosisStream(pendingId), [proposed(pendingId, 'Endnu ikke vurderet')]);
    const notOpen = await command('link-diagnoses', { clusterId, name: 'Bindevævssygdomme', diagnosisIds: [pendingId] });
    expect(notOpen.status).toBe(400);
    expect(fieldsOf(notOpen)).toEqual(['diagnosisIds']);
    const unknownCluster = await command('link-diagnoses', { clusterId: randomUUID(), name: 'x', diagnosisIds: [first] });
    expect(unknownCluster.status).toBe(404);
  });

  it('lists the commands and queries in the OpenAPI document', async () => {
    const document = (await (await fetch(`${service.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/commands/register-diagnosis', '/commands/assess-diagnosis', '/commands/link-diagnoses', '/diagnoses', '/groups', '/assessments/pending']),
    );
  });
  // Last: it stops the service's projections.
  it('built every read model from only the event types it declares (a replay of every event gives the same)', async () => {
    await replayWithoutEventTypeFilters(service);
  });
});
