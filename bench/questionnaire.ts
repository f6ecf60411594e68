/**
 * Submitting FINDRISC: validate (with the calculated BMI), score and store 10,000 responses through the
 * questionnaire service, from many participants at once; then the latency of a single submission over HTTP.
 *
 *   npm run bench -- questionnaire [--engine postgres|pglite|both] [--responses 10000] [--participants 2000]
 *                                  [--concurrency 16] [--pool 10] [--http 1000]
 *
 * The platform is built as `topfit start` builds it, on a database of its own (see support/platform.ts).
 * Participants with consent to personal insights are seeded in SQL (joining through HTTP would measure
 * argon2, not questionnaires); the HTTP part uses a citizen who signs up, joins and consents for real.
 * Every response is checked to be stored with its score at the end.
 *
 * Target (issue 4): at least 1,000 responses/s on PostgreSQL. Prints a table, then `BENCH {json}`.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Actor } from '../src/platform/access/index.ts';
import {
  type Engine,
  joinedCitizenWithInsights,
  percentile,
  prepareDatabase,
  SECRET,
} from './support/platform.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    responses: { type: 'string', default: '10000' },
    participants: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    http: { type: 'string', default: '1000' },
    pool: { type: 'string', default: '10' },
  },
});
const engines: Engine[] = values.engine === 'both' ? ['postgres', 'pglite'] : [values.engine as Engine];
const total = Number(values.responses);
const participants = Number(values.participants);
const concurrency = Number(values.concurrency);
const httpCount = Number(values.http);

const coding = (code: string) => ({
  valueCoding: { system: 'https://topfit.nl/fhir/CodeSystem/findrisc', code },
});

/** A plausible, varied FINDRISC response (the n-th). */
function answers(n: number) {
  const pick = <T>(options: T[]) => options[n % options.length] as T;
  return [
    {
      linkId: 'about-you',
      item: [
        { linkId: 'age-band', answer: [coding(pick(['under_45', '45_54', '55_64', 'over_64']))] },
        { linkId: 'sex', answer: [coding(n % 2 ? 'male' : 'female')] },
      ],
    },
    {
      linkId: 'body',
      item: [
        { linkId: 'height', answer: [{ valueDecimal: 160 + (n % 35) }] },
        { linkId: 'weight', answer: [{ valueDecimal: 55 + (n % 50) }] },
        { linkId: 'waist', answer: [{ valueDecimal: 70 + (n % 45) }] },
      ],
    },
    {
      linkId: 'lifestyle',
      item: [
        { linkId: 'activity', answer: [{ valueBoolean: n % 3 === 0 }] },
        { linkId: 'vegetables', answer: [{ valueBoolean: n % 4 !== 0 }] },
      ],
    },
    {
      linkId: 'health',
      item: [
        { linkId: 'bp-medication', answer: [{ valueBoolean: n % 5 === 0 }] },
        { linkId: 'high-glucose', answer: [{ valueBoolean: n % 11 === 0 }] },
        { linkId: 'family-history', answer: [coding(pick(['none', 'second_degree', 'first_degree']))] },
      ],
    },
  ];
}

async function run(engine: Engine) {
  const database = await prepareDatabase(engine);
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    TOPFIT_SECRET: SECRET,
    DATABASE_POOL_SIZE: values.pool,
    ...database.env,
  });
  const app = await buildApp(config, { webRoot: null });
  try {
    const db = app.database.db;
    // Participants of Enschede who granted personal insights (document version 1), as joining makes them.
    await sql`
      INSERT INTO participants (participant_id, birth_year, birth_month, sex_at_birth, postcode4, municipality_code)
      SELECT md5(n::text)::uuid, 1950 + n % 50, 1 + n % 12, 'female', '7511', (SELECT cbs_code FROM postcode_areas WHERE pc4 = '7511')
      FROM generate_series(1, ${participants}::int) AS n`.execute(db);
    await sql`
      INSERT INTO consent_events (participant_id, purpose_key, document_version, decision, channel, recorded_by, at)
      SELECT md5(n::text)::uuid, 'personal_insights', 1, 'granted', 'web', md5(n::text)::uuid, now()
      FROM generate_series(1, ${participants}::int) AS n`.execute(db);
    await sql`
      INSERT INTO consent_state (participant_id, purpose_key, decision, document_version, event_id, at)
      SELECT participant_id, purpose_key, decision, document_version, id, at FROM consent_events`.execute(db);
    const ids = (
      await sql<{ id: string }>`SELECT participant_id AS id FROM participants ORDER BY 1`.execute(db)
    ).rows.map((r) => r.id);
    const actors: Actor[] = ids.map((accountId) => ({ accountId, roles: ['citizen'], mfaVerified: false }));
    const [first] = actors;
    if (!first) throw new Error('no participants');
    const findrisc = (await app.questionnaires.list(first)).find((q) => q.scoring === 'findrisc');
    if (!findrisc) throw new Error('FINDRISC is not installed');

    const submit = (n: number) => {
      const actor = actors[n % actors.length] as Actor;
      return app.questionnaires.submit(actor, findrisc.id, answers(n) as never);
    };
    const inParallel = async (count: number, offset: number) => {
      const latencies: number[] = [];
      let next = 0;
      const worker = async () => {
        while (next < count) {
          const n = offset + next++;
          const t0 = performance.now();
          const result = await submit(n);
          latencies.push(performance.now() - t0);
          if (!result.score) throw new Error('a response was not scored');
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return latencies.sort((a, b) => a - b);
    };
    console.error(`[${engine}] warm-up: 500 submissions …`);
    await inParallel(500, 0);
    console.error(`[${engine}] ${total.toLocaleString('en')} submissions, ${concurrency} at a time …`);
    const t0 = performance.now();
    const latencies = await inParallel(total, 500);
    const seconds = (performance.now() - t0) / 1000;
    const stored = (
      await sql<{ responses: number; scores: number }>`
        SELECT (SELECT count(*)::int FROM questionnaire_responses WHERE status = 'completed') AS responses,
               (SELECT count(*)::int FROM questionnaire_scores) AS scores`.execute(db)
    ).rows[0];
    if (stored?.responses !== total + 500 || stored.scores !== total + 500) {
      throw new Error(`expected ${total + 500} responses and scores, found ${JSON.stringify(stored)}`);
    }

    // One citizen over HTTP: sign up, join, consent, then submit one response at a time.
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const address = app.http.server.address();
    if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
    const browser = await joinedCitizenWithInsights(app, `http://127.0.0.1:${address.port}`);
    const http: number[] = [];
    for (let n = 0; n < httpCount + 100; n++) {
      const started = performance.now();
      const answer = await browser.request('POST', `/api/v1/me/questionnaires/${findrisc.id}/responses`, {
        item: answers(n),
      });
      if (answer.status !== 201) throw new Error(`HTTP submission: ${answer.status} ${await answer.text()}`);
      await answer.arrayBuffer();
      if (n >= 100) http.push(performance.now() - started);
    }
    http.sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms * 100) / 100;
    return {
      engine,
      responses: total,
      concurrency,
      responsesPerSecond: Math.round(total / seconds),
      serviceP50Ms: round(percentile(latencies, 0.5)),
      serviceP99Ms: round(percentile(latencies, 0.99)),
      httpSubmissions: httpCount,
      httpP50Ms: round(percentile(http, 0.5)),
      httpP99Ms: round(percentile(http, 0.99)),
    };
  } finally {
    await app.close();
    await database.cleanup();
  }
}

const results = [];
for (const engine of engines) {
  const r = await run(engine);
  results.push(r);
  console.log(
    `${engine.padStart(8)}  ${r.responses} responses at ${r.concurrency} at a time: ${r.responsesPerSecond}/s (service p50 ${r.serviceP50Ms} ms, p99 ${r.serviceP99Ms} ms)  HTTP single submission p50 ${r.httpP50Ms} ms, p99 ${r.httpP99Ms} ms`,
  );
}
console.log(`BENCH ${JSON.stringify(results)}`);
