import { chmod, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { type RunningPostgres, startEmbeddedPostgres } from './embedded-postgres';

/** The address the server sees the connection come from: null over a Unix socket. */
async function serverAddress(connectionString: string): Promise<string | null> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<{ address: string | null }>('SELECT inet_server_addr()::text AS address')).rows[0].address;
  } finally {
    await client.end();
  }
}

describe('the embedded PostgreSQL', () => {
  let directory: string;
  let server: RunningPostgres | undefined;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'sjn-embedded-'));
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await rm(directory, { recursive: true, force: true });
  });

  it('is reached over a Unix socket in its data directory that only its owner may open', async () => {
    server = await startEmbeddedPostgres(directory);
    expect(await serverAddress(server.connectionString)).toBeNull();
    const databaseDir = join(directory, 'postgres');
    const sockets = (await readdir(databaseDir)).filter((name) => /^\.s\.PGSQL\.\d+$/.test(name));
    expect(sockets).toHaveLength(1);
    const socket = await stat(join(databaseDir, sockets[0]));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o700);
  }, 60_000);

  it('is reached over TCP on the loopback when the socket path would be too long for one', async () => {
    const deep = join(directory, 'a-data-directory-whose-path-is-longer-than-a-unix-socket-address-can-hold', 'x'.repeat(40));
    // Run as root, the server runs as the `postgres` user, which must be able to pass through.
    await chmod(directory, 0o711);
    await mkdir(deep, { recursive: true, mode: 0o711 });
    server = await startEmbeddedPostgres(deep);
    expect(await serverAddress(server.connectionString)).toBe('127.0.0.1/32');
    expect((await readdir(join(deep, 'postgres'))).filter((name) => name.startsWith('.s.PGSQL'))).toEqual([]);
  }, 60_000);
});
