import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { copyRow } from './index.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test.drop());

describe('bulk COPY of rows in text format', () => {
  it('stores every value as given, NULLs and escaped characters included, across many chunks', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) =>
      copyRow([i, i % 7 === 0 ? null : `tab\there\\ line\nbreak ${i}`, i % 2 === 0]),
    );
    await test.database.bulk(async (session) => {
      await session.query('CREATE TEMP TABLE copied (n integer, label text, even boolean) ON COMMIT DROP');
      await session.copyRows('copied', ['n', 'label', 'even'], rows);
      const { rows: counts } = await session.query<{ total: number; nulls: number; evens: number }>(
        'SELECT count(*)::int AS total, count(*) FILTER (WHERE label IS NULL)::int AS nulls, count(*) FILTER (WHERE even)::int AS evens FROM copied',
      );
      expect(counts[0]).toEqual({ total: 30_000, nulls: Math.ceil(30_000 / 7), evens: 15_000 });
      const { rows: sample } = await session.query<{ label: string }>('SELECT label FROM copied WHERE n = 1');
      expect(sample[0]?.label).toBe('tab\there\\ line\nbreak 1');
    });
  });

  it('round-trips any text through COPY unchanged', async () => {
    const texts = fc
      .sample(fc.string({ unit: 'binary', maxLength: 40 }), 300)
      .map((t) => t.replace(/\0/g, ''));
    await test.database.bulk(async (session) => {
      await session.query('CREATE TEMP TABLE texts (i integer, t text) ON COMMIT DROP');
      await session.copyRows(
        'texts',
        ['i', 't'],
        texts.map((t, i) => copyRow([i, t])),
      );
      const { rows } = await session.query<{ i: number; t: string }>('SELECT i, t FROM texts ORDER BY i');
      expect(rows.map((row) => row.t)).toEqual(texts);
    });
  });

  it('rolls the rows back with the transaction and refuses names that are not plain SQL names', async () => {
    await test.database
      .bulk(async (session) => {
        await session.query('CREATE TABLE copy_rollback (n integer)');
        await session.copyRows('copy_rollback', ['n'], ['1', '2']);
        throw new Error('stop');
      })
      .catch(() => {});
    const exists = await test.database.bulk((session) =>
      session.query<{ found: string | null }>(`SELECT to_regclass('copy_rollback')::text AS found`),
    );
    expect(exists.rows[0]?.found).toBeNull();
    await expect(
      test.database.bulk((session) => session.copyRows('t; DROP TABLE accounts', ['n'], ['1'])),
    ).rejects.toThrow(/plain SQL name/);
  });

  it('checks foreign keys unless the caller vouches for its rows and the role may turn the checks off', async () => {
    await test.database.bulk(async (session) => {
      await session.query('CREATE TABLE fk_parent (id integer PRIMARY KEY)');
      await session.query('CREATE TABLE fk_child (parent integer REFERENCES fk_parent (id))');
    });
    await expect(
      test.database.bulk((session) => session.copyRows('fk_child', ['parent'], ['42'])),
    ).rejects.toThrow(/foreign key/);
    // The suites connect as a superuser (the PostgreSQL server's postgres, PGlite's own), so here it is off.
    await test.database.bulk((session) => session.copyRows('fk_child', ['parent'], ['42']), {
      skipForeignKeyChecks: true,
    });
    const { rows } = await test.database.bulk((session) =>
      session.query<{ n: number; role: string }>(
        `SELECT count(*)::int AS n, current_setting('session_replication_role') AS role FROM fk_child`,
      ),
    );
    // The setting lasted only for that transaction.
    expect(rows[0]).toEqual({ n: 1, role: 'origin' });
  });
});

describe('COPY of a query out as CSV', () => {
  it('writes the rows with a header, quoting what CSV must quote, and refuses a query with parameters', async () => {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    await test.database.bulk(async (session) => {
      await session.query('CREATE TEMP TABLE labels (n integer, label text) ON COMMIT DROP');
      await session.query(
        `INSERT INTO labels SELECT n, CASE WHEN n = 2 THEN 'comma, "quote"' ELSE 'plain ' || n END FROM generate_series(1, 3) n`,
      );
      await session.copyOut(
        { sql: 'SELECT n, label FROM labels ORDER BY n', parameters: [] },
        'FORMAT csv, HEADER true',
        sink,
      );
      await expect(
        session.copyOut({ sql: 'SELECT $1::int', parameters: [1] }, 'FORMAT csv', sink),
      ).rejects.toThrow(/no parameters/);
      await expect(
        session.copyOut({ sql: 'SELECT 1', parameters: [] }, "FORMAT csv, DELIMITER ';'", sink),
      ).rejects.toThrow(/Unexpected COPY options/);
    });
    expect(Buffer.concat(chunks).toString('utf8')).toBe(
      'n,label\n1,plain 1\n2,"comma, ""quote"""\n3,plain 3\n',
    );
  });
});
