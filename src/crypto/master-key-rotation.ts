import type { Pool } from 'pg';
import { DIGEST_ROOT, MasterKeyMismatchError, decrypt, encrypt, fingerprintOf } from './key-vault';

const BATCH = 1000;

/**
 * Rotates the master key: every data key is unwrapped with `currentKey` and wrapped again under
 * `newKey`, and master_key records the new key's fingerprint, all in ONE transaction, so the
 * rotation happens entirely or not at all (a key that does not open aborts it). The tables are
 * locked against writes meanwhile: no key is made or shredded under the old key during it.
 * Shredded keys stay NULL. The digest root (what keyed digests derive from) is carried over,
 * wrapped under the new key, so email look-ups and recorded digests still match.
 *
 * Afterwards every instance must run with the new key; one still holding the old key refuses
 * to start and to make data keys (KeyVault.open and the fingerprint check on key creation).
 */
export async function rotateMasterKey(pool: Pool, currentKey: Buffer, newKey: Buffer): Promise<{ rewrapped: number }> {
  if (newKey.length !== 32) throw new Error('The new master key must be 32 bytes');
  if (newKey.equals(currentKey)) throw new Error('The new master key is the current one');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE data_keys, master_key IN EXCLUSIVE MODE');
    await client.query('INSERT INTO master_key (fingerprint) VALUES ($1) ON CONFLICT (id) DO NOTHING', [fingerprintOf(currentKey)]);
    const [registered] = (await client.query<{ fingerprint: string; digest_root: Buffer | null }>('SELECT fingerprint, digest_root FROM master_key')).rows;
    if (registered.fingerprint !== fingerprintOf(currentKey)) throw new MasterKeyMismatchError();
    const digestRoot = registered.digest_root ? decrypt(currentKey, registered.digest_root, DIGEST_ROOT) : currentKey;

    let rewrapped = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const { rows } = await client.query<{ subject_id: string; wrapped_key: Buffer }>(
        'SELECT subject_id::text, wrapped_key FROM data_keys WHERE wrapped_key IS NOT NULL AND subject_id > $1 ORDER BY subject_id LIMIT $2',
        [after, BATCH],
      );
      if (rows.length === 0) break;
      await client.query(
        `UPDATE data_keys d SET wrapped_key = r.wrapped_key
         FROM unnest($1::uuid[], $2::bytea[]) AS r(subject_id, wrapped_key) WHERE d.subject_id = r.subject_id`,
        [rows.map((row) => row.subject_id), rows.map((row) => encrypt(newKey, decrypt(currentKey, row.wrapped_key, row.subject_id), row.subject_id))],
      );
      rewrapped += rows.length;
      after = rows[rows.length - 1].subject_id;
    }
    await client.query('UPDATE master_key SET fingerprint = $1, digest_root = $2, rotated_at = now()', [fingerprintOf(newKey), encrypt(newKey, digestRoot, DIGEST_ROOT)]);
    await client.query('COMMIT');
    return { rewrapped };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
