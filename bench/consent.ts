/**
 * Cost of the consent check inside the access path: a grant that needs consent to `research`, decided
 * for one participant (`check`) and for 10,000 at once (`checkMany`), over 100,000 participants with 20
 * consent events each (2,000,000 events; current state derived as the platform derives it).
 *
 *   npm run bench -- consent [--engine pglite|postgres|both] [--participants 100000] [--events 20]
 *
 * Targets (issue 3): p99 of a single check under 1 ms; a bulk check of 10,000 participants under 50 ms.
 * Prints a table, then one line `BENCH {json}`. Results: bench/RESULTS.md.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { migrationSources } from '../src/migrations.ts';
import { createConsentChecker } from '../src/modules/consent/index.ts';
import { type Actor, createAccessPolicy } from '../src/platform/access/index.ts';
import { createAudit } from '../src/platform/audit/index.ts';
import { type Database, migrate, openDatabase } from '../src/platform/db/index.ts';

type Engine = 'pglite' | 'postgres';
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'both' },
    participants: { type: 'string', default: '100000' },
    events: { type: 'string', default: '20' },
  },
});
const participants = Number(values.participants);
const eventsEach = Number(values.events);
const engines: Engine[] = values.engine === 'both' ? ['pglite', 'postgres'] : [values.engine as Engine];

/** The same ids SQL makes with md5(n::text)::uuid, so samples can be drawn without reading them back. */
const participantId = (n: number) => {
  const hex = createHash('md5').update(String(n)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

async function open(engine: Engine): Promise<{ database: Database; cleanup: () => Promise<void> }> {
  if (engine === 'pglite') {
    const dir = await mkdtemp(path.join(tmpdir(), 'topfit-bench-consent-'));
    const database = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'pglite') });
    return {
      database,
      cleanup: async () => {
        await database.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `topfit_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 10 });
  return {
    database,
    cleanup: async () => {
      await database.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** 20 decisions per participant over the seven purposes; the state table as appendEvent keeps it. */
async function seed(database: Database) {
  const started = performance.now();
  const db = database.db;
  const batch = 10_000;
  for (let from = 1; from <= participants; from += batch) {
    const to = Math.min(participants, from + batch - 1);
    await sql`
      INSERT INTO consent_events (participant_id, purpose_key, document_version, decision, channel, recorded_by, at)
      SELECT md5(n::text)::uuid,
             (ARRAY['personal_insights','research','study_contact','coach_sharing','gp_summary','product_testing','registry_linkage'])[1 + (i % 7)],
             1,
             CASE WHEN (hashtext(n::text || ':' || i::text) & 3) = 0 THEN 'refused' ELSE 'granted' END,
             'web', md5(n::text)::uuid, now() - (${eventsEach} - i) * interval '1 day'
      FROM generate_series(${from}::int, ${to}::int) AS n, generate_series(1, ${eventsEach}::int) AS i`.execute(
      db,
    );
  }
  await sql`
    INSERT INTO consent_state (participant_id, purpose_key, decision, document_version, event_id, at)
    SELECT DISTINCT ON (participant_id, purpose_key) participant_id, purpose_key, decision, document_version, id, at
    FROM consent_events ORDER BY participant_id, purpose_key, id DESC`.execute(db);
  // Settle the database after the bulk load, so that background vacuum and checkpoints do not land in
  // the measurements: the state measured is a region's steady state, not the minute after a bulk import.
  await sql`VACUUM ANALYZE`.execute(db);
  await sql`CHECKPOINT`.execute(db);
  return Math.round(performance.now() - started);
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const round = (ms: number) => Math.round(ms * 1000) / 1000;

async function run(engine: Engine) {
  const { database, cleanup } = await open(engine);
  try {
    await migrate(database, migrationSources);
    const seedMs = await seed(database);
    const checker = createConsentChecker(database.db);
    const policy = createAccessPolicy(
      {
        rules: {
          'research.count': {
            grants: [{ role: 'researcher', consent: 'research' }],
            purposes: ['support'],
            personalData: true,
            resourceType: 'research_data',
          },
        },
        relations: {},
        consent: checker,
      },
      createAudit(database.db),
    );
    const actor: Actor = { accountId: participantId(0), roles: ['researcher'], mfaVerified: true };
    const request = { action: 'research.count', purpose: 'support' as const };

    // Single checks: warm up (JIT, buffers), then 5,000 sequential checks of random participants.
    const pick = () => participantId(1 + Math.floor(Math.random() * participants));
    for (let i = 0; i < 3000; i++) await policy.check(actor, { ...request, subject: pick() });
    const single: number[] = [];
    let allowed = 0;
    for (let i = 0; i < 5000; i++) {
      const t0 = performance.now();
      const decision = await policy.check(actor, { ...request, subject: pick() });
      single.push(performance.now() - t0);
      if (decision.allowed) allowed++;
    }
    single.sort((a, b) => a - b);
    // The consent query alone, to tell the database's share from the policy's.
    const query: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const t0 = performance.now();
      await checker('research', [pick()]);
      query.push(performance.now() - t0);
    }
    query.sort((a, b) => a - b);

    // Bulk checks: 30 rounds of 10,000 random participants.
    const bulk: number[] = [];
    for (let round = 0; round < 33; round++) {
      const subjects = Array.from({ length: 10_000 }, pick);
      const t0 = performance.now();
      const decisions = await policy.checkMany(actor, request, subjects);
      if (round >= 3) bulk.push(performance.now() - t0);
      if (decisions.size === 0) throw new Error('no decisions');
    }
    bulk.sort((a, b) => a - b);
    const [{ events } = { events: 0 }] = (
      await sql<{ events: number }>`SELECT count(*)::int AS events FROM consent_events`.execute(database.db)
    ).rows;
    return {
      engine,
      participants,
      events,
      seedMs,
      singleP50Ms: round(percentile(single, 0.5)),
      singleP99Ms: round(percentile(single, 0.99)),
      queryP50Ms: round(percentile(query, 0.5)),
      queryP99Ms: round(percentile(query, 0.99)),
      singleAllowedShare: Math.round((allowed / single.length) * 100) / 100,
      bulk10kP50Ms: round(percentile(bulk, 0.5)),
      bulk10kP99Ms: round(percentile(bulk, 0.99)),
      bulk10kMaxMs: round(bulk.at(-1) ?? 0),
    };
  } finally {
    await cleanup();
  }
}

const results: Record<string, Awaited<ReturnType<typeof run>>> = {};
for (const engine of engines) {
  console.error(
    `[${engine}] seeding ${participants.toLocaleString('en')} participants × ${eventsEach} events …`,
  );
  results[engine] = await run(engine);
  const r = results[engine];
  console.log(
    `${engine.padStart(8)}  events ${r.events}  seed ${r.seedMs} ms  single p50 ${r.singleP50Ms} ms  p99 ${r.singleP99Ms} ms (query alone p99 ${r.queryP99Ms} ms)  bulk 10k p50 ${r.bulk10kP50Ms} ms  p99 ${r.bulk10kP99Ms} ms  max ${r.bulk10kMaxMs} ms`,
  );
}
console.log(`BENCH ${JSON.stringify(results)}`);
