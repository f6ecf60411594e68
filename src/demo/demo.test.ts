import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactory, createTestApp, signUpCitizen, type TestApp } from '../../test/app.ts';
import { createTestDatabase } from '../../test/db.ts';
import { migrationSources } from '../migrations.ts';
import { createIdentitySeeder } from '../modules/identity/index.ts';
import { migrate } from '../platform/db/index.ts';
import { findrisc } from '../science/index.ts';
import {
  DEMO_DOMAIN,
  DEMO_STAFF,
  type DemoOptions,
  DemoRefusedError,
  type DemoResult,
  demoStatus,
  loadDemo,
  resetDemoDatabase,
} from './index.ts';

// A small demo region loaded into a real database the way `topfit demo` and the first `npm start` load it,
// then read back through the services and the API a citizen and the staff use.

const REFERENCE = new Date('2026-11-20T10:00:00Z');
const SMALL: DemoOptions = { seed: 'demo-test', citizens: 240, cgmShare: 0.05, cgmDays: 14, chunkSize: 60 };

let app: TestApp;
let result: DemoResult;
let interrupted: unknown;
const browser = clientFactory(() => app, 6);

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await app.database.bulk((session) => session.query<{ n: number }>(sql, values));
  return Number(rows[0]?.n ?? 0);
}

beforeAll(async () => {
  app = await createTestApp();
  // The first load is cut off after its second chunk, as a closed terminal would cut it off …
  let chunks = 0;
  interrupted = await loadDemo(app.database, SMALL, {
    clock: () => REFERENCE,
    onProgress: () => {
      chunks++;
      if (chunks === 2) throw new Error('interrupted');
    },
  }).catch((error: unknown) => error);
  // … and the next one finishes it.
  result = await loadDemo(app.database, SMALL, { clock: () => REFERENCE });
}, 120_000);
afterAll(() => app?.stop());

describe('loading the demo region', () => {
  it('resumes an interrupted load where it stopped, writing nobody twice', async () => {
    expect(interrupted).toBeInstanceOf(Error);
    expect(result.outcome).toBe('resumed');
    expect(await count('SELECT count(*)::int AS n FROM participants')).toBe(SMALL.citizens);
    expect(await count(`SELECT count(*)::int AS n FROM accounts WHERE email LIKE '%@${DEMO_DOMAIN}'`)).toBe(
      SMALL.citizens + DEMO_STAFF.length,
    );
    expect((await demoStatus(app.database))?.run).toMatchObject({
      chunksDone: new Set([0, 1, 2, 3]),
      finishedAt: expect.any(Date),
    });
    const again = await loadDemo(app.database, SMALL, { clock: () => REFERENCE });
    expect(again.outcome).toBe('present');
    expect(await count('SELECT count(*)::int AS n FROM participants')).toBe(SMALL.citizens);
  });

  it('writes rows that satisfy every foreign key of the schema, though the load did not check them one by one', async () => {
    const { rows: keys } = await app.database.bulk((session) =>
      session.query<{ name: string; child: string; parent: string; pairs: [string, string][] }>(
        `SELECT c.conname AS name, c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent,
                (SELECT json_agg(json_build_array(quote_ident(ca.attname), quote_ident(pa.attname)))
                 FROM unnest(c.conkey, c.confkey) AS k(child_att, parent_att)
                 JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = k.child_att
                 JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.parent_att) AS pairs
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
         WHERE c.contype = 'f' AND n.nspname = 'public' AND c.conparentid = 0`,
      ),
    );
    expect(keys.length).toBeGreaterThan(8);
    for (const key of keys) {
      const present = key.pairs.map(([child]) => `c.${child} IS NOT NULL`).join(' AND ');
      const matches = key.pairs.map(([child, parent]) => `p.${parent} = c.${child}`).join(' AND ');
      const orphans = await count(
        `SELECT count(*)::int AS n FROM ${key.child} c WHERE ${present}
         AND NOT EXISTS (SELECT 1 FROM ${key.parent} p WHERE ${matches})`,
      );
      expect(orphans, `${key.name} on ${key.child}`).toBe(0);
    }
  });

  it('gives every member a decision on each of the seven purposes, the state derived from the events', async () => {
    expect(await count('SELECT count(*)::int AS n FROM consent_state')).toBe(SMALL.citizens * 7);
    // The state is the latest event of each participant and purpose.
    expect(
      await count(`
        SELECT count(*)::int AS n FROM consent_state s
        WHERE s.event_id <> (SELECT max(e.id) FROM consent_events e
                             WHERE e.participant_id = s.participant_id AND e.purpose_key = s.purpose_key)`),
    ).toBe(0);
    const research = await count(
      `SELECT count(*)::int AS n FROM consent_state WHERE purpose_key = 'research' AND decision = 'granted'`,
    );
    expect(research).toBeGreaterThan(SMALL.citizens * 0.5);
    expect(research).toBeLessThan(SMALL.citizens);
  });

  it('stores FINDRISC forms whose scores are what the form gives for the stored answers', async () => {
    const { rows } = await app.database.bulk((session) =>
      session.query<{ score: number; input: Parameters<typeof findrisc>[0] }>(
        `SELECT score, input FROM questionnaire_scores WHERE model = 'findrisc'`,
      ),
    );
    expect(rows.length).toBeGreaterThan(SMALL.citizens * 0.7);
    for (const row of rows) expect(row.score).toBe(findrisc(row.input).score);
  });

  it('gives every CGM wearer a fortnight of readings, steps and weighings, and summaries when they allow insights', async () => {
    const wearers = await count(
      `SELECT count(DISTINCT participant_id)::int AS n FROM observations WHERE code = '105272-9'`,
    );
    expect(wearers).toBeGreaterThanOrEqual(3);
    const perWearer = await app.database.bulk((session) =>
      session.query<{ readings: number; days: number }>(
        `SELECT count(*)::int AS readings,
                (extract(epoch FROM max(effective_at) - min(effective_at)) / 86400)::float8 AS days
         FROM observations WHERE code = '105272-9' GROUP BY participant_id`,
      ),
    );
    for (const wearer of perWearer.rows) {
      expect(wearer.days).toBeGreaterThan(12);
      // 14 local days: one hour more when they cross the end of summer time.
      expect(wearer.days).toBeLessThanOrEqual(14 + 1 / 24);
      // 5-minute (288 a day) or 15-minute (96 a day) devices, with some time lost to gaps.
      expect(wearer.readings).toBeGreaterThan(96 * 14 * 0.7);
    }
    // Stored as the device showed them (mmol/L, one decimal; 'LO'/'Low' at the sensor's edge), with the
    // Amsterdam offset of each moment: +1 h in winter, +2 h in summer time.
    expect(
      await count(`SELECT count(*)::int AS n FROM observations WHERE code = '105272-9' AND flag IS NULL
                   AND abs(value - original_value::float8) > 1e-9`),
    ).toBe(0);
    expect(
      await count(`SELECT count(*)::int AS n FROM observations WHERE utc_offset_minutes <>
                   CASE WHEN (effective_at AT TIME ZONE 'Europe/Amsterdam') - (effective_at AT TIME ZONE 'UTC') = interval '2 hours'
                        THEN 120 ELSE 60 END`),
    ).toBe(0);
    expect(
      await count(`SELECT count(DISTINCT participant_id)::int AS n FROM observations WHERE code = '55423-8'`),
    ).toBe(wearers);
    const withInsights = await count(`
      SELECT count(DISTINCT o.participant_id)::int AS n FROM observations o
      JOIN consent_state s ON s.participant_id = o.participant_id AND s.purpose_key = 'personal_insights' AND s.decision = 'granted'
      WHERE o.code = '105272-9'`);
    expect(await count('SELECT count(*)::int AS n FROM glucose_summaries')).toBe(withInsights * 2);
    expect(await count(`SELECT count(*)::int AS n FROM observation_imports WHERE status = 'done'`)).toBe(
      wearers * 3,
    );
  });

  it('lets a featured citizen sign in with one click and read her own glucose report, risk and trends', async () => {
    expect(result.featured.map((f) => f.email)).toEqual([
      `citizen@${DEMO_DOMAIN}`,
      `citizen.prediabetes@${DEMO_DOMAIN}`,
      `citizen.type2@${DEMO_DOMAIN}`,
    ]);
    const client = browser();
    expect(
      (await client.post('/api/v1/demo/sign-in', { email: `citizen.type2@${DEMO_DOMAIN}` })).status,
    ).toBe(200);
    const report = await client.get<{ metrics: { gmiPercent: number; days: number } }>(
      '/api/v1/me/glucose/report?days=14',
    );
    expect(report.status).toBe(200);
    expect(report.body.metrics.gmiPercent).toBeGreaterThan(6);
    const scores = await client.get<{ scores: { model: string }[] }>('/api/v1/me/scores');
    expect(scores.body.scores.map((s) => s.model)).toContain('findrisc');
    const steps = await client.get<{ points: unknown[] }>('/api/v1/me/trends?code=steps&days=90');
    expect(steps.status).toBe(200);
    expect(steps.body.points.length).toBeGreaterThan(60);
  });

  it('lets each staff member sign in with one click, past the second factor', async () => {
    for (const member of DEMO_STAFF) {
      const client = browser();
      expect((await client.post('/api/v1/demo/sign-in', { email: member.email })).status).toBe(200);
      const me = await client.get<{ roles: { role: string }[]; session: { mfaVerified: boolean } }>(
        '/api/v1/me',
      );
      expect(me.body.session.mfaVerified).toBe(true);
      expect(JSON.stringify(me.body.roles)).toContain(member.role);
    }
    const programme = browser();
    await programme.post('/api/v1/demo/sign-in', { email: `programme@${DEMO_DOMAIN}` });
    const overview = await programme.get<{ total: number }>('/api/v1/panel/overview');
    expect(overview.status).toBe(200);
  });

  it('gives the demo coach a caseload of members who share with her, whose glucose reports she can open', async () => {
    const coach = browser();
    await coach.post('/api/v1/demo/sign-in', { email: `coach@${DEMO_DOMAIN}` });
    const caseload = await coach.get<{
      members: { participantId: string; displayName: string; sharing: boolean }[];
    }>('/api/v1/me/caseload');
    expect(caseload.status).toBe(200);
    const names = caseload.body.members.map((m) => m.displayName);
    for (const featured of result.featured.slice(1)) expect(names).toContain(featured.displayName);
    expect(caseload.body.members.every((m) => m.sharing)).toBe(true);
    const first = caseload.body.members[0];
    const report = await coach.get<{ available: boolean }>(
      `/api/v1/participants/${first?.participantId}/glucose/report?days=14`,
    );
    expect(report.status).toBe(200);
    expect(report.body.available).toBe(true);
  });

  it('refuses another demo over this one, and any demo in a database with real people', async () => {
    await expect(loadDemo(app.database, { ...SMALL, citizens: 300 })).rejects.toThrow(/another demo/);
    const other = await createTestApp();
    try {
      await signUpCitizen(other, other.client());
      await expect(loadDemo(other.database, SMALL)).rejects.toBeInstanceOf(DemoRefusedError);
      await expect(resetDemoDatabase(other.database)).rejects.toThrow(/outside demo\.topfit\.example/);
      expect(await demoStatus(other.database)).toBeUndefined();
    } finally {
      await other.stop();
    }
  });
});

describe('resetting a demo database', () => {
  it('empties a database that holds only demo accounts, and it migrates again from nothing', async () => {
    const test = await createTestDatabase();
    try {
      await test.database.bulk((session) =>
        createIdentitySeeder(test.database.db).accounts(session, [
          {
            id: DEMO_STAFF[0]?.id as string,
            email: `admin@${DEMO_DOMAIN}`,
            displayName: 'Demo',
            locale: 'nl',
            passwordHash: null,
            createdAt: new Date(),
            memberships: [],
          },
        ]),
      );
      await resetDemoDatabase(test.database);
      const report = await migrate(test.database, migrationSources);
      expect(report.alreadyApplied).toBe(0);
      expect(report.applied.length).toBeGreaterThan(5);
      expect((await createIdentitySeeder(test.database.db).census(DEMO_DOMAIN)).accounts).toBe(0);
    } finally {
      await test.drop();
    }
  });
});
