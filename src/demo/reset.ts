import { createIdentitySeeder } from '../modules/identity/index.ts';
import type { Database } from '../platform/db/index.ts';
import { DemoRefusedError } from './load.ts';
import { DEMO_DOMAIN } from './staff.ts';

/**
 * Empties a demo database for `topfit demo --reset`: every table and the job queue go, and the caller
 * migrates again. Refused when any account outside the demo domain exists: a database with real people in
 * it is never wiped by a demo command.
 */
export async function resetDemoDatabase(database: Database): Promise<void> {
  const { rows } = await database.bulk((session) =>
    session.query<{ found: string | null }>(`SELECT to_regclass('accounts')::text AS found`),
  );
  if (rows[0]?.found) {
    const census = await createIdentitySeeder(database.db).census(DEMO_DOMAIN);
    if (census.others > 0) {
      throw new DemoRefusedError(
        `This database holds ${census.others} account(s) outside ${DEMO_DOMAIN}: a reset would delete real people's data, so it is refused.`,
      );
    }
  }
  await database.runScript(
    'DROP SCHEMA IF EXISTS pgboss CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public;',
  );
}
