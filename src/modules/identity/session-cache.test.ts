import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, createTestApp, PASSWORD, signUpCitizen, type TestApp } from '../../../test/app.ts';
import { type CachedSession, createSessionCache } from './session-cache.ts';

const entry = (accountId: string, loadedAt: number) =>
  ({ row: { account_id: accountId }, loadedAt }) as CachedSession;

describe('the session cache', () => {
  it('answers within its time to live and forgets afterwards', () => {
    const cache = createSessionCache(5000);
    cache.set('t1', entry('a', 1000));
    expect(cache.get('t1', 5999)).toBeDefined();
    expect(cache.get('t1', 6000)).toBeUndefined();
  });

  it('drops every session of an account at once', () => {
    const cache = createSessionCache(5000);
    cache.set('t1', entry('a', 0));
    cache.set('t2', entry('a', 0));
    cache.set('t3', entry('b', 0));
    cache.forgetAccount('a');
    expect([cache.get('t1', 1), cache.get('t2', 1), cache.get('t3', 1) !== undefined]).toEqual([
      undefined,
      undefined,
      true,
    ]);
  });

  it('holds at most its maximum, dropping the oldest first', () => {
    const cache = createSessionCache(5000, 2);
    cache.set('t1', entry('a', 0));
    cache.set('t2', entry('b', 0));
    cache.set('t3', entry('c', 0));
    expect(cache.size).toBe(2);
    expect(cache.get('t1', 1)).toBeUndefined();
  });

  it('keeps nothing when its time to live is zero', () => {
    const cache = createSessionCache(0);
    cache.set('t1', entry('a', 0));
    expect(cache.size).toBe(0);
  });
});

describe('sessions served from the cache', () => {
  let app: TestApp;
  let offset = 0;
  beforeAll(async () => {
    app = await createTestApp({
      clock: () => new Date(Date.now() + offset),
      env: { SESSION_CACHE_SECONDS: '30' },
    });
  });
  afterAll(() => app?.stop());

  it('a session ended behind this process’s back is honoured when the cached copy expires', async () => {
    const { client, accountId } = await signUpCitizen(app);
    expect((await client.get('/api/v1/me')).status).toBe(200);
    // As if another process ended it: straight in the database, no cache invalidation here.
    await sql`UPDATE sessions SET ended_at = now() WHERE account_id = ${accountId}`.execute(app.database.db);
    expect((await client.get('/api/v1/me')).status).toBe(200);
    offset += 31_000;
    expect((await client.get('/api/v1/me')).status).toBe(401);
    // Back to real time: the next tests make two-factor codes from the real clock (a clock 31 s ahead put the
    // server one or, near the end of a 30-second step, two steps ahead: a wrong code about one run in thirty).
    offset = 0;
  });

  it('a change made through the platform applies to the next request, cache or not', async () => {
    const admin = await createStaff(app, ['administrator']);
    const staff = await createStaff(app, ['researcher', 'coach']);
    const before = await staff.client.get<{ roles: { membershipId: string; role: string }[] }>('/api/v1/me');
    const coach = before.body.roles.find((r) => r.role === 'coach');
    expect(coach).toBeDefined();
    expect((await admin.client.delete(`/api/v1/admin/memberships/${coach?.membershipId}`)).status).toBe(204);
    const after = await staff.client.get<{ roles: { role: string }[] }>('/api/v1/me');
    expect(after.body.roles.map((r) => r.role)).toEqual(['researcher']);

    await staff.client.patch('/api/v1/me', { displayName: 'Renamed' });
    expect((await staff.client.get('/api/v1/me')).body).toMatchObject({
      account: { displayName: 'Renamed' },
    });
  });

  it('a session ended from another device is refused at once, though it was just cached', async () => {
    const { client: laptop, email } = await signUpCitizen(app);
    const phone = app.client();
    await phone.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect((await phone.get('/api/v1/me')).status).toBe(200);
    const sessions = await laptop.get<{ sessions: { id: string; current: boolean }[] }>(
      '/api/v1/me/sessions',
    );
    const other = sessions.body.sessions.find((s) => !s.current);
    expect((await laptop.delete(`/api/v1/me/sessions/${other?.id}`)).status).toBe(204);
    expect((await phone.get('/api/v1/me')).status).toBe(401);
  });
});
