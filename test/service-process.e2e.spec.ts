import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store';
import { testEvent } from './support/events';
import { spawnService, waitForHealthy } from './support/service-process';

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

    // Write an event straight into the embedded server, as a command would.
    const [pid, , , port] = (await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n');
    const password = await readFile(join(dataDir, 'postgres.password'), 'utf8');
    const pool = new Pool({ connectionString: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres` });
    await new PostgresEventStore(pool).append('member-test', [testEvent()], 'no_stream');
    await pool.end();

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(() => process.kill(Number(pid), 0)).toThrow();

    const second = await spawnService({ DATA_DIR: dataDir });
    const after = await waitForHealthy(second);
    // Two events: the undiagnosed group's registration (once, at the first start) and the one written above.
    expect(after).toEqual(expect.objectContaining({ info: expect.objectContaining({ projections: expect.objectContaining({ head: '2' }) }) }));
    expect(await readFile(join(dataDir, 'master.key'), 'utf8')).toBe(masterKey);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('takes over the data of a killed instance whose PostgreSQL is still running', async () => {
    const killed = await spawnService({ DATA_DIR: dataDir });
    await waitForHealthy(killed);
    killed.child.kill('SIGKILL');
    await killed.exited;
    const next = await spawnService({ DATA_DIR: dataDir });
    expect(await waitForHealthy(next)).toEqual(expect.objectContaining({ status: 'ok' }));
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  });

  it('refuses bad configuration at once, naming the variable and not its value', async () => {
    const service = await spawnService({ DATA_DIR: dataDir, PORT: 'not-a-port', API_KEYS: 'admin:leaked-secret-value' });
    expect(await service.exited).toBe(78);
    expect(service.output()).toMatch(/PORT: must be a whole number from 0 to 65535\n/);
    expect(service.output()).toMatch(/API_KEYS: /);
    expect(service.output()).not.toContain('leaked-secret-value');
  });
});
