import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../src/platform/db/index.ts';
import { adminUrl, databaseUrl, testEngine } from './engine.ts';

export interface TestDatabase {
  database: Database;
  /** For a PostgreSQL server: the URL of this test's database. */
  url: string | undefined;
  /** Closes the connection and, on a server, drops the database. */
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file, cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('template');
  if (testEngine() === 'pglite') {
    const tarball = new Blob([await readFile(template)]);
    const database = await openDatabase({ kind: 'pglite', loadFrom: tarball });
    return { database, url: undefined, drop: () => database.close() };
  }
  const name = `topfit_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = databaseUrl(name);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 5 });
  return {
    database,
    url,
    async drop() {
      await database.close();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
