/**
 * `npm run bench -- region [--engine postgres|pglite] [--citizens 1000000] [--cgm-share 0.01] [--cgm-days 14]`
 *
 * Loads a synthetic region as `topfit demo` does (the platform migrated and its questionnaire library
 * installed, then `loadDemo`): staff, then citizens in chunks of 2,000, each chunk one transaction of COPYs
 * into every module's tables. Reports the total time, rows per second, peak RSS and the database's size on disk.
 *
 * Targets (issue 6): 1,000,000 citizens with 1 % wearing CGM for 14 days into PostgreSQL under 10 minutes;
 * the default demo of the first `npm start` (`--engine pglite --citizens 2000 --cgm-share 0.15`) under 60 s.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { loadDemo } from '../src/demo/index.ts';
import { type Engine, prepareDatabase, SECRET } from './support/platform.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    citizens: { type: 'string', default: '1000000' },
    'cgm-share': { type: 'string', default: '0.01' },
    'cgm-days': { type: 'string', default: '14' },
    'chunk-size': { type: 'string' },
  },
});
const engine = values.engine as Engine;
if (engine !== 'postgres' && engine !== 'pglite') throw new Error('--engine is postgres or pglite');

async function main() {
  const database = await prepareDatabase(engine);
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    TOPFIT_SECRET: SECRET,
    TOPFIT_DEMO: 'off',
    ...database.env,
  });
  const app = await buildApp(config, { webRoot: null });
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  try {
    let lastPrinted = 0;
    const result = await loadDemo(
      app.database,
      {
        seed: 'bench-region',
        citizens: Number(values.citizens),
        cgmShare: Number(values['cgm-share']),
        cgmDays: Number(values['cgm-days']),
        ...(values['chunk-size'] ? { chunkSize: Number(values['chunk-size']) } : {}),
      },
      {
        onProgress: (progress) => {
          // PGlite runs on this thread: the interval above gets no turn while it works, so sample here too.
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
          if (progress.elapsedMs - lastPrinted < 10_000 && progress.citizens < progress.total) return;
          lastPrinted = progress.elapsedMs;
          console.error(
            `${progress.citizens.toLocaleString('en')} citizens, ${progress.rows.toLocaleString('en')} rows, ${(progress.elapsedMs / 1000).toFixed(0)} s, RSS ${Math.round(process.memoryUsage().rss / 1e6)} MB`,
          );
        },
      },
    );
    const { rows } = await app.database.bulk((session) =>
      session.query<{ bytes: number; observations: number }>(
        `SELECT pg_database_size(current_database())::float8 AS bytes,
                (SELECT count(*) FROM observations)::float8 AS observations`,
      ),
    );
    const bytes =
      engine === 'pglite'
        ? Number(
            execFileSync('du', ['-sb', database.env.TOPFIT_DATA_DIR as string])
              .toString()
              .split('\t')[0],
          )
        : Number(rows[0]?.bytes);
    const report = {
      engine,
      citizens: result.citizens,
      cgmWearers: result.cgmWearers,
      observations: rows[0]?.observations,
      rows: result.rows,
      seconds: Math.round(result.elapsedMs / 100) / 10,
      rowsPerSecond: Math.round(result.rows / (result.elapsedMs / 1000)),
      peakRssMb: Math.round(peakRss / 1e6),
      databaseMb: Math.round(bytes / 1e6),
    };
    console.log(`BENCH ${JSON.stringify(report)}`);
  } finally {
    clearInterval(sampler);
    await app.close();
    await database.cleanup();
  }
}

await main();
