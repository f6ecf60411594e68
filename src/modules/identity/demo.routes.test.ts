import { randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactory, createTestApp, PASSWORD, type TestApp } from '../../../test/app.ts';
import { loadConfig } from '../../config.ts';
import { DEMO_DOMAIN } from '../../demo/index.ts';
import { createIdentitySeeder } from './index.ts';

// One-click sign-ins of a demo installation: only accounts of the demo domain that have a password, a session
// that counts as two-factor, an audit entry; and none at all in production.

let app: TestApp;
const browser = clientFactory(() => app, 5);
const tag = randomUUID().slice(0, 8);
const steward = { id: randomUUID(), email: `steward-${tag}@${DEMO_DOMAIN}` };
const member = { id: randomUUID(), email: `member-${tag}@${DEMO_DOMAIN}` };
const real = { id: randomUUID(), email: `real-${tag}@example.org` };

beforeAll(async () => {
  app = await createTestApp();
  const seeder = createIdentitySeeder(app.database.db);
  const passwordHash = await hash(PASSWORD, { algorithm: 2 });
  const createdAt = new Date();
  await app.database.bulk((session) =>
    seeder.accounts(session, [
      {
        ...steward,
        displayName: 'Demo Steward',
        locale: 'nl',
        passwordHash,
        createdAt,
        memberships: [{ role: 'data_steward', organisationId: null }],
      },
      {
        ...member,
        displayName: 'Demo Member',
        locale: 'en',
        passwordHash: null,
        createdAt,
        memberships: [{ role: 'citizen', organisationId: null }],
      },
      {
        ...real,
        displayName: 'Real Person',
        locale: 'nl',
        passwordHash,
        createdAt,
        memberships: [{ role: 'administrator', organisationId: null }],
      },
    ]),
  );
});
afterAll(() => app?.stop());

describe('demo sign-ins', () => {
  it('lists the demo accounts that have a password, with their roles, and no account outside the demo domain', async () => {
    const answer = await browser().get<{ accounts: { email: string; roles: string[] }[] }>(
      '/api/v1/demo/sign-ins',
    );
    expect(answer.status).toBe(200);
    const emails = answer.body.accounts.map((a) => a.email);
    expect(emails).toContain(steward.email);
    expect(emails).not.toContain(member.email);
    expect(emails).not.toContain(real.email);
    expect(answer.body.accounts.find((a) => a.email === steward.email)?.roles).toEqual(['data_steward']);
  });

  it('signs a staff member in with one click, past the second factor, and audits it as a demo sign-in', async () => {
    const client = browser();
    const answer = await client.post('/api/v1/demo/sign-in', { email: steward.email.toUpperCase() });
    expect(answer.status).toBe(200);
    const me = await client.get<{
      account: { id: string };
      roles: string[];
      session: { mfaVerified: boolean; mfaSetupRequired: boolean };
    }>('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.account.id).toBe(steward.id);
    expect(me.body.session).toMatchObject({ mfaVerified: true, mfaSetupRequired: false });
    const entries = await app.audit.search({ participantId: steward.id, limit: 10 });
    const signIn = entries.find(
      (e) => e.action === 'session.sign_in' && e.requestId === answer.headers['x-request-id'],
    );
    expect(signIn?.outcome).toBe('success');
    expect(signIn?.details).toEqual({ demo: true });
  });

  it('answers 404 for an address outside the demo domain, a demo account without a password, and an unknown one', async () => {
    for (const email of [real.email, member.email, `nobody-${tag}@${DEMO_DOMAIN}`]) {
      const client = browser();
      const answer = await client.post<{ code: string }>('/api/v1/demo/sign-in', { email });
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('not_found');
      expect((await client.get('/api/v1/me')).status).toBe(401);
    }
  });

  it('is off in production, where the demo is never loaded either', () => {
    const production = loadConfig({
      NODE_ENV: 'production',
      TOPFIT_SECRET: 'production-secret-of-at-least-thirty-two-chars',
      PUBLIC_URL: 'https://topfit.example.org',
      SMTP_URL: 'smtp://mail.example.org:587',
    });
    expect(production.demo).toEqual({ autoLoad: false, signIns: false });
    expect(loadConfig({ NODE_ENV: 'development' }).demo).toEqual({ autoLoad: true, signIns: true });
    expect(loadConfig({ NODE_ENV: 'development', TOPFIT_DEMO: 'off' }).demo.autoLoad).toBe(false);
    expect(
      loadConfig({ NODE_ENV: 'development', DATABASE_URL: 'postgres://localhost/topfit' }).demo.autoLoad,
    ).toBe(false);
  });
});
