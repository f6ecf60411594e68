import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, joinedCitizen, PASSWORD, type TestApp, TestClient } from '../../../test/app.ts';
import { createTestDatabase } from '../../../test/db.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import type { Jobs } from '../../platform/jobs/index.ts';
import { ERASE_QUEUE } from './index.ts';

async function completed(jobs: Jobs, id: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await jobs.find(ERASE_QUEUE, id);
    if (job?.state === 'completed') return job;
    if (job?.state === 'failed' || Date.now() > until)
      throw new Error(`erasure job ${id}: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Rows about the person left in any table that has a participant_id column, read from the live schema. */
async function rowsLeft(app: Pick<TestApp, 'database'>, participantId: string) {
  const db = app.database.db;
  const { rows: tables } = await sql<{ table: string }>`
    SELECT DISTINCT table_name AS table FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name = 'participant_id'`.execute(db);
  const left: Record<string, number> = {};
  for (const { table } of tables) {
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE participant_id = ${participantId}`.execute(
      db,
    );
    left[table] = rows[0]?.n ?? 0;
  }
  return { tables: tables.map((t) => t.table), left };
}

describe('leaving the Citizen Lab', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.stop());

  async function withChoices() {
    const citizen = await joinedCitizen(app);
    const catalogue = await app
      .client()
      .get<{ purposes: { purposeKey: string; version: number }[] }>('/api/v1/consent/purposes');
    for (const document of catalogue.body.purposes.slice(0, 3)) {
      await citizen.client.post('/api/v1/me/consents', {
        purposeKey: document.purposeKey,
        decision: 'granted',
        documentVersion: document.version,
      });
    }
    return citizen;
  }

  it('"stop" refuses every purpose from now on, keeps the account and the history, and is audited', async () => {
    const { client, accountId } = await withChoices();
    const answer = await client.post('/api/v1/me/leave', { mode: 'stop', confirm: true });
    expect(answer.status).toBe(200);
    const consents = await client.get<{ purposes: { decision: string | null; effective: boolean }[] }>(
      '/api/v1/me/consents',
    );
    expect(consents.body.purposes.every((p) => p.decision === 'refused' && !p.effective)).toBe(true);
    const history = await client.get<{ events: unknown[] }>('/api/v1/me/consents/history');
    expect(history.body.events.length).toBe(3 + 7);
    expect((await client.get('/api/v1/me')).status).toBe(200);
    expect((await client.get<{ leftAt: string | null }>('/api/v1/me/profile')).body.leftAt).toMatch(
      /^\d{4}-/,
    );
    const [entry] = (await app.audit.search({ participantId: accountId, limit: 50 })).filter(
      (e) => e.action === 'participant.leave',
    );
    expect(entry?.details).toEqual({ mode: 'stop' });
  });

  it('"erase" signs the person out at once, then a job removes every row about them and leaves a tombstone that cannot sign in', async () => {
    const { client, accountId, email } = await withChoices();
    const answer = await client.post<{ mode: string; jobId: string }>('/api/v1/me/leave', {
      mode: 'erase',
      confirm: true,
    });
    expect(answer.status).toBe(202);
    expect((await client.get('/api/v1/me')).status).toBe(401);

    const job = await completed(app.jobs, answer.body.jobId);
    const { tables, left } = await rowsLeft(app, accountId);
    expect(tables).toEqual(expect.arrayContaining(['participants', 'consent_events', 'consent_state']));
    expect(
      Object.values(left).every((n) => n === 0),
      JSON.stringify(left),
    ).toBe(true);
    expect(job.output).toMatchObject({
      removed: expect.arrayContaining([
        { table: 'participants', removed: 1 },
        { table: 'consent_events', removed: 3 },
        { table: 'accounts', removed: 1 },
      ]),
    });

    const { rows } = await sql<{ email: string; password_hash: string | null; erased_at: Date | null }>`
      SELECT email, password_hash, erased_at FROM accounts WHERE id = ${accountId}`.execute(app.database.db);
    expect(rows[0]).toMatchObject({ email: `erased-${accountId}@erased.invalid`, password_hash: null });
    expect(rows[0]?.erased_at).toBeInstanceOf(Date);
    expect((await app.outbox.list({ limit: 1000 })).some((m) => m.to.includes(email))).toBe(false);
    const again = await app.client().post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect(again.status).toBe(401);

    const [entry] = (await app.audit.search({ participantId: accountId, limit: 50 })).filter(
      (e) => e.action === 'participant.erase',
    );
    expect(entry?.details).toMatchObject({ participants: 1, consent_events: 3, accounts: 1 });
  });

  it('asks for a confirmed choice', async () => {
    const { client } = await joinedCitizen(app);
    const answer = await client.post('/api/v1/me/leave', { mode: 'vanish' });
    expect((answer.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      '#/confirm',
      '#/mode',
    ]);
  });
});

it('an erasure asked for just before a restart is carried out by the next process', async () => {
  const testDb = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    TOPFIT_SECRET: 'test-secret-of-at-least-thirty-two-characters',
    PUBLIC_URL: 'http://topfit.test',
  });
  const asTestApp = (app: Awaited<ReturnType<typeof buildApp>>): TestApp => {
    const outbox = app.mailer.outbox;
    if (!outbox) throw new Error('no capture');
    return {
      ...app,
      outbox,
      client: () => new TestClient(app),
      now: () => Date.now(),
      stop: () => app.close(),
    };
  };
  // The first process looks for work only once a minute: it stops before it gets to the job.
  const first = asTestApp(
    await buildApp(config, { database: testDb.database, webRoot: null, jobPollingSeconds: 60 }),
  );
  let second: TestApp | undefined;
  try {
    const { client, accountId } = await joinedCitizen(first);
    const answer = await client.post<{ jobId: string }>('/api/v1/me/leave', { mode: 'erase', confirm: true });
    await first.close();
    expect((await rowsLeft(first, accountId)).left.participants).toBe(1);

    second = asTestApp(
      await buildApp(config, { database: testDb.database, webRoot: null, jobPollingSeconds: 0.5 }),
    );
    await completed(second.jobs, answer.body.jobId);
    expect(Object.values((await rowsLeft(second, accountId)).left).every((n) => n === 0)).toBe(true);
  } finally {
    await second?.close();
    await testDb.drop();
  }
});
