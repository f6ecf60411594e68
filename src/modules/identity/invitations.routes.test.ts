import { randomUUID } from 'node:crypto';
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

// Invitations: an administrator invites a person by e-mail into a role; the link in the mail
// describes the invitation and accepts it. (Who is refused the administration routes: admin.routes.test.ts.)

let app: TestApp;
/** How far the platform's clock runs ahead of the real one; reset after every test. */
let offset = 0;
let admin: { client: TestClient; accountId: string };

/** A browser from an address of its own, so that one test's requests never meet another's rate limits. */
const browser = clientFactory(() => app, 4);

beforeAll(async () => {
  app = await createTestApp({ clock: () => new Date(Date.now() + offset) });
  admin = await createStaff(app, ['administrator'], browser());
});
afterAll(() => app?.stop());
afterEach(() => {
  offset = 0;
});

const DAY = 24 * 3600_000;

interface Invitation {
  id: string;
  email: string;
  role: Role;
  organisation: { id: string; name: string } | null;
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

interface Me {
  account: { id: string; email: string; displayName: string; locale: string; emailVerified: boolean };
  roles: { role: Role; organisation: { id: string; name: string; type: string } | null }[];
  session: { mfaSetupRequired: boolean };
}

async function organisation() {
  const answer = await admin.client.post<{ organisation: { id: string; name: string } }>(
    '/api/v1/admin/organisations',
    {
      name: `Hogeschool ${randomUUID().slice(0, 8)}`,
      type: 'university_of_applied_sciences',
    },
  );
  expect(answer.status).toBe(201);
  return answer.body.organisation;
}

/** Invites `email` and returns the invitation, the answer and the token from the mail. */
async function invite(
  email: string,
  role: Role,
  extra: { organisationId?: string; locale?: 'nl' | 'en' } = {},
) {
  const since = new Date();
  const answer = await admin.client.post<{ invitation: Invitation }>('/api/v1/admin/invitations', {
    email,
    role,
    ...extra,
  });
  expect(answer.status).toBe(201);
  const mail = await app.outbox.waitFor(email, { since });
  return { answer, invitation: answer.body.invitation, mail, token: linkToken(mail, 'invitation') };
}

async function auditOf(answer: Answer, query: { participantId?: string; actorAccountId?: string }) {
  const entries = await app.audit.search({ ...query, limit: 100 });
  return entries.filter((entry) => entry.requestId === answer.headers['x-request-id']);
}

async function invitationById(id: string) {
  const list = await admin.client.get<{ invitations: Invitation[] }>('/api/v1/admin/invitations');
  expect(list.status).toBe(200);
  return list.body.invitations.find((i) => i.id === id);
}

describe('inviting', () => {
  it('an administrator invites a person into a role in an organisation: the mail carries the link, the invitation is listed and audited', async () => {
    const org = await organisation();
    const email = uniqueEmail('invitee');
    const before = Date.now();
    const { answer, invitation, mail } = await invite(email.toUpperCase(), 'researcher', {
      organisationId: org.id,
      locale: 'en',
    });
    expect(invitation).toEqual({
      id: expect.any(String),
      email,
      role: 'researcher',
      organisation: { id: org.id, name: org.name },
      invitedBy: 'Test administrator',
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
      acceptedAt: null,
      revokedAt: null,
    });
    expect(Date.parse(invitation.expiresAt)).toBeGreaterThanOrEqual(before + 7 * DAY - 1000);
    expect(Date.parse(invitation.expiresAt)).toBeLessThanOrEqual(Date.now() + 7 * DAY + 1000);

    expect(mail.subject).toBe('Invitation to the TOPFIT platform');
    expect(mail.text).toContain(`researcher of ${org.name}`);
    expect(mail.text).toContain('http://topfit.test/invitation?token=');

    expect(await invitationById(invitation.id)).toEqual(invitation);
    const [entry] = await auditOf(answer, { actorAccountId: admin.accountId });
    expect(entry).toMatchObject({
      action: 'invitation.create',
      outcome: 'success',
      resourceType: 'invitation',
      resourceId: invitation.id,
      details: { role: 'researcher' },
    });
  });

  it('an invitation mail is in Dutch unless English is asked for', async () => {
    const { mail } = await invite(uniqueEmail('dutch'), 'coach');
    expect(mail.subject).toBe('Uitnodiging voor het TOPFIT-platform');
    expect(mail.text).toContain('leefstijlcoach');
  });

  it('an invitation to an organisation that does not exist is refused on #/organisationId', async () => {
    const answer = await admin.client.post('/api/v1/admin/invitations', {
      email: uniqueEmail(),
      role: 'coach',
      organisationId: randomUUID(),
    });
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ in: 'body', pointer: '#/organisationId' }),
    ]);
  });

  it.each([
    [
      'POST',
      '/api/v1/admin/invitations',
      { email: 'nobody', role: 'king', organisationId: 'abc', locale: 'de' },
      'body',
      ['#/email', '#/locale', '#/organisationId', '#/role'],
    ],
    ['DELETE', '/api/v1/admin/invitations/not-a-uuid', undefined, 'params', ['#/id']],
    ['GET', '/api/v1/invitations/short', undefined, 'params', ['#/token']],
    [
      'POST',
      '/api/v1/invitations/accept',
      { token: 'short', displayName: ' ', password: 'short', locale: 'fr' },
      'body',
      ['#/displayName', '#/locale', '#/password', '#/token'],
    ],
  ] as const)(
    '%s %s with invalid input answers 422 naming every invalid field',
    async (method, url, body, part, pointers) => {
      const answer = await admin.client.request(method, url, body);
      expect(answer.status).toBe(422);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.body.code).toBe('invalid_input');
      const errors = answer.body.errors as { in: string; pointer: string }[];
      expect(errors.map((e) => e.pointer).sort()).toEqual([...pointers]);
      expect(errors.every((e) => e.in === part)).toBe(true);
    },
  );

  it('an administrator revokes an open invitation: its link stops working, the revocation is audited, and twice is 404', async () => {
    const { invitation, token } = await invite(uniqueEmail('revoked'), 'innovator');
    const answer = await admin.client.delete(`/api/v1/admin/invitations/${invitation.id}`);
    expect(answer.status).toBe(204);
    expect(answer.body).toBeNull();
    expect((await invitationById(invitation.id))?.revokedAt).toEqual(expect.any(String));
    const [entry] = await auditOf(answer, { actorAccountId: admin.accountId });
    expect(entry).toMatchObject({
      action: 'invitation.revoke',
      outcome: 'success',
      resourceId: invitation.id,
    });

    const described = await browser().get(`/api/v1/invitations/${encodeURIComponent(token)}`);
    expect(described.status).toBe(400);
    expect(described.body.code).toBe('invalid_token');
    const accepted = await browser().post('/api/v1/invitations/accept', {
      token,
      displayName: 'Iris',
      password: PASSWORD,
    });
    expect(accepted.status).toBe(400);
    expect(accepted.body.code).toBe('invalid_token');

    const twice = await admin.client.delete(`/api/v1/admin/invitations/${invitation.id}`);
    expect(twice.status).toBe(404);
    expect(twice.body.code).toBe('not_found');
  });

  it('an accepted invitation cannot be revoked', async () => {
    const { invitation, token } = await invite(uniqueEmail('kept'), 'coach');
    expect(
      (await browser().post('/api/v1/invitations/accept', { token, displayName: 'Kees', password: PASSWORD }))
        .status,
    ).toBe(200);
    const answer = await admin.client.delete(`/api/v1/admin/invitations/${invitation.id}`);
    expect(answer.status).toBe(404);
    expect((await invitationById(invitation.id))?.revokedAt).toBeNull();
  });
});

describe('accepting', () => {
  it('the link describes the invitation; accepted without an account it creates one with a confirmed address and the role', async () => {
    const org = await organisation();
    const email = uniqueEmail('newcomer');
    const { invitation, token } = await invite(email, 'researcher', { organisationId: org.id });

    const client = browser();
    const described = await client.get(`/api/v1/invitations/${encodeURIComponent(token)}`);
    expect(described.status).toBe(200);
    expect(described.body).toEqual({
      email,
      role: 'researcher',
      organisation: { id: org.id, name: org.name },
      accountExists: false,
    });

    const accepted = await client.post('/api/v1/invitations/accept', {
      token,
      displayName: '  Noor Bakker ',
      password: PASSWORD,
      locale: 'en',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({});

    const signIn = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect(signIn.status).toBe(200);
    expect(signIn.body).toEqual({ mfaRequired: false });
    const me = await client.get<Me>('/api/v1/me');
    expect(me.body.account).toMatchObject({
      email,
      displayName: 'Noor Bakker',
      locale: 'en',
      emailVerified: true,
    });
    expect(me.body.roles).toEqual([
      expect.objectContaining({
        role: 'researcher',
        organisation: { id: org.id, name: org.name, type: 'university_of_applied_sciences' },
      }),
    ]);
    expect(me.body.session.mfaSetupRequired).toBe(true);

    const [entry] = await auditOf(accepted, { participantId: me.body.account.id });
    expect(entry).toMatchObject({
      action: 'invitation.accept',
      outcome: 'success',
      actorAccountId: null,
      resourceId: invitation.id,
      details: { role: 'researcher' },
    });
    expect((await invitationById(invitation.id))?.acceptedAt).toEqual(expect.any(String));

    const again = await browser().post('/api/v1/invitations/accept', {
      token,
      displayName: 'Other',
      password: PASSWORD,
    });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invalid_token');
    const describedAgain = await browser().get(`/api/v1/invitations/${encodeURIComponent(token)}`);
    expect(describedAgain.status).toBe(400);
    expect(describedAgain.body.code).toBe('invalid_token');
  });

  it('accepting without an account needs a name and a password, and reports both', async () => {
    const { token } = await invite(uniqueEmail('incomplete'), 'coach');
    const answer = await browser().post('/api/v1/invitations/accept', { token });
    expect(answer.status).toBe(422);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((answer.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      '#/displayName',
      '#/password',
    ]);
    expect((await browser().get(`/api/v1/invitations/${encodeURIComponent(token)}`)).status).toBe(200);
  });

  it('a person with an account must sign in as the invited address to accept; then the role is added to that account', async () => {
    const invitee = await signUpCitizen(app, browser());
    const { token } = await invite(invitee.email.toUpperCase(), 'coach');

    const described = await browser().get(`/api/v1/invitations/${encodeURIComponent(token)}`);
    expect(described.body).toMatchObject({ email: invitee.email, accountExists: true });

    const anonymous = await browser().post('/api/v1/invitations/accept', {
      token,
      displayName: 'Takeover',
      password: 'a password of the attacker',
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('unauthenticated');
    const attacker = browser();
    expect(
      (
        await attacker.post('/api/v1/auth/sign-in', {
          email: invitee.email,
          password: 'a password of the attacker',
        })
      ).status,
    ).toBe(401);

    const someoneElse = await signUpCitizen(app, browser());
    const wrongPerson = await someoneElse.client.post('/api/v1/invitations/accept', { token });
    expect(wrongPerson.status).toBe(403);
    expect(wrongPerson.body.code).toBe('forbidden');
    const theirRoles = await someoneElse.client.get<Me>('/api/v1/me');
    expect(theirRoles.body.roles.map((r) => r.role)).toEqual(['citizen']);

    const accepted = await invitee.client.post('/api/v1/invitations/accept', {
      token,
      displayName: 'Ignored',
    });
    expect(accepted.status).toBe(200);
    const me = await invitee.client.get<Me>('/api/v1/me');
    expect(me.body.roles.map((r) => r.role).sort()).toEqual(['citizen', 'coach']);
    expect(me.body.account.displayName).toBe('Test Citizen');
    expect(me.body.session.mfaSetupRequired).toBe(true);
    const [entry] = await auditOf(accepted, { participantId: invitee.accountId });
    expect(entry).toMatchObject({
      action: 'invitation.accept',
      outcome: 'success',
      actorAccountId: invitee.accountId,
    });
  });

  it('an invitation no longer works after seven days', async () => {
    const { token } = await invite(uniqueEmail('late'), 'coach');
    offset = 7 * DAY + 1000;
    const described = await browser().get(`/api/v1/invitations/${encodeURIComponent(token)}`);
    expect(described.status).toBe(400);
    expect(described.body.code).toBe('invalid_token');
    const accepted = await browser().post('/api/v1/invitations/accept', {
      token,
      displayName: 'Late',
      password: PASSWORD,
    });
    expect(accepted.status).toBe(400);
    expect(accepted.body.code).toBe('invalid_token');
  });

  it('a made-up token is refused as invalid', async () => {
    const token = 'x'.repeat(43);
    expect((await browser().get(`/api/v1/invitations/${token}`)).body.code).toBe('invalid_token');
    const answer = await browser().post('/api/v1/invitations/accept', {
      token,
      displayName: 'Nobody',
      password: PASSWORD,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('invalid_token');
  });

  it('an invited administrator must set up two factors before administering', async () => {
    const email = uniqueEmail('invited-admin');
    const { token } = await invite(email, 'administrator');
    const client = browser();
    expect(
      (
        await client.post('/api/v1/invitations/accept', {
          token,
          displayName: 'Admin Two',
          password: PASSWORD,
        })
      ).status,
    ).toBe(200);
    await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    const early = await client.get('/api/v1/admin/invitations');
    expect(early.status).toBe(403);
    expect(early.body.code).toBe('mfa_required');

    const setup = await client.post<{ secret: string }>('/api/v1/me/mfa/totp/setup');
    expect(
      (await client.post('/api/v1/me/mfa/totp/confirm', { code: totpCode(setup.body.secret) })).status,
    ).toBe(200);
    expect((await client.get('/api/v1/admin/invitations')).status).toBe(200);
  });
});
