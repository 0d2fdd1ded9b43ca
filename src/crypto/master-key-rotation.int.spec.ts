import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { KeyVault, MasterKeyMismatchError } from './key-vault';
import { rotateMasterKey } from './master-key-rotation';

describe('rotating the master key', () => {
  let database: TestDatabase;
  const personal = { name: 'Åse Ødegaard', email: 'aase@example.org' };

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.drop());

  const wrappedKeys = async (): Promise<Map<string, string | null>> => {
    const { rows } = await database.pool.query<{ subject_id: string; wrapped_key: Buffer | null }>('SELECT subject_id::text, wrapped_key FROM data_keys');
    return new Map(rows.map((row) => [row.subject_id, row.wrapped_key?.toString('hex') ?? null]));
  };

  it('re-wraps every data key under the new key in one go: data opens, digests match, erased subjects stay erased', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = await KeyVault.open(database.pool, oldKey);
    const subjects = Array.from({ length: 1203 }, () => randomUUID()); // more than one batch
    const sealed = await Promise.all(subjects.map((subject) => before.seal(subject, personal)));
    const erased = subjects[7];
    await before.shred(erased);
    const digest = before.keyedDigest('email-index', personal.email);
    const wrappedBefore = await wrappedKeys();

    expect(await rotateMasterKey(database.pool, oldKey, newKey)).toEqual({ rewrapped: 1202 });

    const after = await KeyVault.open(database.pool, newKey);
    expect(await after.openMany(subjects.map((subject, index) => ({ subjectId: subject, sealed: sealed[index] })), 'erased')).toEqual(
      subjects.map((subject) => (subject === erased ? 'erased' : personal)),
    );
    expect(after.keyedDigest('email-index', personal.email)).toBe(digest);
    const wrappedAfter = await wrappedKeys();
    expect(wrappedAfter.get(erased)).toBeNull();
    expect(subjects.filter((subject) => subject !== erased && wrappedAfter.get(subject) === wrappedBefore.get(subject))).toEqual([]);
  });

  it('keeps the digests of the first key through a second rotation', async () => {
    const [first, second, third] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const digest = (await KeyVault.open(database.pool, first)).keyedDigest('email-index', personal.email);
    await rotateMasterKey(database.pool, first, second);
    await rotateMasterKey(database.pool, second, third);
    expect((await KeyVault.open(database.pool, third)).keyedDigest('email-index', personal.email)).toBe(digest);
  });

  it('leaves an instance that still holds the old key unable to start or to make data keys', async () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const straggler = await KeyVault.open(database.pool, oldKey);
    await straggler.seal(randomUUID(), personal);
    await rotateMasterKey(database.pool, oldKey, newKey);

    await expect(KeyVault.open(database.pool, oldKey)).rejects.toBeInstanceOf(MasterKeyMismatchError);
    await expect(straggler.seal(randomUUID(), personal)).rejects.toBeInstanceOf(MasterKeyMismatchError);
  });

  it('changes nothing when the key given as current is not the current one', async () => {
    const [oldKey, wrongKey, newKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    await (await KeyVault.open(database.pool, oldKey)).seal(randomUUID(), personal);
    const before = await wrappedKeys();

    await expect(rotateMasterKey(database.pool, wrongKey, newKey)).rejects.toBeInstanceOf(MasterKeyMismatchError);

    expect(await wrappedKeys()).toEqual(before);
    await expect(KeyVault.open(database.pool, oldKey)).resolves.toBeInstanceOf(KeyVault);
  });

  it('refuses to register a wrong master key for data keys made before the check existed', async () => {
    const oldKey = randomBytes(32);
    await new KeyVault(database.pool, oldKey).seal(randomUUID(), personal);
    await expect(KeyVault.open(database.pool, randomBytes(32))).rejects.toBeInstanceOf(MasterKeyMismatchError);
    await expect(KeyVault.open(database.pool, oldKey)).resolves.toBeInstanceOf(KeyVault);
  });
});
