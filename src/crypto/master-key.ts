import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * MASTER_KEY when configured (required with an external database, validated by the config);
 * in the embedded default, a key generated once and kept beside the data under DATA_DIR.
 */
export async function loadMasterKey(config: { MASTER_KEY?: string; DATA_DIR: string }): Promise<Buffer> {
  if (config.MASTER_KEY) return Buffer.from(config.MASTER_KEY, 'base64');
  const path = join(config.DATA_DIR, 'master.key');
  if (existsSync(path)) return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  await mkdir(config.DATA_DIR, { recursive: true });
  const key = randomBytes(32);
  await writeFile(path, key.toString('base64'), { mode: 0o600 });
  return key;
}
