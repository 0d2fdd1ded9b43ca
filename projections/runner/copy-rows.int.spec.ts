import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { type CopyValue, copyRows } from './copy-rows';

// PostgreSQL's text cannot hold NUL; every other character must come back as it went in.
const text = fc.string({ unit: 'binary', maxLength: 40 }).map((value) => value.replace(/\0/g, ''));
// Characters COPY or an array literal treat specially, often.
const tricky = fc.constantFrom('\\', '\t', '\n', '\r', '"', ',', '{', '}', ' ', '\\N', 'NULL', '');
const value = fc.oneof(text, fc.array(tricky, { maxLength: 6 }).map((parts) => parts.join('')));
const row = fc.record({
  text: fc.option(value, { nil: null }),
  list: fc.option(fc.array(value, { maxLength: 5 }), { nil: null }),
  flag: fc.option(fc.boolean(), { nil: null }),
  big: fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { nil: null }),
  small: fc.option(fc.integer(), { nil: null }),
  at: fc.option(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }), { nil: null }),
});
type Row = typeof row extends fc.Arbitrary<infer T> ? T : never;

describe('copyRows', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.connectionString }).initialize();
    await dataSource.query(
      'CREATE TABLE copied (n integer PRIMARY KEY, text text, list text[], flag boolean, big bigint, small integer, at timestamptz)',
    );
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const copy = (rows: readonly Row[]) =>
    dataSource.transaction((tx) =>
      copyRows(
        tx,
        'copied',
        ['n', 'text', 'list', 'flag', 'big', 'small', 'at'],
        rows.map((r, n): CopyValue[] => [n, r.text, r.list, r.flag, r.big, r.small, r.at?.toISOString() ?? null]),
      ),
    );

  it('writes every value back as it was, whatever characters it holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 20 }), async (rows) => {
        await dataSource.query('TRUNCATE copied');
        await copy(rows);
        const stored: Array<Record<string, unknown>> = await dataSource.query('SELECT text, list, flag, big::text, small, at FROM copied ORDER BY n');
        expect(stored).toEqual(rows.map((r) => ({ ...r, big: r.big?.toString() ?? null })));
      }),
      { numRuns: 150 },
    );
  });

  it('fails the transaction on a duplicate key, writing none of the rows', async () => {
    await dataSource.query('TRUNCATE copied');
    const one: Row = { text: 'a', list: [], flag: true, big: 1n, small: 1, at: null };
    await copy([one]);
    await expect(
      dataSource.transaction(async (tx) => {
        await copyRows(tx, 'copied', ['n', 'text'], [[1, 'new'], [0, 'duplicate']]);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await dataSource.query('SELECT n, text FROM copied')).toEqual([{ n: 0, text: 'a' }]);
  });
});
