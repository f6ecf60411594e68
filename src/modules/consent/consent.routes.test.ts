import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, createTestApp, joinedCitizen, signUpCitizen, type TestApp } from '../../../test/app.ts';
import { createAccessPolicy } from '../../platform/access/index.ts';
import { createConsentChecker } from './index.ts';
import { contentHash } from './model.ts';

let app: TestApp;
let steward: Awaited<ReturnType<typeof createStaff>>;
beforeAll(async () => {
  app = await createTestApp();
  steward = await createStaff(app, ['data_steward']);
});
afterAll(() => app?.stop());

interface State {
  purposeKey: string;
  decision: string | null;
  documentVersion: number | null;
  currentVersion: number;
  effective: boolean;
  reconsentNeeded: boolean;
}
type Client = ReturnType<TestApp['client']>;

const PURPOSES = [
  'personal_insights',
  'research',
  'study_contact',
  'coach_sharing',
  'gp_summary',
  'product_testing',
  'registry_linkage',
];

async function stateOf(client: Client, purposeKey: string): Promise<State | undefined> {
  const answer = await client.get<{ purposes: State[] }>('/api/v1/me/consents');
  return answer.body.purposes.find((p) => p.purposeKey === purposeKey);
}

async function currentVersion(purposeKey: string): Promise<number> {
  const answer = await app
    .client()
    .get<{ purposes: { purposeKey: string; version: number }[] }>('/api/v1/consent/purposes');
  return answer.body.purposes.find((p) => p.purposeKey === purposeKey)?.version ?? 0;
}

const decide = async (
  client: Client,
  purposeKey: string,
  decision: 'granted' | 'refused',
  version?: number,
) =>
  client.post('/api/v1/me/consents', {
    purposeKey,
    decision,
    documentVersion: version ?? (await currentVersion(purposeKey)),
  });

const publish = (material: boolean, earlierConsent: 'keeps' | 'lapses', purposeKey: string) =>
  steward.client.post<{ version: number; errors?: unknown[] }>(
    `/api/v1/admin/consent/purposes/${purposeKey}/versions`,
    {
      title: { nl: `Nieuwe tekst ${randomUUID().slice(0, 6)}`, en: 'New text' },
      body: {
        nl: 'Wij veranderen wat wij met uw gegevens doen.',
        en: 'We change what we do with your data.',
      },
      material,
      earlierConsent,
    },
  );

describe('the catalogue', () => {
  it('lists the seven purposes in order, each with a Dutch and English document whose hash the platform can recompute', async () => {
    const answer = await app.client().get<{
      purposes: {
        purposeKey: string;
        version: number;
        title: { nl: string; en: string };
        body: { nl: string; en: string };
        contentHash: string;
      }[];
    }>('/api/v1/consent/purposes');
    expect(answer.status).toBe(200);
    expect(answer.body.purposes.map((p) => p.purposeKey)).toEqual(PURPOSES);
    for (const document of answer.body.purposes) {
      expect(document.title.nl.length).toBeGreaterThan(3);
      expect(document.body.en.length).toBeGreaterThan(40);
      expect(document.contentHash).toBe(contentHash(document.title, document.body));
    }
  });
});

describe('a participant’s consent dashboard', () => {
  it('starts undecided, which counts as no, for every purpose', async () => {
    const { client } = await joinedCitizen(app);
    const answer = await client.get<{ purposes: State[] }>('/api/v1/me/consents');
    expect(answer.body.purposes).toHaveLength(7);
    expect(answer.body.purposes.every((p) => p.decision === null && !p.effective)).toBe(true);
  });

  it('grants and withdraws a purpose, each change with a receipt, an event in the history and an audit entry', async () => {
    const { client, accountId } = await joinedCitizen(app);
    const granted = await decide(client, 'research', 'granted');
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({
      participantId: accountId,
      purposeKey: 'research',
      decision: 'granted',
      channel: 'web',
    });
    expect(granted.body.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await stateOf(client, 'research')).toMatchObject({ decision: 'granted', effective: true });

    const withdrawn = await decide(client, 'research', 'refused');
    expect(withdrawn.status).toBe(201);
    expect(await stateOf(client, 'research')).toMatchObject({ decision: 'refused', effective: false });

    const history = await client.get<{ events: { id: number; decision: string }[] }>(
      '/api/v1/me/consents/history',
    );
    expect(history.body.events.map((e) => e.decision)).toEqual(['refused', 'granted']);

    const receipt = await client.get(`/api/v1/me/consents/receipts/${granted.body.eventId}`);
    expect(receipt.status).toBe(200);
    expect(receipt.headers['content-disposition']).toContain(`consent-receipt-${granted.body.eventId}.json`);
    expect(receipt.body).toMatchObject({ decision: 'granted', purposeKey: 'research' });

    const entries = await app.audit.search({ participantId: accountId, limit: 20 });
    expect(entries.filter((e) => e.action.startsWith('consent.')).map((e) => e.action)).toEqual([
      'consent.refused',
      'consent.granted',
    ]);
  });

  it('mails a receipt of each change in the participant’s language, naming the text version and its check code', async () => {
    const { client, email } = await joinedCitizen(app);
    const since = new Date();
    const granted = await decide(client, 'research', 'granted');
    await app.tasks.drain();
    const mail = await app.outbox.waitFor(email, { since, subjectIncludes: 'Bewijs van uw keuze' });
    expect(mail.subject).toBe('Bewijs van uw keuze: Gezondheidsonderzoek');
    expect(mail.text).toContain('U gaf toestemming voor: Gezondheidsonderzoek.');
    expect(mail.text).toContain(
      `versie ${granted.body.documentVersion} (controlecode ${String(granted.body.contentHash).slice(0, 16)})`,
    );
    expect(mail.text).toContain('http://topfit.test/consent');
  });

  it('nobody else can fetch a participant’s receipt', async () => {
    const anna = await joinedCitizen(app);
    const bram = await joinedCitizen(app);
    const granted = await decide(anna.client, 'gp_summary', 'granted');
    const answer = await bram.client.get(`/api/v1/me/consents/receipts/${granted.body.eventId}`);
    expect(answer.status).toBe(404);
  });

  it('reports every invalid field of a decision at once', async () => {
    const { client } = await joinedCitizen(app);
    const answer = await client.post('/api/v1/me/consents', {
      purposeKey: 'Not A Key',
      decision: 'maybe',
      documentVersion: 0,
    });
    expect(answer.status).toBe(422);
    expect((answer.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      '#/decision',
      '#/documentVersion',
      '#/purposeKey',
    ]);
  });

  it('refuses an unknown purpose and a version that does not exist, naming the field', async () => {
    const { client } = await joinedCitizen(app);
    const unknown = await client.post('/api/v1/me/consents', {
      purposeKey: 'mind_reading',
      decision: 'granted',
      documentVersion: 1,
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ pointer: '#/purposeKey' })]);
    const missing = await client.post('/api/v1/me/consents', {
      purposeKey: 'research',
      decision: 'granted',
      documentVersion: 999,
    });
    expect(missing.body.errors).toEqual([expect.objectContaining({ pointer: '#/documentVersion' })]);
  });

  it('someone who has not joined the Citizen Lab cannot record choices yet', async () => {
    const { client } = await signUpCitizen(app);
    const answer = await decide(client, 'research', 'granted');
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toMatch(/Join the Citizen Lab first/);
  });

  it('an anonymous request is refused', async () => {
    expect((await app.client().get('/api/v1/me/consents')).status).toBe(401);
  });
});

describe('a new version of a document', () => {
  it('a material change that lets earlier consent lapse stops it counting until the participant consents again', async () => {
    const { client } = await joinedCitizen(app);
    await decide(client, 'product_testing', 'granted');
    const published = await publish(true, 'lapses', 'product_testing');
    expect(published.status).toBe(201);
    expect(await stateOf(client, 'product_testing')).toMatchObject({
      effective: false,
      reconsentNeeded: true,
    });

    const stale = await decide(client, 'product_testing', 'granted', published.body.version - 1);
    expect(stale.status).toBe(409);
    await decide(client, 'product_testing', 'granted', published.body.version);
    expect(await stateOf(client, 'product_testing')).toMatchObject({
      effective: true,
      reconsentNeeded: false,
    });
  });

  it('a material change that keeps earlier consent asks again but keeps it counting meanwhile', async () => {
    const { client } = await joinedCitizen(app);
    await decide(client, 'study_contact', 'granted');
    await publish(true, 'keeps', 'study_contact');
    expect(await stateOf(client, 'study_contact')).toMatchObject({ effective: true, reconsentNeeded: true });
  });

  it('a change that is not material asks nothing and cannot let consent lapse', async () => {
    const { client } = await joinedCitizen(app);
    await decide(client, 'gp_summary', 'granted');
    await publish(false, 'keeps', 'gp_summary');
    expect(await stateOf(client, 'gp_summary')).toMatchObject({ effective: true, reconsentNeeded: false });
    const invalid = await publish(false, 'lapses', 'gp_summary');
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ pointer: '#/earlierConsent' })]);
  });

  it('only administrators and data stewards publish documents', async () => {
    const researcher = await createStaff(app, ['researcher']);
    const answer = await researcher.client.post('/api/v1/admin/consent/purposes/research/versions', {
      title: { nl: 'x', en: 'x' },
      body: { nl: 'x', en: 'x' },
      material: false,
    });
    expect(answer.status).toBe(403);
  });
});

describe('consent on paper, registered by support staff', () => {
  it('a data steward registers a decision with a reason, kept on the event and in the audit log', async () => {
    const { client, accountId } = await joinedCitizen(app);
    const reason = 'Papieren formulier van 3 mei, bibliotheek Deventer';
    const answer = await steward.client.post(`/api/v1/participants/${accountId}/consents/paper`, {
      purposeKey: 'research',
      decision: 'granted',
      documentVersion: await currentVersion('research'),
      reason,
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ channel: 'paper', reason });
    expect(await stateOf(client, 'research')).toMatchObject({ decision: 'granted', effective: true });
    const history = await client.get<{ events: { recordedBy: string; channel: string }[] }>(
      '/api/v1/me/consents/history',
    );
    expect(history.body.events[0]).toMatchObject({ channel: 'paper', recordedBy: steward.accountId });
    const [entry] = await app.audit.search({
      actorAccountId: steward.accountId,
      participantId: accountId,
      limit: 1,
    });
    expect(entry).toMatchObject({ action: 'consent.granted', onBehalfOf: accountId, purpose: 'support' });
  });

  it('without a reason, by a coach, or for someone who is not a participant, it is refused', async () => {
    const { accountId } = await joinedCitizen(app);
    const body = {
      purposeKey: 'research',
      decision: 'granted',
      documentVersion: await currentVersion('research'),
    };
    const noReason = await steward.client.post(`/api/v1/participants/${accountId}/consents/paper`, body);
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ pointer: '#/reason' })]);
    const coach = await createStaff(app, ['coach']);
    const byCoach = await coach.client.post(`/api/v1/participants/${accountId}/consents/paper`, {
      ...body,
      reason: 'a reason',
    });
    expect(byCoach.status).toBe(403);
    const nobody = await steward.client.post(`/api/v1/participants/${randomUUID()}/consents/paper`, {
      ...body,
      reason: 'a reason',
    });
    expect(nobody.status).toBe(404);
  });

  it('looking a participant’s consents up asks for a reason, which the audit log keeps', async () => {
    const { accountId } = await joinedCitizen(app);
    const noReason = await steward.client.get(`/api/v1/participants/${accountId}/consents`);
    expect(noReason.status).toBe(422);
    const reason = 'Belde met een vraag over haar toestemming';
    const answer = await steward.client.get(
      `/api/v1/participants/${accountId}/consents?reason=${encodeURIComponent(reason)}`,
    );
    expect(answer.status).toBe(200);
    const [entry] = await app.audit.search({
      actorAccountId: steward.accountId,
      participantId: accountId,
      limit: 1,
    });
    expect(entry).toMatchObject({ action: 'consent.read', outcome: 'success', details: { reason } });
  });
});

describe('export as FHIR R4', () => {
  it('gives one Consent per decided purpose: active, rejected, or inactive after a lapse', async () => {
    const { client, accountId } = await joinedCitizen(app);
    await decide(client, 'personal_insights', 'granted');
    await decide(client, 'registry_linkage', 'refused');
    await decide(client, 'coach_sharing', 'granted');
    await publish(true, 'lapses', 'coach_sharing');
    const answer = await client.get<{
      resourceType: string;
      type: string;
      entry: {
        resource: {
          resourceType: string;
          status: string;
          patient: { reference: string };
          provision: { type: string; purpose: { code: string }[] };
          scope: { coding: { code: string }[] };
        };
      }[];
    }>('/api/v1/me/consents/fhir');
    expect(answer.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(answer.headers['content-disposition']).toContain('attachment');
    expect(answer.body).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const byPurpose = Object.fromEntries(
      answer.body.entry.map((e) => [e.resource.provision.purpose[0]?.code, e.resource]),
    );
    expect(Object.keys(byPurpose).sort()).toEqual(['coach_sharing', 'personal_insights', 'registry_linkage']);
    expect(byPurpose.personal_insights).toMatchObject({
      resourceType: 'Consent',
      status: 'active',
      patient: { reference: `Patient/${accountId}` },
    });
    expect(byPurpose.registry_linkage).toMatchObject({ status: 'rejected', provision: { type: 'deny' } });
    expect(byPurpose.registry_linkage?.scope.coding[0]?.code).toBe('research');
    expect(byPurpose.coach_sharing).toMatchObject({ status: 'inactive', provision: { type: 'permit' } });
  });
});

describe('consent in the one access policy', () => {
  it('a grant that needs consent allows only consenting participants, and stops the moment consent is withdrawn', async () => {
    const policy = createAccessPolicy(
      {
        rules: {
          'care.read': {
            grants: [{ role: 'coach', consent: 'research' }],
            purposes: ['support'],
            personalData: true,
            resourceType: 'care_record',
          },
        },
        relations: {},
        consent: createConsentChecker(app.database.db),
      },
      app.audit,
    );
    const yes = await joinedCitizen(app);
    const no = await joinedCitizen(app);
    await decide(yes.client, 'research', 'granted');
    await decide(no.client, 'research', 'refused');
    const coach = { accountId: randomUUID(), roles: ['coach' as const], mfaVerified: true };
    const request = { action: 'care.read', purpose: 'support' as const };
    expect(await policy.filter(coach, request, [yes.accountId, no.accountId])).toEqual([yes.accountId]);
    await expect(policy.require(coach, { ...request, subject: no.accountId })).rejects.toMatchObject({
      code: 'consent_required',
    });

    await decide(yes.client, 'research', 'refused');
    expect(await policy.filter(coach, request, [yes.accountId, no.accountId])).toEqual([]);
  });
});

describe('the event log', () => {
  it('cannot be rewritten', async () => {
    const { client, accountId } = await joinedCitizen(app);
    await decide(client, 'research', 'granted');
    await expect(
      sql`UPDATE consent_events SET decision = 'refused' WHERE participant_id = ${accountId}`.execute(
        app.database.db,
      ),
    ).rejects.toThrow(/append-only/);
  });

  it('keeps the state equal to the latest event when decisions arrive at once', async () => {
    const { client, accountId } = await joinedCitizen(app);
    const version = await currentVersion('study_contact');
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        decide(client, 'study_contact', i % 2 ? 'granted' : 'refused', version),
      ),
    );
    const { rows } = await sql<{ consistent: boolean }>`
      SELECT s.event_id = (SELECT max(id) FROM consent_events e WHERE e.participant_id = s.participant_id AND e.purpose_key = s.purpose_key) AS consistent
      FROM consent_state s WHERE s.participant_id = ${accountId} AND s.purpose_key = 'study_contact'`.execute(
      app.database.db,
    );
    expect(rows).toEqual([{ consistent: true }]);
  });
});
