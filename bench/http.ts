/**
 * HTTP throughput of a signed-in read: `GET /api/v1/me` with a citizen's session cookie, the request
 * every page of the web app starts with (session lookup → account → response).
 *
 *   npm run bench -- http [--engine pglite|postgres|both] [--connections 100] [--duration 20] [--warmup 5]
 *                         [--path /api/v1/me]   (another path, e.g. /healthz, to compare against)
 *                         [--pool N]            (DATABASE_POOL_SIZE of the PostgreSQL run; default 10)
 *                         [--session-cache S]   (SESSION_CACHE_SECONDS; 0 = every request asks the database)
 *
 * For each engine the whole platform is built as `topfit start` builds it (`buildApp(loadConfig(env))`),
 * on a database of its own: PGlite in a temporary data folder, or a fresh `topfit_bench_<random>` database
 * on the PostgreSQL server at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * dropped afterwards. The session is made through the real endpoints (sign-up, the verification mail,
 * sign-in). The load comes from autocannon in a child process, so the load generator shares neither the
 * server's event loop nor its memory figure; the server's RSS is sampled every 100 ms meanwhile.
 *
 * Prints a table, then one line `BENCH {json}` with the figures per engine. Exits 1 when a run saw
 * errors or non-2xx answers. Targets and results: bench/RESULTS.md.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { type Engine, prepareDatabase, SECRET, signedInCitizen } from './support/platform.ts';

interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  duration: number;
  warmup: number;
}

/** What autocannon reports of a run (the fields this benchmark reads). */
interface LoadResult {
  requests: { average: number; min: number; max: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
}

export interface EngineFigures {
  engine: Engine;
  path: string;
  requestsPerSecond: number;
  /** The slowest one-second sample of the run: near 0 means the server stalled for a moment. */
  requestsPerSecondMin: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  requests: number;
  ok2xx: number;
  non2xx: number;
  /** Requests that got no answer: connection errors and timeouts (autocannon counts timeouts in both). */
  errors: number;
  timeouts: number;
  peakRssMb: number;
  idleRssMb: number;
  /** CPU time (user + system) of the server process per request during the measured run. */
  serverCpuMsPerRequest: number;
  connections: number;
  durationSeconds: number;
}

// The load generator, run as a child process: autocannon's programmatic API, a warm-up run first, then
// the measured run; the measured result goes to stdout as one JSON line.
const LOAD_SCRIPT = `
import autocannon from 'autocannon';
const options = JSON.parse(process.argv[1]);
const run = (seconds) => autocannon({
  url: options.url, headers: options.headers, connections: options.connections, duration: seconds,
});
if (options.warmup > 0) await run(options.warmup);
process.stdout.write('measuring\\n');
process.stdout.write(JSON.stringify(await run(options.duration)) + '\\n');
`;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      engine: { type: 'string', default: 'both' },
      connections: { type: 'string', default: '100' },
      duration: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
      path: { type: 'string', default: '/api/v1/me' },
      pool: { type: 'string' },
      'session-cache': { type: 'string' },
    },
  });
  const engines: Engine[] =
    values.engine === 'both'
      ? ['pglite', 'postgres']
      : values.engine === 'pglite' || values.engine === 'postgres'
        ? [values.engine]
        : [];
  if (engines.length === 0)
    throw new Error(`--engine must be pglite, postgres or both, not ${values.engine}`);
  const number = (name: string, text: string, min: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return value;
  };
  return {
    engines,
    connections: number('connections', values.connections, 1),
    duration: number('duration', values.duration, 1),
    warmup: number('warmup', values.warmup, 0),
    // Another path (e.g. /healthz, /readyz) with the same session, to separate framework from database cost.
    path: values.path.startsWith('/') ? values.path : `/${values.path}`,
    // DATABASE_POOL_SIZE for the PostgreSQL run; unset keeps the platform's default.
    pool: values.pool === undefined ? undefined : number('pool', values.pool, 1),
    // SESSION_CACHE_SECONDS; unset keeps the platform's default.
    sessionCache:
      values['session-cache'] === undefined ? undefined : number('session-cache', values['session-cache'], 0),
  };
}

/**
 * Runs the load generator in a child process and returns its measured result; `onMeasuring` is called
 * when the warm-up is over and the measured run begins.
 */
function generateLoad(options: LoadOptions, onMeasuring: () => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', LOAD_SCRIPT, JSON.stringify(options)],
      {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (!output.includes('measuring\n') && `${output}${chunk}`.includes('measuring\n')) onMeasuring();
      output += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the load generator exited with ${code}`));
      try {
        resolve(JSON.parse(output.trim().split('\n').pop() ?? '') as LoadResult);
      } catch {
        reject(new Error(`the load generator printed no result: ${output.slice(0, 500)}`));
      }
    });
  });
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;

async function benchEngine(engine: Engine, options: ReturnType<typeof parseOptions>): Promise<EngineFigures> {
  const database = await prepareDatabase(engine);
  try {
    const config = loadConfig({
      LOG_LEVEL: 'warn',
      TOPFIT_SECRET: SECRET,
      HOST: '127.0.0.1',
      PORT: '0',
      ...database.env,
      ...(options.pool !== undefined ? { DATABASE_POOL_SIZE: String(options.pool) } : {}),
      ...(options.sessionCache !== undefined ? { SESSION_CACHE_SECONDS: String(options.sessionCache) } : {}),
    });
    const app = await buildApp(config, { webRoot: null });
    try {
      await app.http.listen({ port: 0, host: '127.0.0.1' });
      const address = app.http.server.address();
      if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
      const base = `http://127.0.0.1:${address.port}`;
      const browser = await signedInCitizen(app, base);

      // Peak RSS over warm-up and run; CPU time of this (the server's) process over the measured run only.
      const idleRss = process.memoryUsage().rss;
      let peakRss = idleRss;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 100);
      let cpuAtStart = process.cpuUsage();
      console.error(
        `[${engine}] ${options.warmup} s warm-up, then ${options.duration} s with ${options.connections} connections on GET ${options.path} …`,
      );
      let result: LoadResult;
      try {
        result = await generateLoad(
          {
            url: `${base}${options.path}`,
            headers: { cookie: browser.cookieHeader() },
            connections: options.connections,
            duration: options.duration,
            warmup: options.warmup,
          },
          () => {
            cpuAtStart = process.cpuUsage();
          },
        );
      } finally {
        clearInterval(sampler);
      }
      const cpu = process.cpuUsage(cpuAtStart);
      return {
        engine,
        path: options.path,
        requestsPerSecond: Math.round(result.requests.average),
        requestsPerSecondMin: result.requests.min,
        latencyP50Ms: result.latency.p50,
        latencyP99Ms: result.latency.p99,
        latencyMaxMs: result.latency.max,
        requests: result.requests.total,
        ok2xx: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        peakRssMb: mb(peakRss),
        idleRssMb: mb(idleRss),
        serverCpuMsPerRequest:
          Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, result.requests.total)) * 1000) / 1000,
        connections: options.connections,
        durationSeconds: options.duration,
      };
    } finally {
      await app.close();
    }
  } finally {
    await database.cleanup();
  }
}

function printTable(figures: EngineFigures[]) {
  const rows = [
    [
      'engine',
      'req/s',
      'worst s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'requests',
      'non-2xx',
      'errors',
      'peak RSS MB',
      'CPU ms/req',
    ],
    ...figures.map((f) => [
      f.engine,
      String(f.requestsPerSecond),
      String(f.requestsPerSecondMin),
      String(f.latencyP50Ms),
      String(f.latencyP99Ms),
      String(f.latencyMaxMs),
      String(f.requests),
      String(f.non2xx),
      String(f.errors),
      String(f.peakRssMb),
      String(f.serverCpuMsPerRequest),
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  for (const row of rows)
    console.log(row.map((value, column) => value.padStart(widths[column] ?? 0)).join('  '));
}

/**
 * One engine's run in a process of its own, so that each peak RSS is that engine's alone (PGlite's
 * WebAssembly heap would otherwise stay in the figure of the PostgreSQL run after it).
 */
function benchEngineInChild(
  engine: Engine,
  options: ReturnType<typeof parseOptions>,
): Promise<EngineFigures> {
  const script = fileURLToPath(import.meta.url);
  const args = [
    ...process.execArgv,
    script,
    `--engine=${engine}`,
    `--connections=${options.connections}`,
    `--duration=${options.duration}`,
    `--warmup=${options.warmup}`,
    `--path=${options.path}`,
    ...(options.pool !== undefined ? [`--pool=${options.pool}`] : []),
    ...(options.sessionCache !== undefined ? [`--session-cache=${options.sessionCache}`] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('exit', () => {
      const line = output.split('\n').find((text) => text.startsWith('BENCH '));
      const figures = line
        ? (JSON.parse(line.slice('BENCH '.length)) as Record<string, EngineFigures>)[engine]
        : undefined;
      if (figures) resolve(figures);
      else reject(new Error(`the ${engine} run printed no figures:\n${output}`));
    });
  });
}

const options = parseOptions();
const figures: EngineFigures[] = [];
for (const engine of options.engines) {
  figures.push(
    options.engines.length > 1
      ? await benchEngineInChild(engine, options)
      : await benchEngine(engine, options),
  );
}
console.log('');
printTable(figures);
const bad = figures.filter((f) => f.non2xx > 0 || f.errors > 0 || f.timeouts > 0);
for (const f of bad) {
  console.error(
    `[${f.engine}] NOT ALL ANSWERS WERE 2xx: ${f.non2xx} non-2xx, ${f.errors} errors (${f.timeouts} of them timeouts)`,
  );
}
console.log(`BENCH ${JSON.stringify(Object.fromEntries(figures.map((f) => [f.engine, f])))}`);
process.exitCode = bad.length > 0 ? 1 : 0;
