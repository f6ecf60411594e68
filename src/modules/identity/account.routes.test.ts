import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  clientFactory,
  createStaff,
  createTestApp,
  linkToken,
  PASSWORD,
  signUpCitizen,
  type TestApp,
  type TestClient,
  totpCode,
  uniqueEmail,
} from '../../../test/app.ts';
import type { Role } from '../../platform/access/index.ts';

// The signed-in person's own pages: /me, password, sessions and two factors. This platform runs
// behind HTTPS (PUBLIC_URL https://…), so its cookies must be Secure.

let app: TestApp;
/** How far the platform's clock runs ahead of the real one; reset after every test. */
let offset = 0;

beforeAll(async () => {
  app = await createTestApp({
    clock: () => new Date(Date.now() + offset),
    env: { PUBLIC_URL: 'https://topfit.test' },
  });
});
afterAll(() => app?.stop());
afterEach(() => {
  offset = 0;
});

/** A browser from an address of its own, so that one test's requests never meet another's rate limits. */
const browser = clientFactory(() => app, 2);

/** A TOTP code of a time step not used before: moves the platform clock on by one step. */
function nextCode(secret: string): string {
  offset += 30_000;
  return totpCode(secret, Date.now() + offset);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Me {
  account: {
    id: string;
    email: string;
    displayName: string;
    locale: string;
    emailVerified: boolean;
    mfaEnabled: boolean;
    createdAt: string;
  };
  roles: { membershipId: string; role: Role; organisation: unknown }[];
  session: { id: string; mfaVerified: boolean; mfaSetupRequired: boolean; expiresAt: string };
}

interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  clientAddress: string | null;
  current: boolean;
}

function setCookie(answer: Answer, name: string): string | undefined {
  const header = answer.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header === undefined ? [] : [String(header)];
  return all.find((cookie) => cookie.startsWith(`${name}=`));
}

async function auditOf(answer: Answer, accountId: string) {
  const entries = await app.audit.search({ participantId: accountId, limit: 100 });
  return entries.filter((entry) => entry.requestId === answer.headers['x-request-id']);
}

async function signIn(email: string, password = PASSWORD) {
  const client = browser();
  const answer = await client.post('/api/v1/auth/sign-in', { email, password });
  expect(answer.status).toBe(200);
  return client;
}

/** A staff member made on the command line who set a password but not yet two factors. */
async function staffWithoutTwoFactors(roles: Role[]) {
  const email = uniqueEmail(`${roles.join('-')}-nomfa`);
  const { setPasswordUrl, accountId } = await app.identity.admin.createUser({
    email,
    displayName: 'New Staff',
    roles,
    organisationId: null,
    locale: 'en',
  });
  const token = new URL(setPasswordUrl).searchParams.get('token') ?? '';
  const client = browser();
  expect(
    (await client.post('/api/v1/auth/password-reset/confirm', { token, password: PASSWORD })).status,
  ).toBe(204);
  const answer = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
  expect(answer.body).toEqual({ mfaRequired: false });
  return { client, email, accountId };
}

/** Every route of this file with a valid request, for the checks that apply to all of them. */
const ME_ROUTES: [method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown][] = [
  ['GET', '/api/v1/me'],
  ['PATCH', '/api/v1/me', { displayName: 'Someone' }],
  ['POST', '/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' }],
  ['GET', '/api/v1/me/sessions'],
  ['DELETE', '/api/v1/me/sessions/00000000-0000-4000-8000-000000000000'],
  ['POST', '/api/v1/me/mfa/totp/setup'],
  ['POST', '/api/v1/me/mfa/totp/confirm', { code: '123456' }],
  ['POST', '/api/v1/me/mfa/recovery-codes', { code: '123456' }],
  ['DELETE', '/api/v1/me/mfa/totp', { code: '123456' }],
];

describe('who may use the account pages', () => {
  it.each(ME_ROUTES)('%s %s without a session answers 401 unauthenticated', async (method, url, body) => {
    const answer = await browser().request(method, url, body);
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body.code).toBe('unauthenticated');
  });

  describe('with a session still waiting for its second factor', () => {
    let pending: TestClient;
    beforeAll(async () => {
      const staff = await createStaff(app, ['coach'], browser());
      pending = browser();
      const answer = await pending.post('/api/v1/auth/sign-in', { email: staff.email, password: PASSWORD });
      expect(answer.body).toEqual({ mfaRequired: true });
    });

    it.each(ME_ROUTES)('%s %s answers 403 mfa_required', async (method, url, body) => {
      const answer = await pending.request(method, url, body);
      expect(answer.status).toBe(403);
      expect(answer.body.code).toBe('mfa_required');
    });
  });

  it.each([
    ['PATCH', '/api/v1/me', { displayName: '   ', locale: 'fr' }, 'body', ['#/displayName', '#/locale']],
    ['PATCH', '/api/v1/me', {}, 'body', ['#']],
    [
      'POST',
      '/api/v1/me/password',
      { currentPassword: '', newPassword: 'short' },
      'body',
      ['#/currentPassword', '#/newPassword'],
    ],
    ['DELETE', '/api/v1/me/sessions/not-a-uuid', undefined, 'params', ['#/id']],
    ['POST', '/api/v1/me/mfa/totp/confirm', { code: '1' }, 'body', ['#/code']],
    ['POST', '/api/v1/me/mfa/recovery-codes', {}, 'body', ['#/code']],
    ['DELETE', '/api/v1/me/mfa/totp', { code: 'x'.repeat(21) }, 'body', ['#/code']],
  ] as const)(
    '%s %s with invalid input answers 422 naming every invalid field',
    async (method, url, body, part, pointers) => {
      const { client } = await signUpCitizen(app, browser());
      const answer = await client.request(method, url, body);
      expect(answer.status).toBe(422);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.body.code).toBe('invalid_input');
      const errors = answer.body.errors as { in: string; pointer: string }[];
      expect(errors.map((e) => e.pointer).sort()).toEqual([...pointers]);
      expect(errors.every((e) => e.in === part)).toBe(true);
    },
  );
});

describe('the account', () => {
  it('GET /me describes the person, their roles and this session', async () => {
    const { client, email, accountId } = await signUpCitizen(app, browser());
    const answer = await client.get<Me>('/api/v1/me');
    expect(answer.status).toBe(200);
    expect(answer.body.account).toEqual({
      id: accountId,
      email,
      displayName: 'Test Citizen',
      locale: 'nl',
      emailVerified: true,
      mfaEnabled: false,
      createdAt: expect.any(String),
    });
    expect(answer.body.roles).toEqual([
      { membershipId: expect.any(String), role: 'citizen', organisation: null },
    ]);
    expect(answer.body.session).toEqual({
      id: expect.any(String),
      mfaVerified: false,
      mfaSetupRequired: false,
      expiresAt: expect.any(String),
    });
    expect(Date.parse(answer.body.session.expiresAt)).toBeGreaterThan(Date.now() + 11 * HOUR);
  });

  it('PATCH /me changes the name and the language, answers the new account and is audited', async () => {
    const { client, accountId } = await signUpCitizen(app, browser());
    const answer = await client.patch<Me>('/api/v1/me', { displayName: '  Anna de Vries  ', locale: 'en' });
    expect(answer.status).toBe(200);
    expect(answer.body.account).toMatchObject({ displayName: 'Anna de Vries', locale: 'en' });
    const [entry] = await auditOf(answer, accountId);
    expect(entry).toMatchObject({
      action: 'account.update',
      outcome: 'success',
      actorAccountId: accountId,
      resourceId: accountId,
      details: { fields: 'displayName,locale' },
    });
    const again = await client.get<Me>('/api/v1/me');
    expect(again.body.account).toMatchObject({ displayName: 'Anna de Vries', locale: 'en' });
    const only = await client.patch<Me>('/api/v1/me', { locale: 'nl' });
    expect(only.body.account).toMatchObject({ displayName: 'Anna de Vries', locale: 'nl' });
  });

  it('the session cookie is Secure, HttpOnly and SameSite=Lax behind HTTPS, and so is the CSRF cookie', async () => {
    const { email } = await signUpCitizen(app, browser());
    const client = browser();
    const csrf = await client.get('/api/v1/csrf');
    const answer = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    for (const cookie of [setCookie(answer, 'topfit_session'), setCookie(csrf, '_csrf')]) {
      const attributes = (cookie ?? '').split(';').map((part) => part.trim().toLowerCase());
      expect(attributes).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']));
    }
  });

  it('links in mail point at the HTTPS address', async () => {
    const { email } = await signUpCitizen(app, browser());
    const since = new Date();
    await browser().post('/api/v1/auth/password-reset', { email });
    const mail = await app.outbox.waitFor(email, { since });
    expect(mail.text).toContain('https://topfit.test/reset-password?token=');
    expect(linkToken(mail, 'reset-password').length).toBeGreaterThanOrEqual(40);
  });
});

describe('changing the password', () => {
  it('ends the other sessions, keeps this one, mails a notice and is audited', async () => {
    const { client, email, accountId } = await signUpCitizen(app, browser());
    const other = await signIn(email);
    const since = new Date();
    const newPassword = 'a brand new passphrase';
    const answer = await client.post('/api/v1/me/password', { currentPassword: PASSWORD, newPassword });
    expect(answer.status).toBe(204);
    expect(answer.body).toBeNull();

    expect((await client.get('/api/v1/me')).status).toBe(200);
    expect((await other.get('/api/v1/me')).status).toBe(401);

    const notice = await app.outbox.waitFor(email, { since });
    expect(notice.subject).toBe('Uw wachtwoord is gewijzigd');
    expect(notice.text).toContain('https://topfit.test/forgot-password');

    expect((await browser().post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(401);
    expect((await browser().post('/api/v1/auth/sign-in', { email, password: newPassword })).status).toBe(200);

    const [entry] = await auditOf(answer, accountId);
    expect(entry).toMatchObject({
      action: 'account.password_change',
      outcome: 'success',
      actorAccountId: accountId,
    });
  });

  it('a wrong current password is refused on the currentPassword field and changes nothing', async () => {
    const { client, email } = await signUpCitizen(app, browser());
    const other = await signIn(email);
    const since = new Date();
    const answer = await client.post('/api/v1/me/password', {
      currentPassword: 'not my password',
      newPassword: 'a brand new passphrase',
    });
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ in: 'body', pointer: '#/currentPassword' }),
    ]);
    expect((await other.get('/api/v1/me')).status).toBe(200);
    expect((await browser().post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(200);
    const mails = (await app.outbox.list({ limit: 1000 })).filter(
      (m) => m.to.includes(email) && m.receivedAt >= since,
    );
    expect(mails).toEqual([]);
  });

  it('five wrong current passwords lock password changes for 15 minutes, even with the right one', async () => {
    const { client } = await signUpCitizen(app, browser());
    const change = (currentPassword: string) =>
      client.post('/api/v1/me/password', { currentPassword, newPassword: 'a brand new passphrase' });
    for (let i = 0; i < 5; i++) expect((await change('guessing wrong')).status).toBe(422);
    const locked = await change(PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    offset = 16 * 60_000;
    expect((await change(PASSWORD)).status).toBe(204);
  });
});

describe('sessions', () => {
  it('a person lists their open sessions, marked which is this one, and ends another', async () => {
    const { client: laptop, email, accountId } = await signUpCitizen(app, browser());
    const phone = await signIn(email);
    const list = await laptop.get<{ sessions: SessionView[] }>('/api/v1/me/sessions');
    expect(list.status).toBe(200);
    expect(list.body.sessions).toHaveLength(2);
    const current = list.body.sessions.filter((s) => s.current);
    expect(current).toHaveLength(1);
    const mine = (await laptop.get<Me>('/api/v1/me')).body.session.id;
    expect(current[0]?.id).toBe(mine);
    const theirs = list.body.sessions.find((s) => !s.current);
    expect(theirs).toMatchObject({ clientAddress: phone.clientAddress, userAgent: expect.any(String) });
    expect(Date.parse(theirs?.expiresAt ?? '')).toBeGreaterThan(Date.now());

    const ended = await laptop.delete(`/api/v1/me/sessions/${theirs?.id}`);
    expect(ended.status).toBe(204);
    expect((await phone.get('/api/v1/me')).status).toBe(401);
    const after = await laptop.get<{ sessions: SessionView[] }>('/api/v1/me/sessions');
    expect(after.body.sessions.map((s) => s.id)).toEqual([mine]);

    const [entry] = await auditOf(ended, accountId);
    expect(entry).toMatchObject({
      action: 'session.end',
      outcome: 'success',
      resourceId: theirs?.id,
      actorAccountId: accountId,
    });

    const twice = await laptop.delete(`/api/v1/me/sessions/${theirs?.id}`);
    expect(twice.status).toBe(404);
    expect(twice.body.code).toBe('not_found');
  });

  it("a person cannot end someone else's session: it is not found", async () => {
    const { client: anna } = await signUpCitizen(app, browser());
    const { client: bram } = await signUpCitizen(app, browser());
    const bramsSession = (await bram.get<Me>('/api/v1/me')).body.session.id;
    const answer = await anna.delete(`/api/v1/me/sessions/${bramsSession}`);
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('not_found');
    expect((await bram.get('/api/v1/me')).status).toBe(200);
  });

  it('a session ends after 30 minutes without a request, but not while it is used', async () => {
    const { client, email } = await signUpCitizen(app, browser());
    const idle = await signIn(email);
    for (const minutes of [20, 40, 60]) {
      offset = minutes * MINUTE;
      expect((await client.get('/api/v1/me')).status).toBe(200);
    }
    const answer = await idle.get('/api/v1/me');
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('unauthenticated');
    offset = 60 * MINUTE + 29 * MINUTE;
    expect((await client.get('/api/v1/me')).status).toBe(200);
    offset = 60 * MINUTE + 29 * MINUTE + 31 * MINUTE;
    expect((await client.get('/api/v1/me')).status).toBe(401);
  });

  it('a session that went idle is no longer listed as open', async () => {
    const { client, email } = await signUpCitizen(app, browser());
    const idle = await signIn(email);
    const idleId = (await idle.get<Me>('/api/v1/me')).body.session.id;
    for (const minutes of [20, 40]) {
      offset = minutes * MINUTE;
      expect((await client.get('/api/v1/me')).status).toBe(200);
    }
    expect((await idle.get('/api/v1/me')).status).toBe(401);
    const list = await client.get<{ sessions: SessionView[] }>('/api/v1/me/sessions');
    expect(list.body.sessions.map((s) => s.id)).not.toContain(idleId);
    expect(list.body.sessions).toHaveLength(1);
  });

  it('a session ends 12 hours after sign-in however busy it is', async () => {
    const { client } = await signUpCitizen(app, browser());
    for (let minutes = 25; minutes < 12 * 60; minutes += 25) {
      offset = minutes * MINUTE;
      expect((await client.get('/api/v1/me')).status).toBe(200);
    }
    offset = 12 * HOUR;
    expect((await client.get('/api/v1/me')).status).toBe(401);
  });
});

describe('two factors', () => {
  it('a citizen sets up an authenticator app, gets ten recovery codes once, and then signs in with two steps', async () => {
    const { client, email, accountId } = await signUpCitizen(app, browser());
    const setup = await client.post<{ secret: string; otpauthUrl: string; qrSvg: string }>(
      '/api/v1/me/mfa/totp/setup',
    );
    expect(setup.status).toBe(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/TOPFIT:/);
    expect(setup.body.otpauthUrl).toContain(`secret=${setup.body.secret}`);
    expect(setup.body.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect((await client.get<Me>('/api/v1/me')).body.account.mfaEnabled).toBe(false);

    const wrong = await client.post('/api/v1/me/mfa/totp/confirm', { code: 'zzzzzz' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ pointer: '#/code' })]);

    const confirm = await client.post<{ recoveryCodes: string[] }>('/api/v1/me/mfa/totp/confirm', {
      code: totpCode(setup.body.secret),
    });
    expect(confirm.status).toBe(200);
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirm.body.recoveryCodes).size).toBe(10);
    for (const code of confirm.body.recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const me = await client.get<Me>('/api/v1/me');
    expect(me.body.account.mfaEnabled).toBe(true);
    expect(me.body.session).toMatchObject({ mfaVerified: true, mfaSetupRequired: false });
    const [entry] = await auditOf(confirm, accountId);
    expect(entry).toMatchObject({ action: 'account.mfa_enable', outcome: 'success' });

    const again = await client.post('/api/v1/me/mfa/totp/setup');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');

    const later = browser();
    expect((await later.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).body).toEqual({
      mfaRequired: true,
    });
    expect((await later.post('/api/v1/auth/sign-in/mfa', { code: nextCode(setup.body.secret) })).status).toBe(
      200,
    );
  });

  it('confirming without starting the set-up is a conflict', async () => {
    const { client } = await signUpCitizen(app, browser());
    const answer = await client.post('/api/v1/me/mfa/totp/confirm', { code: '123456' });
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('conflict');
  });

  it('new recovery codes replace the old ones, and need a valid code', async () => {
    const staff = await createStaff(app, ['coach'], browser());
    const refused = await staff.client.post('/api/v1/me/mfa/recovery-codes', { code: 'zzzzz-zzzzz' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: '#/code' })]);

    const answer = await staff.client.post<{ recoveryCodes: string[] }>('/api/v1/me/mfa/recovery-codes', {
      code: nextCode(staff.secret),
    });
    expect(answer.status).toBe(200);
    expect(answer.body.recoveryCodes).toHaveLength(10);
    expect(answer.body.recoveryCodes).not.toContain(staff.recoveryCodes[0]);
    const [entry] = await auditOf(answer, staff.accountId);
    expect(entry).toMatchObject({ action: 'account.recovery_codes', outcome: 'success' });

    const old = browser();
    await old.post('/api/v1/auth/sign-in', { email: staff.email, password: PASSWORD });
    expect((await old.post('/api/v1/auth/sign-in/mfa', { code: staff.recoveryCodes[0] })).status).toBe(422);
    const fresh = browser();
    await fresh.post('/api/v1/auth/sign-in', { email: staff.email, password: PASSWORD });
    expect(
      (await fresh.post('/api/v1/auth/sign-in/mfa', { code: answer.body.recoveryCodes[0] })).status,
    ).toBe(200);
  });

  it('a citizen may turn two factors off with a valid code; sign-in then needs only the password', async () => {
    const { client, email, accountId } = await signUpCitizen(app, browser());
    const setup = await client.post<{ secret: string }>('/api/v1/me/mfa/totp/setup');
    await client.post('/api/v1/me/mfa/totp/confirm', { code: totpCode(setup.body.secret) });

    const refused = await client.delete('/api/v1/me/mfa/totp', { code: 'zzzzz-zzzzz' });
    expect(refused.status).toBe(422);
    expect((await client.get<Me>('/api/v1/me')).body.account.mfaEnabled).toBe(true);

    const answer = await client.delete('/api/v1/me/mfa/totp', { code: nextCode(setup.body.secret) });
    expect(answer.status).toBe(204);
    expect((await client.get<Me>('/api/v1/me')).body.account.mfaEnabled).toBe(false);
    const [entry] = await auditOf(answer, accountId);
    expect(entry).toMatchObject({ action: 'account.mfa_disable', outcome: 'success' });
    expect((await browser().post('/api/v1/auth/sign-in', { email, password: PASSWORD })).body).toEqual({
      mfaRequired: false,
    });
  });

  it('staff cannot turn two factors off, even with a valid code', async () => {
    const staff = await createStaff(app, ['researcher'], browser());
    const answer = await staff.client.delete('/api/v1/me/mfa/totp', { code: nextCode(staff.secret) });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('forbidden');
    expect((await staff.client.get<Me>('/api/v1/me')).body.account.mfaEnabled).toBe(true);
    expect(
      (await browser().post('/api/v1/auth/sign-in', { email: staff.email, password: PASSWORD })).body,
    ).toEqual({
      mfaRequired: true,
    });
  });

  it('a staff member without two factors is told to set them up, and after doing so is verified', async () => {
    const { client } = await staffWithoutTwoFactors(['programme_manager']);
    const before = await client.get<Me>('/api/v1/me');
    expect(before.status).toBe(200);
    expect(before.body.roles.map((r) => r.role)).toEqual(['programme_manager']);
    expect(before.body.session).toMatchObject({ mfaSetupRequired: true, mfaVerified: false });

    const setup = await client.post<{ secret: string }>('/api/v1/me/mfa/totp/setup');
    expect(setup.status).toBe(200);
    const confirm = await client.post('/api/v1/me/mfa/totp/confirm', { code: totpCode(setup.body.secret) });
    expect(confirm.status).toBe(200);
    const after = await client.get<Me>('/api/v1/me');
    expect(after.body.session).toMatchObject({ mfaSetupRequired: false, mfaVerified: true });
    expect(after.body.account.mfaEnabled).toBe(true);
  });

  it('a citizen who also holds a staff role must set up two factors as well', async () => {
    const { email } = await signUpCitizen(app, browser());
    await app.identity.admin.createUser({
      email,
      displayName: 'Ignored',
      roles: ['coach'],
      organisationId: null,
      locale: 'nl',
    });
    const client = await signIn(email);
    const me = await client.get<Me>('/api/v1/me');
    expect(me.body.roles.map((r) => r.role).sort()).toEqual(['citizen', 'coach']);
    expect(me.body.session.mfaSetupRequired).toBe(true);
  });
});
