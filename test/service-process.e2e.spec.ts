import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store';
import { testEvent } from './support/events';
import { runCli, spawnService, waitForHealthy } from './support/service-process';
import { DPO_KEY } from './support/test-app';

/** The service as `npm start` runs it: its own embedded PostgreSQL under DATA_DIR. */
describe('the service process on embedded defaults', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sjn-service-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('starts, stops cleanly on SIGTERM with its PostgreSQL, and keeps its data across a restart', async () => {
    const first = await spawnService({ DATA_DIR: dataDir });
    const health = await waitForHealthy(first);
    expect(health).toEqual(expect.objectContaining({ status: 'ok' }));
    const masterKey = await readFile(join(dataDir, 'master.key'), 'utf8');

    // The built service documents request bodies from the DTOs (the Swagger compiler plugin).
    const openapi = (await (await fetch(`${first.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref: string } }> } }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    };
    const joinBody = openapi.paths['/commands/join-network'].post.requestBody?.content['application/json'].schema.$ref ?? '';
    const joinSchema = openapi.components.schemas[joinBody.split('/').pop() ?? ''];
    expect(Object.keys(joinSchema.properties ?? {})).toEqual(expect.arrayContaining(['role', 'name', 'email', 'phone', 'address', 'diagnosis', 'consent']));
    expect(joinSchema.required).toEqual(expect.arrayContaining(['role', 'name', 'phone', 'address', 'language', 'diagnosis', 'consent']));

    // The projections CLI works beside the running service, on its embedded server.
    const cli = (...args: string[]) => runCli(args, { DATA_DIR: dataDir });
    expect(await cli('list')).toEqual(expect.objectContaining({ code: 0, stdout: expect.stringContaining('diagnosis-catalogue') }));
    expect(await cli('rebuild', 'diagnosis-catalogue')).toEqual(expect.objectContaining({ code: 0, stderr: expect.stringContaining('rebuilt diagnosis-catalogue') }));
    expect(await cli('rebuild', 'no-such-projection')).toEqual(expect.objectContaining({ code: 1, stderr: expect.stringContaining('no projection named') }));
    expect(await cli('frobnicate')).toEqual(expect.objectContaining({ code: 64 }));
    const diagnoses = (await (await fetch(`${first.url}/diagnoses`)).json()) as Array<{ name: string }>;
    expect(diagnoses.map((d) => d.name)).toEqual([expect.stringMatching(/^Udiagnosticeret/)]);

    // Write an event straight into the embedded server, as a command would.
    const [pid, , , port] = (await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n');
    const password = await readFile(join(dataDir, 'postgres.password'), 'utf8');
    const pool = new Pool({ connectionString: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres` });
    const written = await new PostgresEventStore(pool).append('member-test', [testEvent()], 'no_stream');
    await pool.end();

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(() => process.kill(Number(pid), 0)).toThrow();

    const second = await spawnService({ DATA_DIR: dataDir, API_KEYS: `dpo:${DPO_KEY}` });
    await waitForHealthy(second);
    // The log's head (shown to staff) is the event written above (positions need not be dense: each
    // start and each CLI run tries to register the undiagnosed group again, and a refused append leaves a hole).
    const after: unknown = await (await fetch(`${second.url}/health`, { headers: { authorization: `Bearer ${DPO_KEY}` } })).json();
    expect(after).toEqual(expect.objectContaining({ info: expect.objectContaining({ projections: expect.objectContaining({ head: written.position.toString() }) }) }));
    expect(await readFile(join(dataDir, 'master.key'), 'utf8')).toBe(masterKey);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 180_000); // two starts of the embedded PostgreSQL, the first with initdb, on a loaded machine

  it('takes over the data of a killed instance whose PostgreSQL is still running', async () => {
    const killed = await spawnService({ DATA_DIR: dataDir });
    await waitForHealthy(killed);
    killed.child.kill('SIGKILL');
    await killed.exited;
    const next = await spawnService({ DATA_DIR: dataDir });
    expect(await waitForHealthy(next)).toEqual(expect.objectContaining({ status: 'ok' }));
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  }, 120_000);

  it('applies the two heaviest read models in worker threads with PROJECTION_THREADS=2, and stops them with the service', async () => {
    const service = await spawnService({ DATA_DIR: dataDir, PROJECTION_THREADS: '2', API_KEYS: `dpo:${DPO_KEY}` });
    await waitForHealthy(service);
    type Health = { info: { projections: { head: string; projections: Array<{ name: string; state: string; position: string }> } } };
    const threaded = async () => {
      // Positions are shown to staff only.
      const health = await fetch(`${service.url}/health`, { headers: { authorization: `Bearer ${DPO_KEY}` } });
      const { head, projections } = ((await health.json()) as Health).info.projections;
      return projections.filter((projection) => ['disclosure-log', 'contact-list-planner'].includes(projection.name) && projection.state === 'active' && projection.position === head);
    };
    for (const deadline = Date.now() + 30_000; (await threaded()).length < 2 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await threaded()).map((projection) => projection.name).sort()).toEqual(['contact-list-planner', 'disclosure-log']);
    expect(service.output()).toMatch(/disclosure-log[^\n]*applied in a worker thread/);
    expect(service.output()).toMatch(/contact-list-planner[^\n]*applied in a worker thread/);
    expect(service.output()).not.toMatch(/member-directory[^\n]*applied in a worker thread/);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(service.output()).not.toMatch(/thread (failed|ended)/);
  }, 120_000);

  it('refuses bad configuration at once, naming the variable and not its value', async () => {
    const service = await spawnService({ DATA_DIR: dataDir, PORT: 'not-a-port', API_KEYS: 'admin:leaked-secret-value' });
    expect(await service.exited).toBe(78);
    expect(service.output()).toMatch(/PORT: must be a whole number from 0 to 65535\n/);
    expect(service.output()).toMatch(/API_KEYS: /);
    expect(service.output()).not.toContain('leaked-secret-value');
  });
});
