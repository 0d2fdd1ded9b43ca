import { text } from 'node:stream/consumers';
import { Pool } from 'pg';
import { configFromEnvironmentOrExit, prepareInfrastructure } from '../startup';
import { rotateMasterKey } from './master-key-rotation';

const USAGE = 'usage: npm run master-key -- rotate < new-master-key   (the new key: base64 of 32 random bytes, on standard input)';

/**
 * Rotates MASTER_KEY (see docs/OPERATIONS.md): re-wraps every data key under the new key read
 * from standard input, so the key appears in no command line, environment or log. Stop every
 * instance first; start them again with the new MASTER_KEY.
 */
async function main(): Promise<void> {
  if (process.argv.slice(2).join(' ') !== 'rotate') {
    process.stderr.write(`${USAGE}\n`);
    process.exit(64);
  }
  const config = configFromEnvironmentOrExit();
  if (!config.MASTER_KEY) {
    process.stderr.write('MASTER_KEY must be set to the current master key: the generated development key in DATA_DIR is not rotated\n');
    process.exit(64);
  }
  const newKey = (await text(process.stdin)).trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(newKey)) {
    process.stderr.write(`the new master key must be base64 of 32 bytes, e.g. from: openssl rand -base64 32\n${USAGE}\n`);
    process.exit(64);
  }
  const { database, infrastructure } = await prepareInfrastructure(config, { attach: true });
  const pool = new Pool({ connectionString: infrastructure.connectionString });
  try {
    const { rewrapped } = await rotateMasterKey(pool, infrastructure.masterKey, Buffer.from(newKey, 'base64'));
    process.stderr.write(`re-wrapped ${rewrapped} data keys under the new master key; start every instance with it as MASTER_KEY\n`);
  } finally {
    await pool.end();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
