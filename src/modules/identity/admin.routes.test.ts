import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  uniqueEmail,
} from '../../../test/app.ts';
import type { Role } from '../../platform/access/index.ts';

// Administration: organisations, people and their roles, the audit log and the outbox, and who is
// refused each of them. (Invitations have a file of their own.)

let app: TestApp;
/** A browser from an address of its own, so that one test's requests never meet another's rate limits. */
const browser = clientFactory(() => app, 3);

interface Actor {
  client: TestClient;
  accountId: string;
  email: string;
}

/** The roles every administration route must refuse, even with two factors verified. */
const REFUSED_ROLES = [
  'citizen',
  'coach',
  'researcher',
  'data_steward',
  'innovator',
  'partner_analyst',
  'programme_manager',
] as const satisfies readonly Role[];

let admin: Actor;
const refused = {} as Record<(typeof REFUSED_ROLES)[number], Actor>;
/** An administrator whose session has the password but not yet the second factor. */
let adminAwaitingCode: Actor;
/** An administrator who has not set up two factors at all. */
let adminWithoutTwoFactors: Actor;
/** A set-up link issued while the platform had no administrator yet. */
let setupLinkFromBeforeAdministrators: string | undefined;

/** Things the routes act on, made once. */
const target = {
  organisationId: '',
  membershipId: '',
  membershipAccountId: '',
  invitationId: '',
  mailId: '',
};

/** A staff member made on the command line who set a password but not yet two factors. */
async function staffWithoutTwoFactors(roles: Role[]): Promise<Actor> {
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
  expect((await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).body).toEqual({
    mfaRequired: false,
  });
  return { client, email, accountId };
}

beforeAll(async () => {
  app = await createTestApp();
  setupLinkFromBeforeAdministrators = await app.identity.admin.issueSetupLink();
  admin = await createStaff(app, ['administrator'], browser());
  refused.citizen = await signUpCitizen(app, browser());
  for (const role of REFUSED_ROLES) {
    if (role !== 'citizen') refused[role] = await createStaff(app, [role], browser());
  }
  const awaiting = browser();
  expect(
    (await awaiting.post('/api/v1/auth/sign-in', { email: admin.email, password: PASSWORD })).body,
  ).toEqual({
    mfaRequired: true,
  });
  adminAwaitingCode = { ...admin, client: awaiting };
  adminWithoutTwoFactors = await staffWithoutTwoFactors(['administrator']);

  const organisation = await admin.client.post<{ organisation: { id: string } }>(
    '/api/v1/admin/organisations',
    {
      name: `Target ${randomUUID()}`,
      type: 'sme',
    },
  );
  target.organisationId = organisation.body.organisation.id;
  const bystander = await signUpCitizen(app, browser());
  const me = await bystander.client.get<{ roles: { membershipId: string }[] }>('/api/v1/me');
  target.membershipId = me.body.roles[0]?.membershipId ?? '';
  target.membershipAccountId = bystander.accountId;
  const since = new Date();
  const invitation = await admin.client.post<{ invitation: { id: string } }>('/api/v1/admin/invitations', {
    email: uniqueEmail('target'),
    role: 'coach',
  });
  target.invitationId = invitation.body.invitation.id;
  const [mail] = (await app.outbox.list({ limit: 1000 })).filter((m) => m.receivedAt >= since);
  target.mailId = mail?.id ?? '';
  expect(Object.values(target).every(Boolean)).toBe(true);
});
afterAll(() => app?.stop());

/** The audit entries a request wrote, found through the acting account. */
async function auditOf(answer: Answer, actorAccountId: string) {
  const entries = await app.audit.search({ actorAccountId, limit: 100 });
  return entries.filter((entry) => entry.requestId === answer.headers['x-request-id']);
}

async function rolesOf(accountId: string) {
  const answer = await admin.client.get<{
    accounts: { id: string; roles: { membershipId: string; role: Role }[] }[];
  }>('/api/v1/admin/accounts');
  return answer.body.accounts.find((a) => a.id === accountId)?.roles ?? [];
}

interface AdminRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  url: () => string;
  body?: () => unknown;
  /** The access-policy action whose denial is audited. */
  action: string;
  /** Checks that a refused request changed nothing. */
  unchanged?: () => Promise<void>;
}

const ADMIN_ROUTES: AdminRoute[] = [
  {
    method: 'GET',
    path: '/admin/organisations',
    url: () => '/api/v1/admin/organisations',
    action: 'organisation.manage',
  },
  {
    method: 'POST',
    path: '/admin/organisations',
    url: () => '/api/v1/admin/organisations',
    body: () => ({ name: `Refused ${randomUUID()}`, type: 'sme' }),
    action: 'organisation.manage',
  },
  {
    method: 'PATCH',
    path: '/admin/organisations/{id}',
    url: () => `/api/v1/admin/organisations/${target.organisationId}`,
    body: () => ({ type: 'insurer' }),
    action: 'organisation.manage',
    async unchanged() {
      const list = await admin.client.get<{ organisations: { id: string; type: string }[] }>(
        '/api/v1/admin/organisations',
      );
      expect(list.body.organisations.find((o) => o.id === target.organisationId)?.type).toBe('sme');
    },
  },
  {
    method: 'GET',
    path: '/admin/accounts',
    url: () => '/api/v1/admin/accounts?query=test',
    action: 'account.search',
  },
  {
    method: 'DELETE',
    path: '/admin/memberships/{id}',
    url: () => `/api/v1/admin/memberships/${target.membershipId}`,
    action: 'membership.manage',
    async unchanged() {
      expect((await rolesOf(target.membershipAccountId)).map((r) => r.membershipId)).toEqual([
        target.membershipId,
      ]);
    },
  },
  {
    method: 'GET',
    path: '/admin/invitations',
    url: () => '/api/v1/admin/invitations',
    action: 'invitation.manage',
  },
  {
    method: 'POST',
    path: '/admin/invitations',
    url: () => '/api/v1/admin/invitations',
    body: () => ({ email: uniqueEmail('refused-invite'), role: 'administrator' }),
    action: 'invitation.manage',
  },
  {
    method: 'DELETE',
    path: '/admin/invitations/{id}',
    url: () => `/api/v1/admin/invitations/${target.invitationId}`,
    action: 'invitation.manage',
    async unchanged() {
      const list = await admin.client.get<{ invitations: { id: string; revokedAt: string | null }[] }>(
        '/api/v1/admin/invitations',
      );
      expect(list.body.invitations.find((i) => i.id === target.invitationId)?.revokedAt).toBeNull();
    },
  },
  { method: 'GET', path: '/admin/audit', url: () => '/api/v1/admin/audit', action: 'audit.search' },
  { method: 'GET', path: '/admin/outbox', url: () => '/api/v1/admin/outbox', action: 'mail.outbox.read' },
  {
    method: 'GET',
    path: '/admin/outbox/{id}',
    url: () => `/api/v1/admin/outbox/${target.mailId}`,
    action: 'mail.outbox.read',
  },
];

describe.each(ADMIN_ROUTES)('$method $path', (route) => {
  const send = (client: TestClient) => client.request(route.method, route.url(), route.body?.());

  it.each(REFUSED_ROLES)('is refused to a %s with 403 forbidden, and the denial is audited', async (role) => {
    const actor = refused[role];
    const answer = await send(actor.client);
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body.code).toBe('forbidden');
    const entries = await auditOf(answer, actor.accountId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: route.action, outcome: 'denied', actorRole: role });
    expect(entries[0]?.details.reason).toEqual(expect.any(String));
    await route.unchanged?.();
  });

  it('is refused to an administrator without two factors set up with 403 mfa_required, and the denial is audited', async () => {
    const answer = await send(adminWithoutTwoFactors.client);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('mfa_required');
    const entries = await auditOf(answer, adminWithoutTwoFactors.accountId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: route.action,
      outcome: 'denied',
      details: expect.objectContaining({ reason: 'two-factor sign-in required for this role' }),
    });
    await route.unchanged?.();
  });

  it('is refused to an administrator who has not given the second factor yet with 403 mfa_required', async () => {
    const answer = await send(adminAwaitingCode.client);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('mfa_required');
    await route.unchanged?.();
  });

  it('answers 401 unauthenticated without a session', async () => {
    const answer = await send(browser());
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body.code).toBe('unauthenticated');
    await route.unchanged?.();
  });
});

describe('validation of the administration routes', () => {
  it.each([
    ['POST', '/api/v1/admin/organisations', { name: 'x', type: 'castle' }, 'body', ['#/name', '#/type']],
    ['PATCH', '/api/v1/admin/organisations/not-a-uuid', { type: 'sme' }, 'params', ['#/id']],
    ['PATCH', '/api/v1/admin/organisations/00000000-0000-4000-8000-000000000000', {}, 'body', ['#']],
    ['GET', `/api/v1/admin/accounts?query=${'x'.repeat(201)}`, undefined, 'query', ['#/query']],
    ['DELETE', '/api/v1/admin/memberships/42', undefined, 'params', ['#/id']],
    [
      'GET',
      '/api/v1/admin/audit?participant=someone&actor=me&from=yesterday&to=2026-13-01&before=0&limit=501',
      undefined,
      'query',
      ['#/actor', '#/before', '#/from', '#/limit', '#/participant', '#/to'],
    ],
    ['GET', '/api/v1/admin/outbox/not-a-uuid', undefined, 'params', ['#/id']],
  ] as const)('%s %s answers 422 naming every invalid field', async (method, url, body, part, pointers) => {
    const answer = await admin.client.request(method, url, body);
    expect(answer.status).toBe(422);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body.code).toBe('invalid_input');
    const errors = answer.body.errors as { in: string; pointer: string }[];
    expect(errors.map((e) => e.pointer).sort()).toEqual([...pointers]);
    expect(errors.every((e) => e.in === part)).toBe(true);
  });

  it('PATCH /admin/organisations/{id} with an invalid body reports every field', async () => {
    const answer = await admin.client.patch(`/api/v1/admin/organisations/${target.organisationId}`, {
      name: ' ',
      type: 'castle',
    });
    expect(answer.status).toBe(422);
    expect((answer.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      '#/name',
      '#/type',
    ]);
  });
});

describe('organisations', () => {
  it('an administrator adds an organisation, sees it listed with its number of members, and the addition is audited', async () => {
    const name = `Universiteit Twente ${randomUUID().slice(0, 8)}`;
    const created = await admin.client.post<{
      organisation: { id: string; name: string; type: string; createdAt: string };
    }>('/api/v1/admin/organisations', { name: `  ${name}  `, type: 'university' });
    expect(created.status).toBe(201);
    expect(created.body.organisation).toEqual({
      id: expect.any(String),
      name,
      type: 'university',
      createdAt: expect.any(String),
    });
    const id = created.body.organisation.id;
    const [entry] = await auditOf(created, admin.accountId);
    expect(entry).toMatchObject({ action: 'organisation.create', outcome: 'success', resourceId: id });

    const members = async () => {
      const list = await admin.client.get<{ organisations: { id: string; name: string; members: number }[] }>(
        '/api/v1/admin/organisations',
      );
      expect(list.status).toBe(200);
      return list.body.organisations.find((o) => o.id === id);
    };
    expect(await members()).toMatchObject({ name, members: 0 });
    for (const email of [uniqueEmail('member'), uniqueEmail('member')]) {
      await app.identity.admin.createUser({
        email,
        displayName: 'Member',
        roles: ['researcher', 'coach'],
        organisationId: id,
        locale: 'nl',
      });
    }
    expect(await members()).toMatchObject({ members: 2 });
  });

  it('a second organisation with the same name, in any letter case, is refused on #/name', async () => {
    const name = `GGD Twente ${randomUUID().slice(0, 8)}`;
    expect((await admin.client.post('/api/v1/admin/organisations', { name, type: 'ggd' })).status).toBe(201);
    const twin = await admin.client.post('/api/v1/admin/organisations', {
      name: name.toUpperCase(),
      type: 'ggd',
    });
    expect(twin.status).toBe(422);
    expect(twin.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(twin.body.code).toBe('invalid_input');
    expect(twin.body.errors).toEqual([expect.objectContaining({ in: 'body', pointer: '#/name' })]);
  });

  it('an administrator renames and retypes an organisation, is audited, and cannot take a name in use', async () => {
    const make = (name: string) =>
      admin.client.post<{ organisation: { id: string } }>('/api/v1/admin/organisations', {
        name,
        type: 'sme',
      });
    const first = (await make(`Roessingh ${randomUUID().slice(0, 8)}`)).body.organisation.id;
    const taken = `Saxion ${randomUUID().slice(0, 8)}`;
    await make(taken);

    const renamed = `Roessingh Research ${randomUUID().slice(0, 8)}`;
    const answer = await admin.client.patch<{ organisation: { id: string; name: string; type: string } }>(
      `/api/v1/admin/organisations/${first}`,
      { name: renamed, type: 'hospital_or_care' },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.organisation).toMatchObject({ id: first, name: renamed, type: 'hospital_or_care' });
    const [entry] = await auditOf(answer, admin.accountId);
    expect(entry).toMatchObject({ action: 'organisation.update', outcome: 'success', resourceId: first });

    const clash = await admin.client.patch(`/api/v1/admin/organisations/${first}`, {
      name: taken.toLowerCase(),
    });
    expect(clash.status).toBe(422);
    expect(clash.body.errors).toEqual([expect.objectContaining({ pointer: '#/name' })]);
    const list = await admin.client.get<{ organisations: { id: string; name: string }[] }>(
      '/api/v1/admin/organisations',
    );
    expect(list.body.organisations.find((o) => o.id === first)?.name).toBe(renamed);
  });

  it('changing an organisation that does not exist answers 404', async () => {
    const answer = await admin.client.patch(`/api/v1/admin/organisations/${randomUUID()}`, { type: 'sme' });
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('not_found');
  });
});

describe('people and their roles', () => {
  it('an administrator finds people by part of their name or address, with their roles, and the search is audited with its query', async () => {
    const organisation = await admin.client.post<{ organisation: { id: string; name: string } }>(
      '/api/v1/admin/organisations',
      { name: `Menzis ${randomUUID().slice(0, 8)}`, type: 'insurer' },
    );
    const marker = randomUUID().slice(0, 8);
    const email = uniqueEmail(`found-${marker}`);
    const { accountId } = await app.identity.admin.createUser({
      email,
      displayName: `Fenna ${marker} Jansen`,
      roles: ['partner_analyst'],
      organisationId: organisation.body.organisation.id,
      locale: 'nl',
    });

    const byName = await admin.client.get<{ accounts: Record<string, unknown>[] }>(
      `/api/v1/admin/accounts?query=${encodeURIComponent(`${marker} JANSEN`)}`,
    );
    expect(byName.status).toBe(200);
    expect(byName.body.accounts).toEqual([
      {
        id: accountId,
        email,
        displayName: `Fenna ${marker} Jansen`,
        locale: 'nl',
        emailVerified: true,
        mfaEnabled: false,
        createdAt: expect.any(String),
        roles: [
          {
            membershipId: expect.any(String),
            role: 'partner_analyst',
            organisation: {
              id: organisation.body.organisation.id,
              name: organisation.body.organisation.name,
              type: 'insurer',
            },
          },
        ],
      },
    ]);
    const byAddress = await admin.client.get<{ accounts: { id: string }[] }>(
      `/api/v1/admin/accounts?query=${encodeURIComponent(email.toUpperCase())}`,
    );
    expect(byAddress.body.accounts.map((a) => a.id)).toEqual([accountId]);

    const [entry] = await auditOf(byName, admin.accountId);
    expect(entry).toMatchObject({
      action: 'account.search',
      outcome: 'success',
      purpose: 'administration',
      details: { query: `${marker} JANSEN` },
    });
  });

  it('wildcards in a search are taken literally', async () => {
    const search = (query: string) =>
      admin.client.get<{ accounts: { id: string; email: string; displayName: string }[] }>(
        `/api/v1/admin/accounts?query=${encodeURIComponent(query)}`,
      );
    expect((await search('%')).body.accounts).toEqual([]);
    expect((await search('\\')).body.accounts).toEqual([]);
    const underscore = (await search('_')).body.accounts;
    expect(underscore.map((a) => a.id)).toContain(refused.data_steward.accountId);
    expect(underscore.map((a) => a.id)).not.toContain(refused.citizen.accountId);
    for (const account of underscore) expect(`${account.email} ${account.displayName}`).toContain('_');
  });

  it('a search without a query lists everyone', async () => {
    const answer = await admin.client.get<{ accounts: { id: string }[] }>('/api/v1/admin/accounts');
    const ids = answer.body.accounts.map((a) => a.id);
    expect(ids).toEqual(
      expect.arrayContaining([admin.accountId, refused.citizen.accountId, refused.coach.accountId]),
    );
  });

  it('an administrator takes a role away: the person loses it at once, and the removal is audited', async () => {
    const researcher = await createStaff(app, ['researcher', 'coach'], browser());
    const roles = await rolesOf(researcher.accountId);
    const membership = roles.find((r) => r.role === 'researcher');
    expect(membership).toBeDefined();

    const answer = await admin.client.delete(`/api/v1/admin/memberships/${membership?.membershipId}`);
    expect(answer.status).toBe(204);
    expect(answer.body).toBeNull();
    const me = await researcher.client.get<{ roles: { role: Role }[] }>('/api/v1/me');
    expect(me.body.roles.map((r) => r.role)).toEqual(['coach']);
    const [entry] = await auditOf(answer, admin.accountId);
    expect(entry).toMatchObject({
      action: 'membership.remove',
      outcome: 'success',
      resourceId: membership?.membershipId,
      subjectParticipantId: researcher.accountId,
      details: { role: 'researcher' },
    });

    const again = await admin.client.delete(`/api/v1/admin/memberships/${membership?.membershipId}`);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('not_found');
  });

  it('an administrator role can be taken away while another administrator remains', async () => {
    const other = await app.identity.admin.createUser({
      email: uniqueEmail('second-admin'),
      displayName: 'Second Admin',
      roles: ['administrator'],
      organisationId: null,
      locale: 'en',
    });
    const [membership] = await rolesOf(other.accountId);
    const answer = await admin.client.delete(`/api/v1/admin/memberships/${membership?.membershipId}`);
    expect(answer.status).toBe(204);
    expect(await rolesOf(other.accountId)).toEqual([]);
  });

  it('removing a membership that does not exist answers 404', async () => {
    const answer = await admin.client.delete(`/api/v1/admin/memberships/${randomUUID()}`);
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('not_found');
  });
});

interface AuditPage {
  entries: {
    seq: number;
    at: string;
    actorAccountId: string | null;
    action: string;
    subjectParticipantId: string | null;
    outcome: string;
  }[];
  nextBefore: number | null;
}

describe('the audit log', () => {
  it('an administrator finds the entries about one person, newest first; the search itself is the newest', async () => {
    const person = await signUpCitizen(app, browser());
    await person.client.post('/api/v1/auth/sign-out');
    const answer = await admin.client.get<AuditPage>(`/api/v1/admin/audit?participant=${person.accountId}`);
    expect(answer.status).toBe(200);
    expect(answer.body.nextBefore).toBeNull();
    expect(answer.body.entries.map((e) => e.action)).toEqual([
      'audit.search',
      'session.sign_out',
      'session.sign_in',
      'account.verify_email',
      'account.sign_up',
    ]);
    expect(answer.body.entries[0]).toMatchObject({ actorAccountId: admin.accountId, outcome: 'success' });
    expect(answer.body.entries.every((e) => e.subjectParticipantId === person.accountId)).toBe(true);
    const seqs = answer.body.entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
  });

  it('an administrator pages through the log with nextBefore until it is null', async () => {
    const person = await signUpCitizen(app, browser());
    for (let i = 0; i < 2; i++) {
      await person.client.post('/api/v1/auth/sign-out');
      await person.client.post('/api/v1/auth/sign-in', { email: person.email, password: PASSWORD });
    }
    const url = `/api/v1/admin/audit?actor=${person.accountId}`;
    const all = await admin.client.get<AuditPage>(url);
    expect(all.body.entries).toHaveLength(5);

    const first = await admin.client.get<AuditPage>(`${url}&limit=2`);
    expect(first.body.entries).toHaveLength(2);
    expect(first.body.nextBefore).toBe(first.body.entries[1]?.seq);
    const second = await admin.client.get<AuditPage>(`${url}&limit=2&before=${first.body.nextBefore}`);
    expect(second.body.entries).toHaveLength(2);
    const third = await admin.client.get<AuditPage>(`${url}&limit=2&before=${second.body.nextBefore}`);
    expect(third.body.entries).toHaveLength(1);
    expect(third.body.nextBefore).toBeNull();
    expect([...first.body.entries, ...second.body.entries, ...third.body.entries]).toEqual(all.body.entries);
  });

  it('an administrator finds what one account did, and within a time window', async () => {
    const person = await signUpCitizen(app, browser());
    const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
    await pause();
    const between = new Date();
    await pause();
    await person.client.post('/api/v1/auth/sign-out');

    const byActor = await admin.client.get<AuditPage>(`/api/v1/admin/audit?actor=${person.accountId}`);
    expect(byActor.body.entries.map((e) => e.action)).toEqual(['session.sign_out', 'session.sign_in']);
    expect(byActor.body.entries.every((e) => e.actorAccountId === person.accountId)).toBe(true);

    const iso = encodeURIComponent(between.toISOString());
    const after = await admin.client.get<AuditPage>(
      `/api/v1/admin/audit?actor=${person.accountId}&from=${iso}`,
    );
    expect(after.body.entries.map((e) => e.action)).toEqual(['session.sign_out']);
    const before = await admin.client.get<AuditPage>(
      `/api/v1/admin/audit?actor=${person.accountId}&to=${iso}`,
    );
    expect(before.body.entries.map((e) => e.action)).toEqual(['session.sign_in']);
  });

  it('searching the audit log is itself audited, with the filters used', async () => {
    const person = await signUpCitizen(app, browser());
    const answer = await admin.client.get(
      `/api/v1/admin/audit?participant=${person.accountId}&actor=${person.accountId}`,
    );
    expect(answer.status).toBe(200);
    const [entry] = await auditOf(answer, admin.accountId);
    expect(entry).toMatchObject({
      action: 'audit.search',
      outcome: 'success',
      purpose: 'security_audit',
      subjectParticipantId: person.accountId,
      details: { actor: person.accountId, from: null, to: null },
    });
  });

  it('an entry carries who, what, about whom, from where and which request', async () => {
    const person = await signUpCitizen(app, browser());
    const signOut = await person.client.post('/api/v1/auth/sign-out');
    const page = await admin.client.get<{ entries: Record<string, unknown>[] }>(
      `/api/v1/admin/audit?actor=${person.accountId}&limit=1`,
    );
    expect(page.body.entries[0]).toEqual({
      seq: expect.any(Number),
      at: expect.any(String),
      actorAccountId: person.accountId,
      actorRole: 'citizen',
      onBehalfOf: null,
      action: 'session.sign_out',
      resourceType: 'session',
      resourceId: expect.any(String),
      subjectParticipantId: person.accountId,
      purpose: null,
      outcome: 'success',
      requestId: signOut.headers['x-request-id'],
      clientAddress: person.client.clientAddress,
      details: {},
    });
  });
});

describe('the outbox', () => {
  it('an administrator lists the captured mail and reads one message; the reads are audited', async () => {
    const { email } = await signUpCitizen(app, browser());
    const since = new Date();
    await browser().post('/api/v1/auth/password-reset', { email });
    const sent = await app.outbox.waitFor(email, { since });

    const list = await admin.client.get<{ capturing: boolean; messages: Record<string, unknown>[] }>(
      '/api/v1/admin/outbox',
    );
    expect(list.status).toBe(200);
    expect(list.body.capturing).toBe(true);
    expect(list.body.messages[0]).toEqual({
      id: sent.id,
      receivedAt: expect.any(String),
      from: 'no-reply@topfit.localhost',
      to: [email],
      subject: 'Nieuw wachtwoord instellen',
    });
    const [listed] = await auditOf(list, admin.accountId);
    expect(listed).toMatchObject({ action: 'mail.outbox.read', outcome: 'success' });

    const one = await admin.client.get<Record<string, unknown>>(`/api/v1/admin/outbox/${sent.id}`);
    expect(one.status).toBe(200);
    expect(Object.keys(one.body).sort()).toEqual([
      'from',
      'html',
      'id',
      'receivedAt',
      'subject',
      'text',
      'to',
    ]);
    expect(one.body).toMatchObject({ id: sent.id, to: [email], subject: 'Nieuw wachtwoord instellen' });
    expect(one.body.text).toBe(sent.text);
    expect(one.body.text).toContain(
      `/reset-password?token=${encodeURIComponent(linkToken(sent, 'reset-password'))}`,
    );
    expect(one.body.html).toEqual(expect.stringContaining('<'));
    const [read] = await auditOf(one, admin.accountId);
    expect(read).toMatchObject({ action: 'mail.outbox.read', outcome: 'success', resourceId: sent.id });
  });

  it('a message that does not exist answers 404', async () => {
    const answer = await admin.client.get(`/api/v1/admin/outbox/${randomUUID()}`);
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('not_found');
  });
});

describe('the set-up link', () => {
  it('a set-up link from before any administrator existed stops working once one was made another way', async () => {
    expect(setupLinkFromBeforeAdministrators).toBeDefined();
    const client = browser();
    expect((await client.get('/api/v1/setup')).body).toEqual({ needed: false });
    const token = new URL(setupLinkFromBeforeAdministrators ?? '').searchParams.get('token') ?? '';
    const email = uniqueEmail('late-admin');
    const answer = await client.post('/api/v1/setup/admin', {
      token,
      email,
      password: PASSWORD,
      displayName: 'Late Admin',
      locale: 'en',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('invalid_token');
    expect((await browser().post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(401);
  });
});
