import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Pool } from 'pg';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED_PREFIX = 'v1.';
/** What a read model keeps in place of a sealed value once its subject is erased. */
export const ERASED = '';

/** The associated data under which the digest root is wrapped (master_key.digest_root). */
export const DIGEST_ROOT = 'sjn/digest-root';

/** This process's master key is not the one the data keys are wrapped with (a rotation it missed, or a wrong MASTER_KEY). */
export class MasterKeyMismatchError extends Error {
  override readonly name = 'MasterKeyMismatchError';
  constructor() {
    super('MASTER_KEY is not the master key the data keys are wrapped with (rotated since, or a wrong key)');
  }
}

/** Sealing data for a subject whose key was shredded: nothing may be written for them again. */
export class SubjectErasedError extends Error {
  override readonly name = 'SubjectErasedError';
  constructor(readonly subjectId: string) {
    super(`Subject ${subjectId} has been erased`);
  }
}

/**
 * Crypto-shredding. Each data subject has a random AES-256-GCM data key, stored wrapped by the
 * master key. Personal fields are sealed under the subject's key (with the subject id as
 * associated data, so a sealed value cannot be moved to another subject); shredding the key
 * makes every copy of them unreadable, wherever it is stored.
 *
 * Unwrapped keys are cached for a short time; shred() evicts locally, and other instances stop
 * using a shredded key within CACHE_TTL_MS.
 *
 * Keyed digests are derived from the digest root: the master key until its first rotation, then
 * that first key, kept wrapped in master_key.digest_root (see master-key-rotation.ts), so digests
 * recorded before a rotation still match.
 */
export class KeyVault {
  static readonly CACHE_TTL_MS = 60_000;
  private readonly cache = new LRUCache<string, Buffer>({ max: 50_000, ttl: KeyVault.CACHE_TTL_MS });
  private readonly fingerprint: string;

  constructor(
    private readonly pool: Pool,
    private readonly masterKey: Buffer,
    private readonly digestRoot: Buffer = masterKey,
  ) {
    if (masterKey.length !== 32) throw new Error('The master key must be 32 bytes');
    this.fingerprint = fingerprintOf(masterKey);
  }

  /**
   * The vault of a running service: checks that `masterKey` is the one the data keys are wrapped
   * with (registering it on first use, after trying it on a stored key) and loads the digest root.
   */
  static async open(pool: Pool, masterKey: Buffer): Promise<KeyVault> {
    const fingerprint = fingerprintOf(masterKey);
    let [row] = (await pool.query<{ fingerprint: string; digest_root: Buffer | null }>('SELECT fingerprint, digest_root FROM master_key')).rows;
    if (!row) {
      const { rows: sample } = await pool.query<{ subject_id: string; wrapped_key: Buffer }>('SELECT subject_id::text, wrapped_key FROM data_keys WHERE wrapped_key IS NOT NULL LIMIT 1');
      if (sample.length > 0 && !unwraps(masterKey, sample[0].wrapped_key, sample[0].subject_id)) throw new MasterKeyMismatchError();
      await pool.query('INSERT INTO master_key (fingerprint) VALUES ($1) ON CONFLICT (id) DO NOTHING', [fingerprint]);
      [row] = (await pool.query<{ fingerprint: string; digest_root: Buffer | null }>('SELECT fingerprint, digest_root FROM master_key')).rows;
    }
    if (row.fingerprint !== fingerprint) throw new MasterKeyMismatchError();
    return new KeyVault(pool, masterKey, row.digest_root ? decrypt(masterKey, row.digest_root, DIGEST_ROOT) : masterKey);
  }

  /** Encrypts a value (anything JSON can hold) under the subject's key, creating the key if needed. */
  async seal(subjectId: string, value: unknown): Promise<string> {
    const key = await this.dataKey(subjectId, { create: true });
    if (!key) throw new SubjectErasedError(subjectId);
    return SEALED_PREFIX + encrypt(key, Buffer.from(JSON.stringify(value), 'utf8'), subjectId).toString('base64');
  }

  /**
   * Decrypts a sealed value; after the subject's erasure it returns `replacement` instead, as it
   * does for an emptied value ('': a read model's copy blanked at the erasure, maybe before the
   * key is shredded).
   */
  async open<T>(subjectId: string, sealed: string, replacement: T): Promise<T> {
    if (sealed === ERASED) return replacement;
    const key = await this.dataKey(subjectId, { create: false });
    if (!key) return replacement;
    if (!sealed.startsWith(SEALED_PREFIX)) throw new Error('Not a sealed value');
    const plain = decrypt(key, Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64'), subjectId);
    return JSON.parse(plain.toString('utf8')) as T;
  }

  /**
   * open() for many values at once (a roster): the keys not in the cache are looked up in one
   * query. A value whose subject was erased (or never had a key), or an emptied one, opens to `replacement`.
   */
  async openMany<T>(items: ReadonlyArray<{ subjectId: string; sealed: string }>, replacement: T): Promise<T[]> {
    const keys = new Map<string, Buffer | undefined>();
    const missing: string[] = [];
    for (const subjectId of new Set(items.map((item) => item.subjectId))) {
      const cached = this.cache.get(subjectId);
      if (cached) keys.set(subjectId, cached);
      else missing.push(subjectId);
    }
    if (missing.length > 0) {
      const result = await this.pool.query<{ subject_id: string; wrapped_key: Buffer | null }>(
        'SELECT subject_id::text, wrapped_key FROM data_keys WHERE subject_id = ANY($1::uuid[])',
        [missing],
      );
      const wrappedKeys = new Map(result.rows.map((row) => [row.subject_id, row.wrapped_key]));
      for (const subjectId of missing) {
        const wrapped = wrappedKeys.get(subjectId.toLowerCase());
        const key = wrapped ? decrypt(this.masterKey, wrapped, subjectId) : undefined;
        if (key) this.cache.set(subjectId, key);
        keys.set(subjectId, key);
      }
    }
    return items.map(({ subjectId, sealed }) => {
      const key = keys.get(subjectId);
      if (!key || sealed === ERASED) return replacement;
      if (!sealed.startsWith(SEALED_PREFIX)) throw new Error('Not a sealed value');
      return JSON.parse(decrypt(key, Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64'), subjectId).toString('utf8')) as T;
    });
  }

  /**
   * A keyed digest (HMAC-SHA256 under a key derived from the master key for `purpose`) of a
   * value, for looking personal data up without storing it, e.g. an email address.
   */
  keyedDigest(purpose: string, value: string): string {
    const key = Buffer.from(hkdfSync('sha256', this.digestRoot, Buffer.alloc(0), `sjn/${purpose}`, 32));
    return createHmac('sha256', key).update(value, 'utf8').digest('base64url');
  }

  /** Destroys the subject's key for good. Idempotent; also blocks any later seal() for them. */
  async shred(subjectId: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO data_keys (subject_id, wrapped_key, shredded_at) VALUES ($1, NULL, now())
       ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, shredded_at = coalesce(data_keys.shredded_at, now())`,
      [subjectId],
    );
    this.cache.delete(subjectId);
  }

  async isShredded(subjectId: string): Promise<boolean> {
    const result = await this.pool.query<{ shredded: boolean }>('SELECT shredded_at IS NOT NULL AS shredded FROM data_keys WHERE subject_id = $1', [subjectId]);
    return result.rows[0]?.shredded ?? false;
  }

  /** Which of these subjects were erased (their keys shredded), in one query. */
  async shreddedAmong(subjectIds: readonly string[]): Promise<Set<string>> {
    if (subjectIds.length === 0) return new Set();
    const result = await this.pool.query<{ subject_id: string }>(
      'SELECT subject_id::text FROM data_keys WHERE subject_id = ANY($1::uuid[]) AND shredded_at IS NOT NULL',
      [[...subjectIds]],
    );
    const shredded = new Set(result.rows.map((row) => row.subject_id));
    return new Set(subjectIds.filter((subjectId) => shredded.has(subjectId.toLowerCase())));
  }

  private async dataKey(subjectId: string, { create }: { create: boolean }): Promise<Buffer | undefined> {
    const cached = this.cache.get(subjectId);
    if (cached) return cached;
    let result = await this.pool.query<{ wrapped_key: Buffer | null }>('SELECT wrapped_key FROM data_keys WHERE subject_id = $1', [subjectId]);
    if (result.rows.length === 0 && create) {
      const wrapped = encrypt(this.masterKey, randomBytes(32), subjectId);
      // A concurrent creator may win; then both use the winner's key. No key is made under a
      // master key that a rotation has retired.
      result = await this.pool.query<{ wrapped_key: Buffer | null }>(
        `INSERT INTO data_keys (subject_id, wrapped_key)
         SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM master_key WHERE fingerprint <> $3)
         ON CONFLICT (subject_id) DO UPDATE SET subject_id = EXCLUDED.subject_id
         RETURNING wrapped_key`,
        [subjectId, wrapped, this.fingerprint],
      );
      if (result.rows.length === 0) throw new MasterKeyMismatchError();
    }
    const wrapped = result.rows[0]?.wrapped_key;
    if (!wrapped) return undefined;
    const key = decrypt(this.masterKey, wrapped, subjectId);
    this.cache.set(subjectId, key);
    return key;
  }
}

/** AES-256-GCM: the IV, the tag and the ciphertext, in one buffer. Also how data keys are wrapped. */
export function encrypt(key: Buffer, plain: Buffer, associatedData: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function decrypt(key: Buffer, sealed: Buffer, associatedData: string): Buffer {
  const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** Names a master key without revealing it: a key derived from it for no other use. */
export function fingerprintOf(masterKey: Buffer): string {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'sjn/master-key-fingerprint', 32)).toString('base64url');
}

function unwraps(masterKey: Buffer, wrapped: Buffer, subjectId: string): boolean {
  try {
    decrypt(masterKey, wrapped, subjectId);
    return true;
  } catch {
    return false;
  }
}
