/**
 * `npm run bench -- research [--citizens 1000000] [--cgm-share 0.01] [--requests 40]` on the machine's PostgreSQL:
 * loads the synthetic region (as `npm run bench -- region`), then a study's team asks for feasibility with five
 * criteria (age, sex, municipality, FINDRISC within 12 months, CGM wear) after the two required consents,
 * `--requests` times one after the other (after 3 warm-up requests), through the research service as the API
 * does. Reports p50/p95/max and the funnel.
 *
 * Target (issue 7): the feasibility count with five criteria on the 1,000,000-citizen region, p95 under 500 ms.
 * The extract target of issue 7 (10,000 participants × 14 days of CGM to CSV) waits for extracts.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { loadDemo } from '../src/demo/index.ts';
import type { Actor } from '../src/platform/access/index.ts';
import { percentile, prepareDatabase, SECRET } from './support/platform.ts';

const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '1000000' },
    'cgm-share': { type: 'string', default: '0.01' },
    requests: { type: 'string', default: '40' },
  },
});

async function main() {
  const database = await prepareDatabase('postgres');
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    TOPFIT_SECRET: SECRET,
    TOPFIT_DEMO: 'off',
    ...database.env,
  });
  const app = await buildApp(config, { webRoot: null });
  try {
    console.error(`Loading ${Number(values.citizens).toLocaleString('en')} citizens …`);
    const loadStarted = performance.now();
    await loadDemo(app.database, {
      seed: 'bench-research',
      citizens: Number(values.citizens),
      cgmShare: Number(values['cgm-share']),
      cgmDays: 14,
    });
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    // As autovacuum would after a load: statistics for the planner.
    await sql`ANALYZE`.execute(app.database.db);

    const { accountId } = await app.identity.admin.createUser({
      email: 'pi@bench.example',
      displayName: 'Bench PI',
      roles: ['researcher'],
      organisationId: null,
      locale: 'en',
    });
    const researcher: Actor = { accountId, roles: ['researcher'], mfaVerified: true };
    const study = await app.research.create(researcher, {
      title: { nl: 'Bench', en: 'Bench' },
      summary: { nl: 'Bench', en: 'Bench' },
      consent: { nl: 'Bench', en: 'Bench' },
    });
    const municipalities = (
      await sql<{
        code: string;
      }>`SELECT cbs_code AS code FROM municipalities ORDER BY population DESC LIMIT 20`.execute(
        app.database.db,
      )
    ).rows.map((row) => row.code);
    const criteria = {
      all: [
        { field: 'age' as const, min: 40, max: 75 },
        { field: 'sex' as const, in: ['female' as const, 'male' as const] },
        { field: 'municipality' as const, in: municipalities },
        { field: 'findrisc' as const, min: 7, withinMonths: 12 },
        { field: 'cgm' as const, minDays: 10 },
      ],
    };
    const latencies: number[] = [];
    let funnel: unknown = null;
    const requests = Number(values.requests);
    for (let i = 0; i < requests + 3; i++) {
      const started = performance.now();
      const answer = await app.research.feasibility(researcher, study.id, criteria);
      if (i >= 3) latencies.push(performance.now() - started);
      funnel = answer.funnel.map((step) => [step.step, step.count]);
    }
    latencies.sort((a, b) => a - b);
    const result = {
      citizens: Number(values.citizens),
      'load s': Math.round(loadSeconds),
      requests,
      'p50 ms': Math.round(percentile(latencies, 0.5)),
      'p95 ms': Math.round(percentile(latencies, 0.95)),
      'max ms': Math.round(latencies.at(-1) ?? 0),
    };
    console.table([result]);
    console.log(JSON.stringify({ ...result, funnel }, null, 2));
  } finally {
    await app.close();
    await database.cleanup();
  }
}

await main();
