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

// The public routes of signing up, verifying, signing in and out, resetting a password, and the
// first administrator. No test in this file may create an administrator other than the set-up
// story, which needs a platform without one.

let app: TestApp;
/** How far the platform's clock runs ahead of the real one; reset after every test. */
let offset = 0;

beforeAll(async () => {
  app = await createTestApp({ clock: () => new Date(Date.now() + offset) });
});
afterAll(() => app?.stop());
afterEach(() => {
  offset = 0;
});

/** A browser from an address of its own, so that one test's requests never meet another's rate limits. */
const browser = clientFactory(() => app, 1);

/** A TOTP code of a time step not used before: moves the platform clock on by one step. */
function nextCode(secret: string): string {
  offset += 30_000;
  return totpCode(secret, Date.now() + offset);
}

const HOUR = 3600_000;

function setCookie(answer: Answer, name: string): string | undefined {
  const header = answer.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header === undefined ? [] : [String(header)];
  return all.find((cookie) => cookie.startsWith(`${name}=`));
}

/** The messages captured for `address` since `since`, newest first. */
async function mailsTo(address: string, since: Date) {
  // Mail that anyone can trigger goes out after the answer: wait for it first.
  await app.tasks.drain();
  const messages = await app.outbox.list({ limit: 1000 });
  return messages.filter((m) => m.to.includes(address.toLowerCase()) && m.receivedAt >= since);
}

/** The audit entries a request wrote, found through the account they are about. */
async function auditOf(answer: Answer, query: { participantId?: string; actorAccountId?: string }) {
  const entries = await app.audit.search({ ...query, limit: 100 });
  return entries.filter((entry) => entry.requestId === answer.headers['x-request-id']);
}

/** A problem without the parts that differ per request. */
const comparable = (body: unknown) => ({ ...(body as Record<string, unknown>), requestId: undefined });

async function signUp(client: TestClient, email: string, locale: 'nl' | 'en' = 'nl') {
  const since = new Date();
  const answer = await client.post('/api/v1/auth/sign-up', {
    email,
    password: PASSWORD,
    displayName: 'Anna',
    locale,
  });
  expect(answer.status).toBe(202);
  return { answer, mail: await app.outbox.waitFor(email, { since }) };
}

describe('problem details', () => {
  it('sign-up with a bad e-mail, a short password, no name and an unknown language reports all four fields', async () => {
    const answer = await browser().post('/api/v1/auth/sign-up', {
      email: 'not-an-address',
      password: 'short',
      locale: 'de',
    });
    expect(answer.status).toBe(422);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      type: 'urn:topfit:problem:invalid_input',
      title: 'Invalid input',
      status: 422,
      code: 'invalid_input',
      requestId: answer.headers['x-request-id'],
      instance: '/api/v1/auth/sign-up',
    });
    const errors = answer.body.errors as { in: string; pointer: string; detail: string }[];
    expect(errors.map((e) => e.pointer).sort()).toEqual([
      '#/displayName',
      '#/email',
      '#/locale',
      '#/password',
    ]);
    for (const error of errors) {
      expect(error.in).toBe('body');
      expect(error.detail).toEqual(expect.any(String));
    }
    expect(errors.find((e) => e.pointer === '#/password')?.detail).toBe('Use at least 12 characters.');
  });

  it.each([
    ['/api/v1/auth/verify-email', { token: 'short' }, ['#/token']],
    ['/api/v1/auth/resend-verification', { email: 'nope' }, ['#/email']],
    ['/api/v1/auth/sign-in', { email: 'nope', password: '' }, ['#/email', '#/password']],
    ['/api/v1/auth/sign-in/mfa', { code: '12' }, ['#/code']],
    ['/api/v1/auth/password-reset', {}, ['#/email']],
    ['/api/v1/auth/password-reset/confirm', { token: 'x', password: 'short' }, ['#/password', '#/token']],
    [
      '/api/v1/setup/admin',
      { token: 'x', email: 'nope', password: 'short', displayName: '', locale: 'fr' },
      ['#/displayName', '#/email', '#/locale', '#/password', '#/token'],
    ],
  ])('POST %s with invalid fields answers 422 naming every one of them', async (url, body, pointers) => {
    const answer = await browser().post(url, body);
    expect(answer.status).toBe(422);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body.code).toBe('invalid_input');
    const errors = answer.body.errors as { in: string; pointer: string }[];
    expect(errors.map((e) => e.pointer).sort()).toEqual(pointers);
    expect(new Set(errors.map((e) => e.in))).toEqual(new Set(['body']));
  });

  it('an unknown API route answers 404 as problem details', async () => {
    const answer = await browser().get('/api/v1/no-such-thing');
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ code: 'not_found', status: 404, instance: '/api/v1/no-such-thing' });
  });
});

describe('CSRF', () => {
  it('an unsafe request without x-csrf-token is refused with csrf_failed before anything happens', async () => {
    const email = uniqueEmail('csrf');
    const since = new Date();
    const answer = await browser().request(
      'POST',
      '/api/v1/auth/sign-up',
      { email, password: PASSWORD, displayName: 'Anna', locale: 'nl' },
      { csrf: false },
    );
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ code: 'csrf_failed', status: 403 });
    expect(await mailsTo(email, since)).toEqual([]);
  });

  it('a signed-in request without x-csrf-token is refused and changes nothing', async () => {
    const { client } = await signUpCitizen(app, browser());
    const answer = await client.request('PATCH', '/api/v1/me', { displayName: 'Changed' }, { csrf: false });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('csrf_failed');
    const me = await client.get<{ account: { displayName: string } }>('/api/v1/me');
    expect(me.body.account.displayName).toBe('Test Citizen');
  });

  it('a CSRF token fetched by another browser is refused', async () => {
    const mine = await app.http.inject({ method: 'GET', url: '/api/v1/csrf' });
    const theirs = await app.http.inject({ method: 'GET', url: '/api/v1/csrf' });
    const myCookie = mine.cookies.find((c) => c.name === '_csrf');
    expect(myCookie).toBeDefined();
    const answer = await app.http.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      remoteAddress: '10.9.9.9',
      headers: {
        cookie: `_csrf=${myCookie?.value}`,
        'x-csrf-token': (theirs.json() as { token: string }).token,
        'content-type': 'application/json',
      },
      payload: JSON.stringify({ email: uniqueEmail() }),
    });
    expect(answer.statusCode).toBe(403);
    expect(answer.json()).toMatchObject({ code: 'csrf_failed' });
  });

  it('safe requests need no token', async () => {
    const answer = await browser().get('/api/v1/setup');
    expect(answer.status).toBe(200);
  });
});

describe('sign-up and e-mail verification', () => {
  it('a person signs up, cannot sign in before confirming the address, confirms it and then signs in as a citizen', async () => {
    const client = browser();
    const email = uniqueEmail('signup');
    const { answer, mail } = await signUp(client, email, 'en');
    expect(answer.body).toEqual({});
    expect(mail.subject).toBe('Confirm your e-mail address');
    expect(mail.text).toContain('http://topfit.test/verify-email?token=');

    const early = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect(early.status).toBe(403);
    expect(early.body.code).toBe('email_not_verified');
    expect(client.hasCookie('topfit_session')).toBe(false);

    const verified = await client.post('/api/v1/auth/verify-email', {
      token: linkToken(mail, 'verify-email'),
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ email });

    const signIn = await client.post('/api/v1/auth/sign-in', {
      email: email.toUpperCase(),
      password: PASSWORD,
    });
    expect(signIn.status).toBe(200);
    expect(signIn.body).toEqual({ mfaRequired: false });
    const me = await client.get<{ account: Record<string, unknown>; roles: { role: string }[] }>(
      '/api/v1/me',
    );
    expect(me.body.account).toMatchObject({
      email,
      displayName: 'Anna',
      locale: 'en',
      emailVerified: true,
      mfaEnabled: false,
    });
    expect(me.body.roles.map((r) => r.role)).toEqual(['citizen']);

    const accountId = me.body.account.id as string;
    const entries = await app.audit.search({ participantId: accountId, limit: 20 });
    const actions = entries.map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'account.sign_up:success',
        'account.verify_email:success',
        'session.sign_in:success',
      ]),
    );
    expect(entries.find((e) => e.action === 'account.verify_email')).toMatchObject({
      actorAccountId: null,
      resourceType: 'account',
      resourceId: accountId,
      requestId: verified.headers['x-request-id'],
    });
  });

  it('a verification mail is in Dutch when no language is given', async () => {
    const email = uniqueEmail('dutch');
    const since = new Date();
    const answer = await browser().post('/api/v1/auth/sign-up', {
      email,
      password: PASSWORD,
      displayName: 'Bram',
    });
    expect(answer.status).toBe(202);
    expect((await app.outbox.waitFor(email, { since })).subject).toBe('Bevestig uw e-mailadres');
  });

  it('a verification link works once', async () => {
    const client = browser();
    const { mail } = await signUp(client, uniqueEmail('once'));
    const token = linkToken(mail, 'verify-email');
    expect((await client.post('/api/v1/auth/verify-email', { token })).status).toBe(200);
    const again = await client.post('/api/v1/auth/verify-email', { token });
    expect(again.status).toBe(400);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.body.code).toBe('invalid_token');
  });

  it('a verification link no longer works after 24 hours', async () => {
    const client = browser();
    const { mail } = await signUp(client, uniqueEmail('late'));
    offset = 24 * HOUR + 1000;
    const answer = await client.post('/api/v1/auth/verify-email', { token: linkToken(mail, 'verify-email') });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('invalid_token');
  });

  it('a made-up verification token is refused', async () => {
    const answer = await browser().post('/api/v1/auth/verify-email', { token: 'a'.repeat(43) });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('invalid_token');
  });

  it('asking for the link again mails a new one and voids the old one', async () => {
    const client = browser();
    const email = uniqueEmail('resend');
    const { mail: first } = await signUp(client, email);
    const since = new Date();
    const resend = await client.post('/api/v1/auth/resend-verification', { email });
    expect(resend.status).toBe(202);
    expect(resend.body).toEqual({});
    const second = await app.outbox.waitFor(email, { since });
    expect(second.id).not.toBe(first.id);

    const old = await client.post('/api/v1/auth/verify-email', { token: linkToken(first, 'verify-email') });
    expect(old.status).toBe(400);
    expect(old.body.code).toBe('invalid_token');
    const fresh = await client.post('/api/v1/auth/verify-email', {
      token: linkToken(second, 'verify-email'),
    });
    expect(fresh.status).toBe(200);
  });

  it('resend-verification answers the same for unknown, unconfirmed and confirmed addresses, mailing only the unconfirmed', async () => {
    const client = browser();
    const unconfirmed = uniqueEmail('unconfirmed');
    await signUp(client, unconfirmed);
    const { email: confirmed } = await signUpCitizen(app, browser());
    const unknown = uniqueEmail('unknown');

    const since = new Date();
    const answers = await Promise.all(
      [unknown, unconfirmed, confirmed].map((email) =>
        client.post('/api/v1/auth/resend-verification', { email }),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({});
    }
    expect(await mailsTo(unconfirmed, since)).toHaveLength(1);
    expect(await mailsTo(confirmed, since)).toEqual([]);
    expect(await mailsTo(unknown, since)).toEqual([]);
  });

  it('signing up with a taken address answers as for a new one, mails the owner instead and leaves the account alone', async () => {
    const { email } = await signUpCitizen(app, browser());
    const intruder = browser();
    const since = new Date();
    const taken = await intruder.post('/api/v1/auth/sign-up', {
      email: email.toUpperCase(),
      password: 'another password entirely',
      displayName: 'Intruder',
      locale: 'en',
    });
    const fresh = await intruder.post('/api/v1/auth/sign-up', {
      email: uniqueEmail('fresh'),
      password: 'another password entirely',
      displayName: 'Someone',
      locale: 'en',
    });
    expect(taken.status).toBe(fresh.status);
    expect(taken.body).toEqual(fresh.body);
    expect(taken.body).toEqual({});

    const mails = await mailsTo(email, since);
    expect(mails.map((m) => m.subject)).toEqual(['U heeft al een account']);
    expect(
      (await intruder.post('/api/v1/auth/sign-in', { email, password: 'another password entirely' })).status,
    ).toBe(401);
    const owner = browser();
    expect((await owner.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(200);
    const me = await owner.get<{ account: { displayName: string } }>('/api/v1/me');
    expect(me.body.account.displayName).toBe('Test Citizen');
  });
});

describe('signing in and out', () => {
  it('sign-in sets an HttpOnly, SameSite=Lax session cookie, not Secure over plain HTTP, ending at the absolute timeout', async () => {
    const { email, accountId } = await signUpCitizen(app, browser());
    const client = browser();
    const before = Date.now();
    const answer = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ mfaRequired: false });
    const cookie = setCookie(answer, 'topfit_session');
    expect(cookie).toBeDefined();
    const attributes = (cookie ?? '').split(';').map((part) => part.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');
    expect(attributes).not.toContain('secure');
    const expires = Date.parse((cookie ?? '').match(/Expires=([^;]+)/)?.[1] ?? '');
    expect(expires).toBeGreaterThanOrEqual(before + 12 * HOUR - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 12 * HOUR + 1000);

    const [entry] = await auditOf(answer, { actorAccountId: accountId });
    expect(entry).toMatchObject({
      action: 'session.sign_in',
      outcome: 'success',
      subjectParticipantId: accountId,
      resourceType: 'session',
      clientAddress: client.clientAddress,
    });
  });

  it('a wrong password and an unknown address get the same answer, and the failure is audited', async () => {
    const { email, accountId } = await signUpCitizen(app, browser());
    const client = browser();
    const wrong = await client.post('/api/v1/auth/sign-in', { email, password: 'not the password at all' });
    const unknown = await client.post('/api/v1/auth/sign-in', {
      email: uniqueEmail('nobody'),
      password: 'not the password at all',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(comparable(wrong.body)).toEqual(comparable(unknown.body));
    expect(wrong.body.code).toBe('unauthenticated');
    expect(client.hasCookie('topfit_session')).toBe(false);

    const [entry] = await auditOf(wrong, { participantId: accountId });
    expect(entry).toMatchObject({ action: 'session.sign_in', outcome: 'failure', actorAccountId: null });
  });

  it('five failed sign-ins lock the address for 15 minutes, even against the right password, then it opens again', async () => {
    const { email } = await signUpCitizen(app, browser());
    const client = browser();
    for (let i = 0; i < 5; i++) {
      const failed = await client.post('/api/v1/auth/sign-in', { email, password: `wrong password ${i}` });
      expect(failed.status).toBe(401);
    }
    const locked = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(locked.body.code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    expect(client.hasCookie('topfit_session')).toBe(false);

    // From another address as well: the lock is on the e-mail address, not on the browser.
    expect((await browser().post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(429);

    offset = 15 * 60_000 + 1000;
    const open = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect(open.status).toBe(200);
  });

  it('an unknown address is locked after five failures just like a known one', async () => {
    const client = browser();
    const known = (await signUpCitizen(app, browser())).email;
    const unknown = uniqueEmail('ghost');
    const last: Record<string, Answer> = {};
    for (const email of [known, unknown]) {
      for (let i = 0; i < 6; i++)
        last[email] = await client.post('/api/v1/auth/sign-in', { email, password: 'wrong password' });
    }
    expect(last[known]?.status).toBe(429);
    expect(last[unknown]?.status).toBe(429);
    expect(comparable(last[known]?.body)).toEqual(comparable(last[unknown]?.body));
    expect(last[known]?.headers['retry-after']).toBe(last[unknown]?.headers['retry-after']);
  });

  it('a successful sign-in clears the count of failures', async () => {
    const { email } = await signUpCitizen(app, browser());
    const client = browser();
    for (let i = 0; i < 4; i++)
      await client.post('/api/v1/auth/sign-in', { email, password: 'wrong password' });
    expect((await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      expect((await client.post('/api/v1/auth/sign-in', { email, password: 'wrong password' })).status).toBe(
        401,
      );
    }
  });

  it('sign-out clears the cookie, ends the session and is audited', async () => {
    const { client, accountId } = await signUpCitizen(app, browser());
    const me = await client.get<{ session: { id: string } }>('/api/v1/me');
    const out = await client.post('/api/v1/auth/sign-out');
    expect(out.status).toBe(204);
    expect(setCookie(out, 'topfit_session')).toMatch(/^topfit_session=;.*Expires=Thu, 01 Jan 1970/);
    expect(client.hasCookie('topfit_session')).toBe(false);
    expect((await client.get('/api/v1/me')).status).toBe(401);
    const [entry] = await auditOf(out, { actorAccountId: accountId });
    expect(entry).toMatchObject({
      action: 'session.sign_out',
      outcome: 'success',
      resourceId: me.body.session.id,
    });
  });

  it('a copied session cookie stops working once its session signed out', async () => {
    const email = (await signUpCitizen(app, browser())).email;
    const client = browser();
    const signIn = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    const token = (setCookie(signIn, 'topfit_session') ?? '').split(';')[0]?.split('=')[1] ?? '';
    const copy = () =>
      app.http.inject({ method: 'GET', url: '/api/v1/me', cookies: { topfit_session: token } });
    expect((await copy()).statusCode).toBe(200);
    expect((await client.post('/api/v1/auth/sign-out')).status).toBe(204);
    const after = await copy();
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'unauthenticated' });
  });

  it('signing out without a session answers 204', async () => {
    const answer = await browser().post('/api/v1/auth/sign-out');
    expect(answer.status).toBe(204);
    expect(answer.body).toBeNull();
  });

  it('a browser over 30 requests a minute to an auth route gets 429 rate_limited with Retry-After', async () => {
    const client = browser();
    const answers: Answer<Record<string, unknown>>[] = [];
    for (let i = 0; i < 31; i++)
      answers.push(await client.post('/api/v1/auth/password-reset', { email: uniqueEmail() }));
    expect(answers.slice(0, 30).every((a) => a.status === 202)).toBe(true);
    const last = answers[30];
    expect(last?.status).toBe(429);
    expect(last?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(last?.body.code).toBe('rate_limited');
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    // Another browser is not held back.
    expect((await browser().post('/api/v1/auth/password-reset', { email: uniqueEmail() })).status).toBe(202);
  });
});

describe('two factors at sign-in', () => {
  it("a staff member's password opens a session that can only finish signing in; the code completes it", async () => {
    const staff = await createStaff(app, ['coach'], browser());
    const client = browser();
    const first = await client.post('/api/v1/auth/sign-in', { email: staff.email, password: PASSWORD });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ mfaRequired: true });
    expect(client.hasCookie('topfit_session')).toBe(true);

    const blocked = await client.get('/api/v1/me');
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('mfa_required');
    const [pending] = await auditOf(first, { actorAccountId: staff.accountId });
    expect(pending).toMatchObject({ action: 'session.password_accepted', outcome: 'success' });

    const second = await client.post('/api/v1/auth/sign-in/mfa', { code: nextCode(staff.secret) });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({});
    const me = await client.get<{ session: { mfaVerified: boolean; mfaSetupRequired: boolean } }>(
      '/api/v1/me',
    );
    expect(me.status).toBe(200);
    expect(me.body.session).toMatchObject({ mfaVerified: true, mfaSetupRequired: false });
    const [done] = await auditOf(second, { actorAccountId: staff.accountId });
    expect(done).toMatchObject({
      action: 'session.sign_in',
      outcome: 'success',
      details: { secondFactor: true },
    });

    const again = await client.post('/api/v1/auth/sign-in/mfa', { code: nextCode(staff.secret) });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');
  });

  it('a TOTP code works once: the code that confirmed the set-up, or one used to sign in, cannot be used again', async () => {
    const { client, email, accountId } = await signUpCitizen(app, browser());
    const setup = await client.post<{ secret: string }>('/api/v1/me/mfa/totp/setup');
    const setUpCode = totpCode(setup.body.secret);
    expect((await client.post('/api/v1/me/mfa/totp/confirm', { code: setUpCode })).status).toBe(200);

    const replayer = browser();
    expect((await replayer.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).body).toEqual({
      mfaRequired: true,
    });
    const replay = await replayer.post('/api/v1/auth/sign-in/mfa', { code: setUpCode });
    expect(replay.status).toBe(422);
    expect(replay.body.code).toBe('invalid_input');
    expect(replay.body.errors).toEqual([expect.objectContaining({ in: 'body', pointer: '#/code' })]);
    const [failure] = await auditOf(replay, { participantId: accountId });
    expect(failure).toMatchObject({ action: 'session.second_factor', outcome: 'failure' });

    const code = nextCode(setup.body.secret);
    const first = browser();
    await first.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect((await first.post('/api/v1/auth/sign-in/mfa', { code })).status).toBe(200);
    const second = browser();
    await second.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect((await second.post('/api/v1/auth/sign-in/mfa', { code })).status).toBe(422);
    expect((await second.get('/api/v1/me')).body.code).toBe('mfa_required');
  });

  it('a recovery code signs in once, typed in any case', async () => {
    const staff = await createStaff(app, ['data_steward'], browser());
    const [recovery] = staff.recoveryCodes;
    expect(recovery).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const first = browser();
    await first.post('/api/v1/auth/sign-in', { email: staff.email, password: PASSWORD });
    const used = await first.post('/api/v1/auth/sign-in/mfa', { code: ` ${recovery?.toUpperCase()} ` });
    expect(used.status).toBe(200);
    expect((await first.get('/api/v1/me')).status).toBe(200);

    const second = browser();
    await second.post('/api/v1/auth/sign-in', { email: staff.email, password: PASSWORD });
    const again = await second.post('/api/v1/auth/sign-in/mfa', { code: recovery });
    expect(again.status).toBe(422);
    expect(again.body.errors).toEqual([expect.objectContaining({ pointer: '#/code' })]);
  });

  it('five wrong codes lock the second step for 15 minutes, even against a right code', async () => {
    const staff = await createStaff(app, ['innovator'], browser());
    const client = browser();
    await client.post('/api/v1/auth/sign-in', { email: staff.email, password: PASSWORD });
    for (let i = 0; i < 5; i++) {
      expect((await client.post('/api/v1/auth/sign-in/mfa', { code: 'zzzzz-zzzzz' })).status).toBe(422);
    }
    const locked = await client.post('/api/v1/auth/sign-in/mfa', { code: nextCode(staff.secret) });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await client.get('/api/v1/me')).status).toBe(403);
  });

  it('the second step without a session is 401', async () => {
    const answer = await browser().post('/api/v1/auth/sign-in/mfa', { code: '123456' });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('unauthenticated');
  });

  it('a session waiting for its second factor may still sign out', async () => {
    const staff = await createStaff(app, ['partner_analyst'], browser());
    const client = browser();
    await client.post('/api/v1/auth/sign-in', { email: staff.email, password: PASSWORD });
    const out = await client.post('/api/v1/auth/sign-out');
    expect(out.status).toBe(204);
    expect((await client.post('/api/v1/auth/sign-in/mfa', { code: nextCode(staff.secret) })).status).toBe(
      401,
    );
  });
});

describe('password reset', () => {
  it('wrong passwords sent all at once are each counted, so a burst cannot slip past the lockout', async () => {
    const { email } = await signUpCitizen(app, browser());
    const burst = await Promise.all(
      Array.from({ length: 8 }, () =>
        browser().post('/api/v1/auth/sign-in', { email, password: 'guess guess guess' }),
      ),
    );
    expect(burst.filter((answer) => answer.status === 401).length).toBeGreaterThanOrEqual(5);
    const right = await browser().post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect(right.status).toBe(429);
  });

  it('an address gets at most five unprompted mails an hour, however often someone asks', async () => {
    const { email } = await signUpCitizen(app, browser());
    const since = new Date();
    for (let i = 0; i < 8; i++) {
      const asked = await browser().post('/api/v1/auth/password-reset', { email });
      expect(asked.status).toBe(202);
    }
    // The sign-up's verification mail counted too: four more fit in this hour.
    expect(await mailsTo(email, since)).toHaveLength(4);
    offset = HOUR + 60_000;
    expect((await browser().post('/api/v1/auth/password-reset', { email })).status).toBe(202);
    expect(await mailsTo(email, since)).toHaveLength(5);
  });

  it('a reset link sets a new password, works once, ends every session of the account and is audited', async () => {
    const { client: laptop, email, accountId } = await signUpCitizen(app, browser());
    const phone = browser();
    expect((await phone.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(200);

    const since = new Date();
    const asked = await browser().post('/api/v1/auth/password-reset', { email });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({});
    const mail = await app.outbox.waitFor(email, { since });
    expect(mail.subject).toBe('Nieuw wachtwoord instellen');
    const token = linkToken(mail, 'reset-password');

    const newPassword = 'a brand new passphrase';
    const confirmed = await browser().post('/api/v1/auth/password-reset/confirm', {
      token,
      password: newPassword,
    });
    expect(confirmed.status).toBe(204);
    expect(confirmed.body).toBeNull();
    expect((await laptop.get('/api/v1/me')).status).toBe(401);
    expect((await phone.get('/api/v1/me')).status).toBe(401);

    const client = browser();
    expect((await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(401);
    expect((await client.post('/api/v1/auth/sign-in', { email, password: newPassword })).status).toBe(200);

    const reuse = await browser().post('/api/v1/auth/password-reset/confirm', {
      token,
      password: 'yet another passphrase',
    });
    expect(reuse.status).toBe(400);
    expect(reuse.body.code).toBe('invalid_token');

    const [entry] = await auditOf(confirmed, { participantId: accountId });
    expect(entry).toMatchObject({
      action: 'account.password_reset',
      outcome: 'success',
      resourceId: accountId,
    });
  });

  it('a reset link no longer works after an hour', async () => {
    const { email } = await signUpCitizen(app, browser());
    const since = new Date();
    await browser().post('/api/v1/auth/password-reset', { email });
    const token = linkToken(await app.outbox.waitFor(email, { since }), 'reset-password');
    offset = HOUR + 1000;
    const late = await browser().post('/api/v1/auth/password-reset/confirm', {
      token,
      password: 'a brand new passphrase',
    });
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('invalid_token');
    offset = 0;
    expect((await browser().post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(200);
  });

  it('a newer reset link voids the older one', async () => {
    const { email } = await signUpCitizen(app, browser());
    const client = browser();
    const since = new Date();
    await client.post('/api/v1/auth/password-reset', { email });
    const older = await app.outbox.waitFor(email, { since });
    const later = new Date();
    await client.post('/api/v1/auth/password-reset', { email });
    const newer = await app.outbox.waitFor(email, { since: later });
    expect(newer.id).not.toBe(older.id);
    const stale = await client.post('/api/v1/auth/password-reset/confirm', {
      token: linkToken(older, 'reset-password'),
      password: 'a brand new passphrase',
    });
    expect(stale.status).toBe(400);
    expect(stale.body.code).toBe('invalid_token');
    const fresh = await client.post('/api/v1/auth/password-reset/confirm', {
      token: linkToken(newer, 'reset-password'),
      password: 'a brand new passphrase',
    });
    expect(fresh.status).toBe(204);
  });

  it('a reset request answers the same for a known and an unknown address, mailing only the known one', async () => {
    const { email } = await signUpCitizen(app, browser());
    const unknown = uniqueEmail('unknown');
    const client = browser();
    const since = new Date();
    const known = await client.post('/api/v1/auth/password-reset', { email });
    const other = await client.post('/api/v1/auth/password-reset', { email: unknown });
    expect(known.status).toBe(202);
    expect(other.status).toBe(known.status);
    expect(other.body).toEqual(known.body);
    expect(await mailsTo(email, since)).toHaveLength(1);
    expect(await mailsTo(unknown, since)).toEqual([]);
  });

  it('a password reset lifts a sign-in lockout', async () => {
    const { email } = await signUpCitizen(app, browser());
    const client = browser();
    for (let i = 0; i < 5; i++)
      await client.post('/api/v1/auth/sign-in', { email, password: 'wrong password' });
    expect((await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(429);
    const since = new Date();
    await client.post('/api/v1/auth/password-reset', { email });
    const token = linkToken(await app.outbox.waitFor(email, { since }), 'reset-password');
    await client.post('/api/v1/auth/password-reset/confirm', { token, password: 'a brand new passphrase' });
    expect(
      (await client.post('/api/v1/auth/sign-in', { email, password: 'a brand new passphrase' })).status,
    ).toBe(200);
  });

  it('a reset link also confirms an address that was never confirmed', async () => {
    const client = browser();
    const email = uniqueEmail('unconfirmed');
    await signUp(client, email);
    const since = new Date();
    await client.post('/api/v1/auth/password-reset', { email });
    const token = linkToken(await app.outbox.waitFor(email, { since }), 'reset-password');
    expect(
      (
        await client.post('/api/v1/auth/password-reset/confirm', {
          token,
          password: 'a brand new passphrase',
        })
      ).status,
    ).toBe(204);
    expect(
      (await client.post('/api/v1/auth/sign-in', { email, password: 'a brand new passphrase' })).status,
    ).toBe(200);
  });
});

describe('the first administrator', () => {
  it('a platform without administrator offers a one-time set-up link; the administrator it creates cannot remove the only administrator role', async () => {
    const client = browser();
    expect((await client.get('/api/v1/setup')).body).toEqual({ needed: true });

    const superseded = await app.identity.admin.issueSetupLink();
    const link = await app.identity.admin.issueSetupLink();
    expect(link).toMatch(/^http:\/\/topfit\.test\/setup\?token=/);
    const tokenOf = (url: string | undefined) =>
      decodeURIComponent(new URL(url ?? '').searchParams.get('token') ?? '');
    const email = uniqueEmail('first-admin');
    const body = { email, password: PASSWORD, displayName: 'First Admin', locale: 'en' };

    const old = await client.post('/api/v1/setup/admin', { ...body, token: tokenOf(superseded) });
    expect(old.status).toBe(400);
    expect(old.body.code).toBe('invalid_token');
    expect((await client.get('/api/v1/setup')).body).toEqual({ needed: true });

    const created = await client.post('/api/v1/setup/admin', { ...body, token: tokenOf(link) });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({});
    expect((await client.get('/api/v1/setup')).body).toEqual({ needed: false });

    const twice = await browser().post('/api/v1/setup/admin', {
      ...body,
      email: uniqueEmail('second-admin'),
      token: tokenOf(link),
    });
    expect(twice.status).toBe(400);
    expect(twice.body.code).toBe('invalid_token');
    expect(await app.identity.admin.issueSetupLink()).toBeUndefined();

    // The administrator signs in (address confirmed already), must set up two factors, and then works.
    const signIn = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect(signIn.body).toEqual({ mfaRequired: false });
    const me = await client.get<{
      account: { id: string; emailVerified: boolean };
      roles: { membershipId: string; role: string }[];
      session: { mfaSetupRequired: boolean };
    }>('/api/v1/me');
    expect(me.body.account.emailVerified).toBe(true);
    expect(me.body.roles.map((r) => r.role)).toEqual(['administrator']);
    expect(me.body.session.mfaSetupRequired).toBe(true);
    const accountId = me.body.account.id;
    const entries = await app.audit.search({ participantId: accountId, limit: 10 });
    expect(entries.find((e) => e.action === 'account.create_first_administrator')).toMatchObject({
      outcome: 'success',
      requestId: created.headers['x-request-id'],
    });

    const membershipId = me.body.roles[0]?.membershipId ?? '';
    const early = await client.delete(`/api/v1/admin/memberships/${membershipId}`);
    expect(early.status).toBe(403);
    expect(early.body.code).toBe('mfa_required');

    const setup = await client.post<{ secret: string }>('/api/v1/me/mfa/totp/setup');
    expect(
      (await client.post('/api/v1/me/mfa/totp/confirm', { code: totpCode(setup.body.secret) })).status,
    ).toBe(200);
    const last = await client.delete(`/api/v1/admin/memberships/${membershipId}`);
    expect(last.status).toBe(409);
    expect(last.body.code).toBe('conflict');
    expect((await client.get('/api/v1/setup')).body).toEqual({ needed: false });
    const roles = await client.get<{ roles: { role: string }[] }>('/api/v1/me');
    expect(roles.body.roles.map((r) => r.role)).toEqual(['administrator']);
  });
});
