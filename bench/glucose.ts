/**
 * `npm run bench -- glucose [--people 10000] [--concurrency 2] [--requests 300]` on the machine's PostgreSQL:
 *
 * 1. Glucose summaries for many person-fortnights from the database: `--people` participants with 14 days of
 *    CGM every 5 minutes (4,032 readings each: 40 million for 10,000), stored as imports store them; then the
 *    summary job's work (`insights.recomputeMany`: read the readings, compute the consensus metrics for 14 and
 *    90 days, store them) for every participant in the job's batches, `--concurrency` batches at a time.
 *    Total time and peak RSS.
 * 2. The glucose report API for one person's 90 days (25,920 readings): `GET /api/v1/me/glucose/report?days=90`
 *    over HTTP, one request at a time, p50/p99.
 *
 * Targets (issue 5): the first under 60 s for 10,000 person-fortnights; the report p99 under 100 ms.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { GLUCOSE_SUMMARY_BATCH } from '../src/modules/insights/index.ts';
import { OPERATOR } from '../src/platform/access/index.ts';
import { joinedCitizenWithInsights, percentile, prepareDatabase, SECRET } from './support/platform.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '2' },
    requests: { type: 'string', default: '300' },
  },
});
const people = Number(values.people);
const concurrency = Number(values.concurrency);
const requests = Number(values.requests);

const FORTNIGHT_START = '2026-10-01T00:00:00Z';
const READINGS_PER_FORTNIGHT = 14 * 288;

/**
 * A glucose trace in SQL, in mmol/L: fasting 5 mmol/L varying per person, three meal excursions a day, noise.
 * Readings every 5 minutes from `start`; `n` counts them.
 */
const TRACE = `5.0 + (hashtext(p.participant_id::text) % 7) / 10.0
  + 2.2 * exp(-power(((n % 288) - 102) / 12.0, 2)) + 2.6 * exp(-power(((n % 288) - 162) / 12.0, 2))
  + 2.8 * exp(-power(((n % 288) - 234) / 14.0, 2)) + 0.3 * sin(n / 5.0)`;

async function main() {
  const database = await prepareDatabase('postgres');
  const config = loadConfig({ LOG_LEVEL: 'warn', TOPFIT_SECRET: SECRET, ...database.env });
  const app = await buildApp(config, { webRoot: null });
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  try {
    const db = app.database.db;
    console.error(`Seeding ${people.toLocaleString('en')} participants who allow personal insights …`);
    await sql`
      INSERT INTO participants (participant_id, birth_year, birth_month, sex_at_birth, postcode4, municipality_code)
      SELECT md5(n::text)::uuid, 1950 + n % 50, 1 + n % 12, 'female', '7511', (SELECT cbs_code FROM postcode_areas WHERE pc4 = '7511')
      FROM generate_series(1, ${people}::int) AS n`.execute(db);
    await sql`
      INSERT INTO consent_events (participant_id, purpose_key, document_version, decision, channel, recorded_by, at)
      SELECT participant_id, 'personal_insights', 1, 'granted', 'web', participant_id, now() FROM participants`.execute(
      db,
    );
    await sql`
      INSERT INTO consent_state (participant_id, purpose_key, decision, document_version, event_id, at)
      SELECT participant_id, purpose_key, decision, document_version, id, at FROM consent_events`.execute(db);
    const ids = (
      await sql<{ id: string }>`SELECT participant_id AS id FROM participants ORDER BY 1`.execute(db)
    ).rows.map((row) => row.id);

    // The first reading through the import path, which attaches October's partition as every import does.
    const [first] = ids;
    if (!first) throw new Error('no participants');
    await app.measurements.importBatch(OPERATOR, first, [
      { code: '105272-9', time: FORTNIGHT_START, value: 5, unit: 'mmol/L', source: 'bench:cgm' },
    ]);
    console.error(`Storing ${(people * READINGS_PER_FORTNIGHT).toLocaleString('en')} readings …`);
    const loadStarted = performance.now();
    const chunk = 500;
    for (let offset = 0; offset < ids.length; offset += chunk) {
      await sql`
        INSERT INTO observations (participant_id, code, effective_at, source, utc_offset_minutes, time_zone, value, unit,
                                  original_value, original_unit, method, import_id)
        SELECT p.participant_id, '105272-9', ${FORTNIGHT_START}::timestamptz + n * interval '5 minutes', 'bench:cgm', 120,
               'Europe/Amsterdam', ${sql.raw(TRACE)}, 'mmol/L', '', 'mmol/L', 'continuous', gen_random_uuid()
        FROM (SELECT participant_id FROM participants ORDER BY participant_id OFFSET ${offset} LIMIT ${chunk}) p
        CROSS JOIN generate_series(1, ${READINGS_PER_FORTNIGHT - 1}) AS n`.execute(db);
      process.stderr.write(`\r  ${Math.min(ids.length, offset + chunk).toLocaleString('en')} people`);
    }
    // As autovacuum leaves a table some time after a load: statistics, and pages marked all-visible (which lets
    // the key's covering index answer the reads alone).
    await sql`VACUUM ANALYZE observations`.execute(db);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    process.stderr.write('\n');

    console.error(
      `Summaries (14 and 90 days) for every participant, in batches of ${GLUCOSE_SUMMARY_BATCH}, ${concurrency} batches at a time …`,
    );
    peakRss = process.memoryUsage().rss;
    const started = performance.now();
    let next = 0;
    let stored = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < ids.length) {
          const batch = ids.slice(next, next + GLUCOSE_SUMMARY_BATCH);
          next += batch.length;
          const result = await app.insights.recomputeMany(batch);
          stored += result.stored;
          if (next % 1000 === 0) process.stderr.write(`\r  ${next.toLocaleString('en')}`);
        }
      }),
    );
    const summarySeconds = (performance.now() - started) / 1000;
    const summaryRss = peakRss;
    process.stderr.write('\n');
    if (stored !== ids.length * 2) throw new Error(`expected ${ids.length * 2} summaries, stored ${stored}`);

    // One citizen over HTTP with 90 days of readings.
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const address = app.http.server.address();
    if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
    const browser = await joinedCitizenWithInsights(app, `http://127.0.0.1:${address.port}`);
    const start = Date.parse('2026-08-01T00:00:00Z');
    for (let batch = 0; batch < 90 * 288; batch += 10_000) {
      const observations = Array.from({ length: Math.min(10_000, 90 * 288 - batch) }, (_, i) => {
        const n = batch + i;
        const meal = Math.exp(-((((n % 288) - 102) / 12) ** 2)) + Math.exp(-((((n % 288) - 162) / 12) ** 2));
        return {
          code: '105272-9',
          time: new Date(start + n * 300_000).toISOString(),
          value: Math.round((5 + 2.5 * meal + 0.3 * Math.sin(n / 5)) * 100) / 100,
          unit: 'mmol/L',
          source: 'bench:cgm',
        };
      });
      const answer = await browser.request('POST', '/api/v1/me/measurements', { observations });
      if (answer.status !== 201) throw new Error(`batch import: ${answer.status} ${await answer.text()}`);
    }
    const latencies: number[] = [];
    for (let i = 0; i < requests + 20; i++) {
      const t0 = performance.now();
      const answer = await browser.request('GET', '/api/v1/me/glucose/report?days=90');
      const body = (await answer.json()) as { available: boolean; metrics?: { readings: number } };
      if (answer.status !== 200 || !body.available) throw new Error(`report: ${answer.status}`);
      if (i >= 20) latencies.push(performance.now() - t0);
      // 90 local days ending with the day of the last reading: the first, partial day falls outside.
      if (i === 0 && (body.metrics?.readings ?? 0) < 89 * 288) {
        throw new Error(`report counted ${body.metrics?.readings} readings of ${90 * 288}`);
      }
    }
    latencies.sort((a, b) => a - b);
    const result = {
      people,
      readings: people * READINGS_PER_FORTNIGHT,
      'load s (SQL, not measured against a target)': Math.round(loadSeconds),
      'summaries s': Math.round(summarySeconds * 10) / 10,
      'person-fortnights/s': Math.round(people / summarySeconds),
      'peak RSS MB (summaries)': Math.round(summaryRss / 1024 / 1024),
      'report requests': requests,
      'report p50 ms': Math.round(percentile(latencies, 0.5) * 10) / 10,
      'report p99 ms': Math.round(percentile(latencies, 0.99) * 10) / 10,
      'report max ms': Math.round((latencies.at(-1) ?? 0) * 10) / 10,
    };
    console.table([result]);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    clearInterval(sampler);
    await app.close();
    await database.cleanup();
  }
}

await main();
