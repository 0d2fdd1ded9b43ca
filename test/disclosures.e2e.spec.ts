import { randomUUID } from 'node:crypto';
import { type ContactListDispatched, dispatchStream } from '../contracts/events/contact-list.events';
import { memberStream } from '../contracts/events/membership.events';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port';
import { admittedTo, joinedWith, updatedFact, withdrew } from './support/membership-facts';
import { appendAt, ReferenceSender, type SenderRun } from './support/reference-sender';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

const GROUP = randomUUID();
const [ANNA, BO, CARL, DORA] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
const ODD_REFERENCE = 'SN "quoted", with comma\nand a line break';

interface Answer {
  status: number;
  contentType: string;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

interface Entry {
  seq: string;
  kind: string;
  recipientId: string;
  listReference: string;
  dispatchedAt: string;
  listVersion: number | null;
  subject: { subjectId: string; fields: string[] } | null;
  delivery: { status: string };
}

describe('the disclosure log over HTTP (dpo)', () => {
  let service: TestApp;
  let store: EventStore;
  let runs: SenderRun[];

  const get = async (path: string, { key = DPO_KEY, accept }: { key?: string | null; accept?: string } = {}): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (accept) headers.accept = accept;
    const response = await fetch(`${service.url}${path}`, { headers });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return { status: response.status, contentType, text, body: contentType.includes('json') && text ? JSON.parse(text) : undefined };
  };
  const entries = async (query = ''): Promise<Entry[]> => {
    const answer = await get(`/disclosures${query}`);
    expect(answer.status).toBe(200);
    return answer.body.entries;
  };

  /** Waits until the disclosure log has applied everything in the log. */
  const settled = async (): Promise<void> => {
    const head = await store.headPosition();
    for (let attempt = 0; attempt < 400; attempt++) {
      const { rows } = await service.database.pool.query<{ position: string }>(`SELECT position::text FROM projection_checkpoints WHERE name = 'disclosure-log'`);
      if (rows[0] && BigInt(rows[0].position) >= head) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the disclosure log did not catch up');
  };

  /**
   * Anna, Bo (email only) and Carl are admitted; Dora only joined. v1 goes to all three; Bo
   * rectifies: corrections and v2; Anna withdraws: a deletion notice and v3. One more dispatch
   * carries a list reference with a comma, quotes and a line break (for the CSV).
   */
  beforeAll(async () => {
    // The histories below are written straight to the log with fixed times; the real sender must
    // not turn them into lists whenever those times pass, so its debounce outlasts the test run.
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: String(10 * 365 * 24 * 3600) });
    store = service.app.get<EventStore>(EVENT_STORE);
    const sender = new ReferenceSender(store);
    await appendAt(store, memberStream(ANNA), [joinedWith(ANNA, GROUP), admittedTo(ANNA, GROUP)]);
    await appendAt(store, memberStream(BO), [joinedWith(BO, GROUP, { sharedFields: ['email'] }), admittedTo(BO, GROUP)]);
    await appendAt(store, memberStream(CARL), [joinedWith(CARL, GROUP), admittedTo(CARL, GROUP)]);
    await appendAt(store, memberStream(DORA), [joinedWith(DORA, GROUP)]);
    runs = [await sender.run(GROUP)];
    await appendAt(store, memberStream(BO), [updatedFact(BO, 'SE')]);
    runs.push(await sender.run(GROUP));
    await appendAt(store, memberStream(ANNA), [withdrew(ANNA)]);
    runs.push(await sender.run(GROUP));
    const dispatchId = randomUUID();
    const odd: ContactListDispatched = {
      type: 'ContactListDispatched',
      data: {
        dispatchId,
        recipientId: CARL,
        diagnosisId: GROUP,
        listVersion: 3,
        builtAtPosition: runs[2].builtAtPosition.toString(),
        view: { greenlandOnly: false },
        listReference: ODD_REFERENCE,
        idempotencyKey: `${CARL}:${GROUP}:3:again`,
        channel: 'email',
      },
    };
    await appendAt(store, dispatchStream(dispatchId), [odd]);
    await settled();
  });
  afterAll(() => service.close());

  it('is for the dpo only: 401 without a key, 403 with the secretariat’s', async () => {
    for (const path of ['/disclosures', '/disclosures/verification', `/disclosures/breach-scope?listReference=x`]) {
      expect((await get(path)).status).toBe(200);
      const secretariat = await get(path, { key: SECRETARIAT_KEY });
      expect([secretariat.status, secretariat.contentType]).toEqual([403, expect.stringContaining('application/problem+json')]);
      expect((await get(path, { key: null })).status).toBe(401);
    }
  });

  it('lists one entry per message in log order, with delivery status', async () => {
    const all = await entries();
    expect(all.map((entry) => entry.seq)).toEqual(all.map((_, index) => String(index + 1)));
    // v1 x3; Bo's correction to Anna and Carl, v2 x3; a notice about Anna to Bo and Carl, v3 x2; the odd one.
    expect(all.map((entry) => entry.kind)).toEqual([
      ...['contact-list', 'contact-list', 'contact-list'],
      ...['correction', 'correction', 'contact-list', 'contact-list', 'contact-list'],
      ...['deletion-notice', 'deletion-notice', 'contact-list', 'contact-list'],
      'contact-list',
    ]);
    expect(all[0]).toEqual({
      seq: '1',
      kind: 'contact-list',
      disclosesData: true,
      dispatchId: runs[0].dispatches[0].dispatchId,
      recipientId: ANNA,
      diagnosisId: GROUP,
      listVersion: 1,
      builtAtPosition: runs[0].builtAtPosition.toString(),
      greenlandOnly: false,
      listReference: runs[0].dispatches[0].listReference,
      channel: 'email',
      position: runs[0].dispatches[0].position.toString(),
      dispatchedAt: expect.any(String),
      noticeReason: null,
      subject: null,
      delivery: { status: 'delivered', attempts: 1, deliveredAt: expect.any(String), providerMessageId: expect.stringMatching(/^msg-/), resent: false },
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(all[8]).toEqual(expect.objectContaining({ kind: 'deletion-notice', disclosesData: false, recipientId: BO, noticeReason: 'withdrawn', subject: { subjectId: ANNA, fields: [] } }));
    expect(all[12].delivery.status).toBe('pending');
  });

  it('pages with limit and after', async () => {
    const first = await get('/disclosures?limit=5');
    expect(first.body.entries.map((entry: Entry) => entry.seq)).toEqual(['1', '2', '3', '4', '5']);
    expect(first.body.next).toBe('5');
    const last = await get('/disclosures?limit=10&after=5');
    expect(last.body.entries.map((entry: Entry) => entry.seq)).toEqual(['6', '7', '8', '9', '10', '11', '12', '13']);
    expect(last.body.next).toBeUndefined();
  });

  it('answers "who received Bo’s data": per message, the fields shown, with list reference and position', async () => {
    const about = await entries(`?subjectId=${BO}`);
    expect(about.map((entry) => [entry.kind, entry.recipientId, entry.listVersion, entry.subject])).toEqual([
      ['contact-list', ANNA, 1, { subjectId: BO, fields: ['email'] }],
      ['contact-list', CARL, 1, { subjectId: BO, fields: ['email'] }],
      ['correction', ANNA, null, { subjectId: BO, fields: ['email'] }],
      ['correction', CARL, null, { subjectId: BO, fields: ['email'] }],
      ['contact-list', ANNA, 2, { subjectId: BO, fields: ['email'] }],
      ['contact-list', CARL, 2, { subjectId: BO, fields: ['email'] }],
      ['contact-list', CARL, 3, { subjectId: BO, fields: ['email'] }],
      ['contact-list', CARL, 3, { subjectId: BO, fields: ['email'] }],
    ]);
    expect(about.every((entry) => entry.recipientId !== BO)).toBe(true);
    expect(await entries(`?subjectId=${DORA}`)).toEqual([]);
    const toCarl = await entries(`?subjectId=${BO}&recipientId=${CARL}`);
    expect(toCarl).toHaveLength(5);
    expect(toCarl.map((entry) => entry.listReference)).toContain(ODD_REFERENCE);
  });

  it('selects by time, inclusive at both ends; a date alone is the whole day', async () => {
    const all = await entries();
    const [from, to] = [all[3].dispatchedAt, all[7].dispatchedAt];
    expect((await entries(`?from=${from}&to=${to}`)).map((entry) => entry.seq)).toEqual(['4', '5', '6', '7', '8']);
    expect(await entries(`?from=${from.slice(0, 10)}&to=${to.slice(0, 10)}`)).toHaveLength(all.length);
    expect(await entries('?to=2000-01-01')).toEqual([]);
    // The widest span a date can name: the day after its end is beyond four-digit years.
    expect(await entries('?from=1970-01-01&to=9999-12-31')).toHaveLength(all.length);
    expect((await get('/disclosures/breach-scope?from=1970-01-01&to=9999-12-31')).status).toBe(200);
  });

  it('exports CSV (RFC 4180: CRLF records, quoted fields with doubled quotes) with Accept: text/csv', async () => {
    const answer = await get(`/disclosures?subjectId=${BO}`, { accept: 'text/csv' });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/csv; charset=utf-8/);
    const [header, ...rest] = answer.text.split('\r\n');
    expect(header).toBe(
      'seq,dispatchedAt,kind,disclosesData,recipientId,subjectId,subjectFields,diagnosisId,listVersion,builtAtPosition,greenlandOnly,listReference,channel,dispatchId,position,noticeReason,deliveryStatus,deliveredAt,hash',
    );
    expect(answer.text.endsWith('\r\n')).toBe(true);
    expect(rest.filter((line) => line.startsWith('1,'))[0]).toMatch(new RegExp(`^1,[^,]+,contact-list,true,${ANNA},${BO},email,${GROUP},1,`));
    // The odd reference: one quoted field holding the quotes doubled, the comma and the line break.
    expect(answer.text).toContain(`,"SN ""quoted"", with comma\nand a line break",email,`);
    expect(parseCsv(answer.text)).toHaveLength(1 + 8);

    const whole = await get('/disclosures', { accept: 'text/csv' });
    expect(parseCsv(whole.text)).toHaveLength(1 + 13);
  });

  it('refuses unknown and invalid query parameters', async () => {
    for (const query of ['?memberId=x', `?subjectId=not-a-uuid`, '?from=yesterday', '?from=2026-13-01', '?to=2026-11-29T12:00:00', '?limit=0', '?after=abc']) {
      const answer = await get(`/disclosures${query}`);
      expect([query, answer.status, answer.contentType]).toEqual([query, 400, expect.stringContaining('application/problem+json')]);
    }
    const backwards = await get('/disclosures?from=2026-12-02&to=2026-12-01');
    expect(backwards.body.errors).toEqual([{ field: 'to', message: 'must not be before from' }]);
    expect((await get('/disclosures/breach-scope')).status).toBe(400);
    expect((await get('/disclosures/breach-scope?from=2026-12-01')).body.errors).toEqual([{ field: 'to', message: 'is required without listReference' }]);
    expect((await get('/disclosures/breach-scope?listReference=a&from=2026-12-01&to=2026-12-02')).status).toBe(400);
    expect((await get('/disclosures/verification?deep=1')).status).toBe(400);
  });

  it('scopes a breach by list reference: the one message, its recipient and whose data it held', async () => {
    const leaked = runs[1].dispatches.find((dispatch) => dispatch.kind === 'ContactListDispatched' && dispatch.recipientId === CARL);
    const answer = await get(`/disclosures/breach-scope?listReference=${encodeURIComponent(leaked?.listReference ?? '')}`);
    expect(answer.body).toEqual({
      messages: 1,
      recipients: [CARL],
      subjects: [
        { subjectId: ANNA, fields: ['address', 'phone', 'email'], recipients: [CARL] },
        { subjectId: BO, fields: ['email'], recipients: [CARL] },
      ].sort((a, b) => a.subjectId.localeCompare(b.subjectId)),
    });
  });

  it('scopes a breach by time: every message of the span that carried data, and who got whose', async () => {
    const all = await entries();
    const answer = await get(`/disclosures/breach-scope?from=${all[8].dispatchedAt}&to=${all[12].dispatchedAt}`);
    // Two deletion notices (no data), v3 to Bo and Carl, and the odd message to Carl.
    expect(answer.body).toEqual({
      messages: 3,
      recipients: [BO, CARL].sort(),
      subjects: [
        { subjectId: BO, fields: ['email'], recipients: [CARL] },
        { subjectId: CARL, fields: ['address', 'phone', 'email'], recipients: [BO] },
      ].sort((a, b) => a.subjectId.localeCompare(b.subjectId)),
    });
  });

  it('documents the routes in the OpenAPI document, with their query parameters and the CSV', async () => {
    const document = (await (await fetch(`${service.url}/api/openapi.json`)).json()) as {
      paths: Record<string, { get: { parameters: Array<{ name: string }>; responses: Record<string, { content?: Record<string, unknown> }> } }>;
    };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/disclosures', '/disclosures/verification', '/disclosures/breach-scope']));
    const list = document.paths['/disclosures'].get;
    expect(list.parameters.map((parameter) => parameter.name)).toEqual(expect.arrayContaining(['subjectId', 'recipientId', 'from', 'to', 'after', 'limit']));
    expect(Object.keys(list.responses['200'].content ?? {})).toEqual(['application/json', 'text/csv']);
    expect(document.paths['/disclosures/breach-scope'].get.parameters.map((parameter) => parameter.name)).toEqual(expect.arrayContaining(['listReference', 'from', 'to']));
  });

  it('verifies the honest log, catches a row changed by hand, and passes again once it is put back', async () => {
    const honest = await get('/disclosures/verification');
    expect(honest.body).toEqual({ ok: true, entries: 13, checkedUpToPosition: expect.any(String), logHeadPosition: expect.any(String), eventsReplayed: expect.any(Number) });

    const change = async (recipientId: string): Promise<void> => {
      const client = await service.database.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('ALTER TABLE disclosure_log DISABLE TRIGGER disclosure_log_no_change');
        await client.query('UPDATE disclosure_log SET recipient_id = $1 WHERE seq = 6', [recipientId]);
        await client.query('ALTER TABLE disclosure_log ENABLE TRIGGER disclosure_log_no_change');
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };
    const original = (await entries())[5].recipientId;
    await change(DORA);
    const tampered = await get('/disclosures/verification');
    expect(tampered.body.ok).toBe(false);
    expect(tampered.body.firstBrokenEntry).toEqual(expect.objectContaining({ seq: '6', check: 'chain', reason: 'hash-mismatch' }));
    await change(original);
    expect((await get('/disclosures/verification')).body.ok).toBe(true);
  });
});

/** A small RFC 4180 reader: records of fields, quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      index++;
    } else {
      field += char;
    }
  }
  return records;
}
