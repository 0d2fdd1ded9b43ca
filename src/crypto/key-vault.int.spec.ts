import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { ERASED, KeyVault, SubjectErasedError } from './key-vault';

describe('the key vault', () => {
  let database: TestDatabase;
  let vault: KeyVault;
  const masterKey = randomBytes(32);
  const personal = { name: 'Åse Ødegaard', phone: '+45 20 12 34 56', street: 'Æblevej 3' };

  beforeAll(async () => {
    database = await createTestDatabase();
    vault = new KeyVault(database.pool, masterKey);
  });
  afterAll(() => database.drop());

  it('seals and opens a subject’s personal data; the sealed text shows none of it', async () => {
    const subject = randomUUID();
    const sealed = await vault.seal(subject, personal);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(sealed.slice(3), 'base64').toString('latin1')).not.toMatch(/Ødegaard|Æblevej|20 12/);
    expect(await vault.open(subject, sealed, null)).toEqual(personal);
  });

  it('uses a different key per subject, bound to the subject', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const sealed = await vault.seal(alice, personal);
    await vault.seal(bob, personal);
    await expect(vault.open(bob, sealed, null)).rejects.toThrow();
    const keys = await database.pool.query('SELECT wrapped_key FROM data_keys WHERE subject_id = ANY($1)', [[alice, bob]]);
    expect(new Set(keys.rows.map((row) => (row.wrapped_key as Buffer).toString('hex'))).size).toBe(2);
  });

  it('stores keys only wrapped: another master key cannot open them', async () => {
    const subject = randomUUID();
    const sealed = await vault.seal(subject, personal);
    const other = new KeyVault(database.pool, randomBytes(32));
    await expect(other.open(subject, sealed, null)).rejects.toThrow();
  });

  it('after shred() opens to the replacement value, for every instance, and refuses new data', async () => {
    const subject = randomUUID();
    const sealed = await vault.seal(subject, personal);
    const otherInstance = new KeyVault(database.pool, masterKey);
    await vault.shred(subject);
    expect(await vault.open(subject, sealed, '[erased]')).toBe('[erased]');
    expect(await otherInstance.open(subject, sealed, '[erased]')).toBe('[erased]');
    await expect(vault.seal(subject, personal)).rejects.toThrow(SubjectErasedError);
    expect(await vault.isShredded(subject)).toBe(true);
    const row = await database.pool.query('SELECT wrapped_key FROM data_keys WHERE subject_id = $1', [subject]);
    expect(row.rows).toEqual([{ wrapped_key: null }]);
  });

  it('shredding a subject that never had a key still blocks one from being made', async () => {
    const subject = randomUUID();
    await vault.shred(subject);
    await vault.shred(subject);
    await expect(vault.seal(subject, personal)).rejects.toThrow(SubjectErasedError);
  });

  it('opens many values at once, from a cold cache, with the replacement for an erased subject', async () => {
    const [alice, bob, erased] = [randomUUID(), randomUUID(), randomUUID()];
    const items = [
      { subjectId: alice, sealed: await vault.seal(alice, { n: 1 }) },
      { subjectId: bob, sealed: await vault.seal(bob, { n: 2 }) },
      { subjectId: erased, sealed: await vault.seal(erased, { n: 3 }) },
      { subjectId: alice, sealed: await vault.seal(alice, { n: 4 }) },
    ];
    await vault.shred(erased);
    const cold = new KeyVault(database.pool, masterKey);
    expect(await cold.openMany(items, null)).toEqual([{ n: 1 }, { n: 2 }, null, { n: 4 }]);
    expect(await cold.openMany(items, null)).toEqual([{ n: 1 }, { n: 2 }, null, { n: 4 }]);
    expect(await cold.openMany([], null)).toEqual([]);
  });

  it('opens a copy a read model emptied at the erasure to the replacement, even before the key is shredded', async () => {
    const subject = randomUUID();
    await vault.seal(subject, personal);
    expect(await vault.open(subject, ERASED, null)).toBeNull();
    expect(await vault.openMany([{ subjectId: subject, sealed: ERASED }], null)).toEqual([null]);
  });

  it('tells which of many subjects were erased, in one query', async () => {
    const [kept, erased, unknown] = [randomUUID(), randomUUID(), randomUUID()];
    await vault.seal(kept, personal);
    await vault.seal(erased, personal);
    await vault.shred(erased);
    expect(await vault.shreddedAmong([kept, erased, unknown])).toEqual(new Set([erased]));
    expect(await vault.shreddedAmong([])).toEqual(new Set());
  });

  it('concurrent first seals of one subject agree on one key', async () => {
    const subject = randomUUID();
    const vaults = [0, 1, 2, 3].map(() => new KeyVault(database.pool, masterKey));
    const sealed = await Promise.all(vaults.map((v, i) => v.seal(subject, { i })));
    const fresh = new KeyVault(database.pool, masterKey);
    expect(await Promise.all(sealed.map((s) => fresh.open(subject, s, null)))).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }]);
  });
});
