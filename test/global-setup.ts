import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrationSources } from '../src/migrations.ts';
import { migrate, openDatabase } from '../src/platform/db/index.ts';
import { adminUrl, databaseUrl, testEngine } from './engine.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: a tarball of a migrated data folder; PostgreSQL: the name of a migrated template database. */
    template: string;
  }
}

/** Migrates one template database per run; every test file clones it (see test/db.ts). */
export default async function setup(project: TestProject) {
  if (testEngine() === 'pglite') {
    const folder = await mkdtemp(path.join(tmpdir(), 'topfit-test-'));
    const database = await openDatabase({ kind: 'pglite' });
    await migrate(database, migrationSources);
    const file = path.join(folder, 'template.tar');
    await writeFile(file, Buffer.from(await (await database.dump()).arrayBuffer()));
    await database.close();
    project.provide('template', file);
    return async () => {
      await rm(folder, { recursive: true, force: true });
    };
  }
  const name = `topfit_tpl_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const database = await openDatabase({ kind: 'postgres', url: databaseUrl(name), poolSize: 2 });
  try {
    await migrate(database, migrationSources);
  } finally {
    await database.close();
  }
  project.provide('template', name);
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}
