/**
 * `npm run bench -- research [--citizens 1000000] [--cgm-share 0.01] [--requests 40]` on the machine's PostgreSQL:
 * loads the synthetic region (as `npm run bench -- region`), then a study's team asks for feasibility with five
 * criteria (age, sex, municipality, FINDRISC within 12 months, CGM wear) after the two required consents,
 * `--requests` times one after the other (after 3 warm-up requests), through the research service as the API
 * does, each after one member changed their research consent. Reports the first count's time (it recomputes
 * every member's eligibility facts after the load), p50/p95/max and the funnel.
 *
 * Then the extract: `--extract-participants` (10,000) CGM wearers of the region take part in the study (those
 * of them without research consent grant it first, as members do on the web), the team asks for their CGM
 * readings, a data steward approves, and the extract job writes them to CSV with its codebook, scripts and
 * manifest, in this process as the platform runs it. Reports rows, bytes, the job's time (its start to its end,
 * as the extract records them), rows/s and this process's peak RSS while the job ran.
 *
 * Targets (issue 7): the feasibility count with five criteria on the 1,000,000-citizen region, p95 under 500 ms;
 * an extract of 10,000 participants × 14 days of CGM to CSV at least 500,000 rows/s with RSS under 300 MB.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { loadDemo } from '../src/demo/index.ts';
import { createConsentChecker } from '../src/modules/consent/index.ts';
import { cgmWear } from '../src/modules/insights/index.ts';
import type { Actor } from '../src/platform/access/index.ts';
import { percentile, prepareDatabase, SECRET } from './support/platform.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '1000000' },
    'cgm-share': { type: 'string', default: '0.01' },
    requests: { type: 'string', default: '40' },
    'extract-participants': { type: 'string', default: '10000' },
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
  let closed = false;
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
    // As autovacuum would after a load: statistics for the planner, and pages marked all-visible (index-only scans).
    await sql`VACUUM ANALYZE`.execute(app.database.db);

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
    // Before each count one member changes their mind about research (as members do on the web, untimed), so
    // that every count first recomputes someone's eligibility facts, as it would on a living panel.
    const changing = await membersChangingTheirMind(app, requests + 3);
    let firstMs = 0;
    for (let i = 0; i < requests + 3; i++) {
      const member = changing[i];
      if (i > 0 && member) {
        await app.consent.decide(
          { accountId: member.participant_id, roles: ['citizen'], mfaVerified: false },
          { purposeKey: 'research', decision: member.granted ? 'refused' : 'granted', documentVersion: 1 },
        );
      }
      const started = performance.now();
      const answer = await app.research.feasibility(researcher, study.id, criteria);
      // The first count after the load recomputes every member's facts; it is reported on its own.
      if (i === 0) firstMs = performance.now() - started;
      if (i >= 3) latencies.push(performance.now() - started);
      funnel = answer.funnel.map((step) => [step.step, step.count]);
    }
    latencies.sort((a, b) => a - b);
    const requestId = await prepareExtract(app, researcher, Number(values['extract-participants']));
    await app.close();
    closed = true;
    const extract = await extractInChild(
      { LOG_LEVEL: 'warn', TOPFIT_SECRET: SECRET, TOPFIT_DEMO: 'off', ...database.env },
      researcher,
      requestId,
    );
    const result = {
      citizens: Number(values.citizens),
      'load s': Math.round(loadSeconds),
      'first count s': Math.round(firstMs / 100) / 10,
      requests,
      'p50 ms': Math.round(percentile(latencies, 0.5)),
      'p95 ms': Math.round(percentile(latencies, 0.95)),
      'max ms': Math.round(latencies.at(-1) ?? 0),
    };
    console.table([result]);
    console.table([extract]);
    console.log(JSON.stringify({ ...result, funnel, extract }, null, 2));
  } finally {
    if (!closed) await app.close();
    await database.cleanup();
  }
}

type BenchApp = Awaited<ReturnType<typeof buildApp>>;

/** `count` members, spread over the panel (fixed by a hash), and whether their research consent is granted. */
async function membersChangingTheirMind(app: BenchApp, count: number) {
  const { rows } = await sql<{ participant_id: string }>`
    SELECT participant_id FROM participants ORDER BY md5(participant_id::text) LIMIT ${count}`.execute(
    app.database.db,
  );
  const ids = rows.map((row) => row.participant_id);
  const consenting = await createConsentChecker(app.database.db)('research', ids);
  return ids.map((id) => ({ participant_id: id, granted: consenting.has(id) }));
}

/** `count` CGM wearers take part in a study; its team asks for their readings, and a steward approves. */
async function prepareExtract(app: BenchApp, researcher: Actor, count: number): Promise<string> {
  const db = app.database.db;
  const wearers = (
    await sql<{ participant_id: string }>`
      SELECT participant_id FROM (${cgmWear()}) w WHERE w.wear_days >= 13 ORDER BY participant_id LIMIT ${count}`.execute(
      db,
    )
  ).rows.map((row) => row.participant_id);
  console.error(`${wearers.length.toLocaleString('en')} CGM wearers take part in the extract's study …`);
  const { accountId: stewardId } = await app.identity.admin.createUser({
    email: 'steward@bench.example',
    displayName: 'Bench steward',
    roles: ['data_steward'],
    organisationId: null,
    locale: 'en',
  });
  const steward: Actor = { accountId: stewardId, roles: ['data_steward'], mfaVerified: true };
  const study = await app.research.create(researcher, {
    title: { nl: 'Extract', en: 'Extract' },
    summary: { nl: 'Extract', en: 'Extract' },
    consent: { nl: 'Extract', en: 'Extract' },
  });
  await app.research.update(researcher, study.id, {
    ethics: { committee: 'METC', reference: 'NL0', decidedOn: '2026-01-01', documentSha256: 'a'.repeat(64) },
  });
  await app.research.advance(steward, study.id, 'approved');
  const open = await app.research.advance(researcher, study.id, 'recruiting');
  const consenting = await createConsentChecker(db)('research', wearers);
  for (const participantId of wearers) {
    const member: Actor = { accountId: participantId, roles: ['citizen'], mfaVerified: false };
    if (!consenting.has(participantId)) {
      await app.consent.decide(member, { purposeKey: 'research', decision: 'granted', documentVersion: 1 });
    }
    await app.research.enrol(member, study.id, {
      consentVersion: open.consent.version,
      consentSha256: open.consent.sha256,
    });
  }
  const request = await app.dataAccess.request(researcher, study.id, {
    datasets: [
      { dataset: 'cgm', variables: ['time_utc', 'utc_offset_min', 'glucose_mmol_l', 'out_of_range'] },
    ],
    period: { from: '2020-01-01', to: new Date().toISOString().slice(0, 10) },
    purpose: 'Benchmark',
    formats: ['csv'],
  });
  await app.dataAccess.decide(steward, request.id, { status: 'approved' });

  return request.id;
}

/**
 * Runs the extract in a platform process of its own (bench/support/extract-child.ts: builds the app, starts the
 * extract as the researcher, waits for it), as a server process runs the job; its peak RSS is VmHWM, read until
 * it exits. The bench's own app is closed by then, so no other process takes the job.
 */
async function extractInChild(env: Record<string, string>, researcher: Actor, requestId: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bench/support/extract-child.ts'), researcher.accountId, requestId],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let peakKb = 0;
  const sampler = setInterval(async () => {
    try {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // The process has just exited.
    }
  }, 100);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`the extract process exited with ${code}`);
  const result = JSON.parse(output) as { participants: number; rows: number; bytes: number; seconds: number };
  return {
    participants: result.participants,
    rows: result.rows,
    'CSV MB': Math.round(result.bytes / 1e6),
    s: Math.round(result.seconds * 10) / 10,
    'rows/s': Math.round(result.rows / result.seconds),
    'peak RSS MB': Math.round(peakKb / 1024),
  };
}

await main();
