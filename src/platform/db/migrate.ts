import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Database } from './database.ts';

/** A module's folder of forward-only SQL migrations (`0001_init.sql`, `0002_…`). */
export interface MigrationSource {
  module: string;
  dir: URL;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

/** Applies every pending migration of the given modules, in order, each in its own transaction. */
export async function migrate(database: Database, sources: MigrationSource[]): Promise<MigrationReport> {
  await database.runScript(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      module text NOT NULL,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (module, name)
    );`);
  const db = database.db.withTables<{
    schema_migrations: { module: string; name: string; checksum: string };
  }>();
  const report: MigrationReport = { applied: [], alreadyApplied: 0 };
  for (const source of sources) {
    const files = (await readdir(fileURLToPath(source.dir))).filter((f) => f.endsWith('.sql')).sort();
    for (const file of files) {
      const script = await readFile(new URL(file, source.dir), 'utf8');
      const checksum = createHash('sha256').update(script).digest('hex');
      const done = await db
        .selectFrom('schema_migrations')
        .select('checksum')
        .where('module', '=', source.module)
        .where('name', '=', file)
        .executeTakeFirst();
      if (done) {
        if (done.checksum !== checksum) {
          throw new Error(
            `Migration ${source.module}/${file} was changed after it was applied; migrations are forward-only: add a new one instead.`,
          );
        }
        report.alreadyApplied++;
        continue;
      }
      const record = sql`INSERT INTO schema_migrations (module, name, checksum) VALUES (${source.module}, ${file}, ${checksum})`;
      const compiled = record.compile(database.db);
      // Parameters are inlined only from our own file names and hex digests, never user input.
      const literal = compiled.parameters.reduce<string>(
        (text, value, index) => text.replace(`$${index + 1}`, `'${String(value).replaceAll("'", "''")}'`),
        compiled.sql,
      );
      try {
        // The row goes in first: a second process migrating at the same time waits on the lock,
        // then fails on the primary key instead of running the script twice.
        await database.runScript(`SELECT pg_advisory_xact_lock(7305917);\n${literal};\n${script}`);
        report.applied.push(`${source.module}/${file}`);
      } catch (error) {
        if (isAlreadyRecorded(error)) report.alreadyApplied++;
        else throw new Error(`Migration ${source.module}/${file} failed: ${String(error)}`, { cause: error });
      }
    }
  }
  return report;
}

function isAlreadyRecorded(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === '23505' &&
    'constraint' in error &&
    error.constraint === 'schema_migrations_pkey'
  );
}
