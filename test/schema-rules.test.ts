import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../src/platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

/**
 * Tables that are not scoped to one participant, each with the reason. Every other table holds a
 * participant's data and must carry `participant_id` in its primary key or a unique key, so that Citus
 * can distribute and co-locate it by participant (ARCHITECTURE.md §4).
 */
const NOT_PARTICIPANT_SCOPED: Record<string, string> = {
  schema_migrations: 'migration bookkeeping',
  audit_log: 'one hash chain for the whole platform, ordered by its sequence number',
  mail_capture: 'the local SMTP capture of a development or offline installation',
  accounts: 'sign-in identities of everyone, staff included; a reference table under Citus',
  sessions: 'sign-in sessions of accounts, looked up by token hash on every request',
  account_tokens: 'single-use links of accounts',
  recovery_codes: 'second-factor recovery codes of accounts',
  organisations: 'catalogue of partner organisations',
  memberships: 'roles of accounts in organisations',
  invitations: 'invitations of staff by e-mail',
  sign_in_throttle: 'failed sign-in counters per address',
  api_tokens: 'personal API tokens of researchers (their scripts), by account',
  consent_purposes: 'catalogue of consent purposes',
  consent_documents: 'versioned consent texts, the same for everyone',
  municipalities: 'the region’s municipalities (CBS)',
  postcode_areas: '4-digit postcodes of the region and their municipality',
  region_wait_list: 'people outside the region waiting to join; not participants',
  questionnaires: 'versioned questionnaire definitions, the same for everyone',
  studies: 'studies on the panel, their texts and ethics decisions; a reference table under Citus',
  study_team: 'the researchers of each study',
  data_requests: 'a study team’s requests for data and the data steward’s decisions; no participant in them',
  extracts: 'the extracts run from approved requests: status, counts and file checksums, no participant',
  study_news: 'news a study team publishes to those who took part or to the panel; no participant in it',
  invitation_batches: 'a study team’s batches of invitations: sizes and quotas, no participant in them',
  demo_runs: 'the synthetic populations loaded into a demo database, and how far each load came',
  demo_run_chunks: 'the chunks of citizens each demo load has stored',
};

/** The schema's violations of the distribution rule, in words. */
async function distributionViolations(db: Db): Promise<string[]> {
  const { rows: tables } = await sql<{ table: string; has_participant: boolean }>`
    SELECT c.relname AS table,
           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'participant_id' AND NOT a.attisdropped) AS has_participant
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    ORDER BY c.relname`.execute(db);
  const { rows: keyed } = await sql<{ table: string }>`
    SELECT DISTINCT c.relname AS table
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
    WHERE n.nspname = 'public' AND i.indisunique AND a.attname = 'participant_id'`.execute(db);
  const withKey = new Set(keyed.map((row) => row.table));
  const problems: string[] = [];
  for (const { table, has_participant } of tables) {
    if (table in NOT_PARTICIPANT_SCOPED) continue;
    if (!has_participant) {
      problems.push(`${table}: no participant_id and not listed as a reference table`);
    } else if (!withKey.has(table)) {
      problems.push(`${table}: participant_id is in neither the primary key nor a unique key`);
    }
  }
  for (const listed of Object.keys(NOT_PARTICIPANT_SCOPED)) {
    if (!tables.some((row) => row.table === listed)) problems.push(`${listed}: listed, but no such table`);
  }
  return problems;
}

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(() => testDb?.drop());

it('every participant-scoped table carries participant_id in a key, and every other table is listed with a reason', async () => {
  expect(await distributionViolations(testDb.database.db)).toEqual([]);
});

it('the check catches a participant table keyed without participant_id and an unclassified table', async () => {
  const db = testDb.database.db;
  await sql`CREATE TABLE wrongly_keyed (id serial PRIMARY KEY, participant_id uuid NOT NULL, value real)`.execute(
    db,
  );
  await sql`CREATE TABLE rightly_keyed (participant_id uuid, at timestamptz, PRIMARY KEY (participant_id, at))`.execute(
    db,
  );
  await sql`CREATE TABLE unclassified (id serial PRIMARY KEY)`.execute(db);
  try {
    expect(await distributionViolations(db)).toEqual([
      'unclassified: no participant_id and not listed as a reference table',
      'wrongly_keyed: participant_id is in neither the primary key nor a unique key',
    ]);
  } finally {
    await sql`DROP TABLE wrongly_keyed, rightly_keyed, unclassified`.execute(db);
  }
});
