import { randomUUID } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, createTestApp, joinedCitizen, signUpCitizen, type TestApp } from '../../../test/app.ts';
import { FINDRISC_URL, findriscAnswers } from '../../../test/findrisc.ts';
import type { Actor } from '../../platform/access/index.ts';
import { libraryInstruments } from './index.ts';

let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);
let app: TestApp;
let researcher: Awaited<ReturnType<typeof createStaff>>;
beforeAll(async () => {
  app = await createTestApp({ clock });
  researcher = await createStaff(app, ['researcher']);
});
afterAll(() => app?.stop());

type Client = ReturnType<TestApp['client']>;
interface Summary {
  id: string;
  url: string;
  version: number;
  status: string;
  scoring: string | null;
  repeatMonths: number | null;
}
interface FieldError {
  pointer: string;
  detail: string;
  linkId?: string;
  issue?: string;
}

async function activeByUrl(client: Client, url: string): Promise<Summary> {
  const list = await client.get<{ questionnaires: Summary[] }>('/api/v1/questionnaires');
  const found = list.body.questionnaires.find((q) => q.url === url);
  if (!found) throw new Error(`${url} is not active`);
  return found;
}

async function decide(client: Client, purposeKey: string, decision: 'granted' | 'refused') {
  const answer = await client.post('/api/v1/me/consents', { purposeKey, decision, documentVersion: 1 });
  expect(answer.status).toBe(201);
}

describe('the instrument library', () => {
  it('is installed as active questionnaires, once', async () => {
    const client = (await signUpCitizen(app)).client;
    const list = await client.get<{ questionnaires: Summary[] }>('/api/v1/questionnaires');
    expect(list.status).toBe(200);
    const byUrl = new Map(list.body.questionnaires.map((q) => [q.url.split('/').at(-1), q]));
    expect([...byUrl.keys()].sort()).toEqual([
      'ada-risk-test',
      'demographics',
      'findrisc',
      'lifestyle-screen',
      'who5',
    ]);
    expect(byUrl.get('findrisc')?.scoring).toBe('findrisc');
    expect(byUrl.get('ada-risk-test')?.scoring).toBe('ada');
    expect(byUrl.get('who5')?.scoring).toBe('who5');
    for (const instrument of await libraryInstruments()) {
      expect(await app.questionnaires.installLibraryInstrument(instrument)).toBeUndefined();
    }
    const again = await client.get<{ questionnaires: Summary[] }>('/api/v1/questionnaires');
    expect(again.body.questionnaires).toHaveLength(list.body.questionnaires.length);
  });

  it('exports a questionnaire as FHIR JSON with its version and status', async () => {
    const client = (await signUpCitizen(app)).client;
    const findrisc = await activeByUrl(client, FINDRISC_URL);
    const answer = await client.raw('GET', `/api/v1/questionnaires/${findrisc.id}/fhir`);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toContain('application/fhir+json');
    const resource = JSON.parse(answer.body);
    expect(resource).toMatchObject({
      resourceType: 'Questionnaire',
      id: findrisc.id,
      url: FINDRISC_URL,
      version: String(findrisc.version),
      status: 'active',
    });
  });
});

describe('answering FINDRISC', () => {
  it('stores the response with the server-calculated BMI and the score, while insights are on', async () => {
    const citizen = await joinedCitizen(app);
    await decide(citizen.client, 'personal_insights', 'granted');
    const findrisc = await activeByUrl(citizen.client, FINDRISC_URL);
    const submitted = await citizen.client.post<{
      response: {
        id: string;
        status: string;
        item: { linkId: string; item?: { linkId: string; answer?: { valueDecimal?: number }[] }[] }[];
      };
      score: {
        id: string;
        model: string;
        modelVersion: string;
        score: number;
        category: string;
        probability: number;
      };
      insightsOff: boolean;
    }>(`/api/v1/me/questionnaires/${findrisc.id}/responses`, { item: findriscAnswers() });
    expect(submitted.status).toBe(201);
    expect(submitted.body.insightsOff).toBe(false);
    expect(submitted.body.score).toMatchObject({
      model: 'findrisc',
      modelVersion: '2003',
      score: 12,
      category: 'moderate',
      probability: 0.17,
    });
    const body = submitted.body.response.item.find((i) => i.linkId === 'body');
    expect(body?.item?.find((i) => i.linkId === 'bmi')?.answer?.[0]?.valueDecimal).toBe(27.7);

    const scores = await citizen.client.get<{ scores: { id: string; score: number }[] }>('/api/v1/me/scores');
    expect(scores.body.scores.map((s) => s.score)).toEqual([12]);

    const fhir = await citizen.client.raw('GET', `/api/v1/me/scores/${submitted.body.score.id}/fhir`);
    const assessment = JSON.parse(fhir.body);
    expect(assessment).toMatchObject({
      resourceType: 'RiskAssessment',
      status: 'final',
      subject: { reference: `Patient/${citizen.accountId}` },
      basis: [{ reference: `QuestionnaireResponse/${submitted.body.response.id}` }],
      method: { coding: [{ code: 'findrisc', version: '2003' }] },
    });
    expect(assessment.prediction[0].probabilityDecimal).toBe(0.17);

    const response = await citizen.client.raw(
      'GET',
      `/api/v1/me/responses/${submitted.body.response.id}/fhir`,
    );
    expect(JSON.parse(response.body)).toMatchObject({
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      questionnaire: `${FINDRISC_URL}|${findrisc.version}`,
    });

    // The GDPR export holds the answers and the score, as tables and in the FHIR Bundle.
    const archive = await citizen.client.raw('GET', '/api/v1/me/data-export');
    const files = unzipSync(new Uint8Array(archive.rawPayload));
    const rows = (name: string) => JSON.parse(strFromU8(files[name] ?? new Uint8Array())) as { id: string }[];
    expect(rows('questionnaire_responses.json').map((r) => r.id)).toEqual([submitted.body.response.id]);
    expect(rows('questionnaire_scores.json').map((r) => r.id)).toEqual([submitted.body.score.id]);
    const bundle = JSON.parse(strFromU8(files['fhir-bundle.json'] ?? new Uint8Array())) as {
      entry: { resource: { resourceType: string; id: string } }[];
    };
    const resources = bundle.entry.map((e) => `${e.resource.resourceType}/${e.resource.id}`);
    expect(resources).toEqual(
      expect.arrayContaining([
        `QuestionnaireResponse/${submitted.body.response.id}`,
        `RiskAssessment/${submitted.body.score.id}`,
      ]),
    );
  });

  it('answers every invalid answer at once, with its linkId, and stores nothing', async () => {
    const citizen = await joinedCitizen(app);
    const findrisc = await activeByUrl(citizen.client, FINDRISC_URL);
    const items = findriscAnswers({ waist: 900 });
    const lifestyle = items[2];
    if (!lifestyle) throw new Error('fixture');
    lifestyle.item = [{ linkId: 'activity', answer: [{ valueString: 'often' } as never] }];
    const answer = await citizen.client.post<{ code: string; errors: FieldError[] }>(
      `/api/v1/me/questionnaires/${findrisc.id}/responses`,
      { item: items },
    );
    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe('invalid_input');
    const byLinkId = new Map(answer.body.errors.map((e) => [e.linkId, e]));
    expect(byLinkId.get('waist')?.issue).toBe('max_value');
    expect(byLinkId.get('activity')?.issue).toBe('type');
    expect(byLinkId.get('vegetables')?.issue).toBe('required');
    expect(byLinkId.get('waist')?.pointer).toBe('#/item/1/item/2/answer/0');
    const malformed = await citizen.client.post<{ errors: FieldError[] }>(
      `/api/v1/me/questionnaires/${findrisc.id}/responses`,
      { item: [{ linkId: 'body', item: 'tall' }] },
    );
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors[0]).toMatchObject({ pointer: '#/item/0/item', linkId: 'body' });
    const responses = await citizen.client.get<{ responses: unknown[] }>('/api/v1/me/responses');
    expect(responses.body.responses).toEqual([]);
  });

  it('keeps a draft to continue later; submitting turns that draft into the response', async () => {
    const citizen = await joinedCitizen(app);
    const findrisc = await activeByUrl(citizen.client, FINDRISC_URL);
    const partial = findriscAnswers().slice(0, 2);
    const saved = await citizen.client.put<{ id: string; status: string }>(
      `/api/v1/me/questionnaires/${findrisc.id}/draft`,
      { item: partial },
    );
    expect(saved.status).toBe(200);
    expect(saved.body.status).toBe('in-progress');
    const again = await citizen.client.put<{ id: string }>(`/api/v1/me/questionnaires/${findrisc.id}/draft`, {
      item: findriscAnswers().slice(0, 3),
    });
    expect(again.body.id).toBe(saved.body.id);
    const loaded = await citizen.client.get<{ item: { linkId: string }[] }>(
      `/api/v1/me/questionnaires/${findrisc.id}/draft`,
    );
    expect(loaded.body.item.map((i) => i.linkId)).toEqual(['about-you', 'body', 'lifestyle']);
    const tasks = await citizen.client.get<{ tasks: { questionnaire: { url: string }; state: string }[] }>(
      '/api/v1/me/questionnaires',
    );
    expect(tasks.body.tasks.find((t) => t.questionnaire.url === FINDRISC_URL)?.state).toBe('draft');

    const invalidDraft = await citizen.client.put<{ errors: FieldError[] }>(
      `/api/v1/me/questionnaires/${findrisc.id}/draft`,
      { item: [{ linkId: 'no-such-question', answer: [{ valueBoolean: true }] }] },
    );
    expect(invalidDraft.status).toBe(422);
    expect(invalidDraft.body.errors[0]?.issue).toBe('unknown_item');

    const submitted = await citizen.client.post<{ response: { id: string } }>(
      `/api/v1/me/questionnaires/${findrisc.id}/responses`,
      { item: findriscAnswers() },
    );
    expect(submitted.body.response.id).toBe(saved.body.id);
    const gone = await citizen.client.get(`/api/v1/me/questionnaires/${findrisc.id}/draft`);
    expect(gone.status).toBe(404);
  });

  it('is only for members of the Citizen Lab', async () => {
    const outsider = await signUpCitizen(app);
    const findrisc = await activeByUrl(outsider.client, FINDRISC_URL);
    const answer = await outsider.client.post(`/api/v1/me/questionnaires/${findrisc.id}/responses`, {
      item: findriscAnswers(),
    });
    expect(answer.status).toBe(403);
  });
});

describe('personal insights follow consent purpose (1), through the service', () => {
  it('without consent the answers are kept but no score is computed or shown; with it again, they are', async () => {
    const citizen = await joinedCitizen(app);
    const findrisc = await activeByUrl(citizen.client, FINDRISC_URL);
    const path = `/api/v1/me/questionnaires/${findrisc.id}/responses`;

    const undecided = await citizen.client.post<{ score: unknown; insightsOff: boolean }>(path, {
      item: findriscAnswers(),
    });
    expect(undecided.status).toBe(201);
    expect(undecided.body).toMatchObject({ score: null, insightsOff: true });
    const hidden = await citizen.client.get<{ code: string }>('/api/v1/me/scores');
    expect(hidden.status).toBe(403);
    expect(hidden.body.code).toBe('consent_required');

    await decide(citizen.client, 'personal_insights', 'granted');
    const granted = await citizen.client.post<{ score: { score: number } }>(path, {
      item: findriscAnswers(),
    });
    expect(granted.body.score.score).toBe(12);

    await decide(citizen.client, 'personal_insights', 'refused');
    const withdrawn = await citizen.client.post<{ score: unknown; insightsOff: boolean }>(path, {
      item: findriscAnswers({ activity: true }),
    });
    expect(withdrawn.body).toMatchObject({ score: null, insightsOff: true });
    expect((await citizen.client.get('/api/v1/me/scores')).status).toBe(403);

    // Their own answers stay theirs to see: three responses, one of them scored.
    const responses = await citizen.client.get<{ responses: unknown[] }>('/api/v1/me/responses');
    expect(responses.body.responses).toHaveLength(3);
    await decide(citizen.client, 'personal_insights', 'granted');
    const scores = await citizen.client.get<{ scores: { score: number }[] }>('/api/v1/me/scores');
    expect(scores.body.scores.map((s) => s.score)).toEqual([12]);

    // Asked for, the latest response given while insights were off is scored now (once): active daily → 10.
    const latest = await citizen.client.get<{ responses: { response: { id: string } }[] }>(
      '/api/v1/me/responses',
    );
    const latestId = latest.body.responses[0]?.response.id;
    const scored = await citizen.client.post<{ score: number; responseId: string }>(
      `/api/v1/me/responses/${latestId}/score`,
    );
    expect(scored.status).toBe(200);
    expect(scored.body).toMatchObject({ score: 10, responseId: latestId });
    const twice = await citizen.client.post<{ score: number }>(`/api/v1/me/responses/${latestId}/score`);
    expect(twice.body.score).toBe(10);
    const all = await citizen.client.get<{ scores: { score: number }[] }>('/api/v1/me/scores');
    expect(all.body.scores.map((s) => s.score).sort()).toEqual([10, 12]);
  });
});

const sampleQuestionnaire = (url: string, text = 'Hoe gaat het?') => ({
  resourceType: 'Questionnaire',
  url,
  name: 'sample',
  title: 'Voorbeeld',
  status: 'draft',
  language: 'nl',
  item: [
    {
      linkId: 'page',
      type: 'group',
      text: 'Pagina',
      item: [
        { linkId: 'mood', type: 'integer', text, required: true },
        { linkId: 'note', type: 'string', text: 'Toelichting', maxLength: 20 },
      ],
    },
  ],
});

describe('authoring', () => {
  it('imports as a draft, activates, and a change becomes a new version; responses keep theirs', async () => {
    const url = `https://example.org/fhir/Questionnaire/${randomUUID()}`;
    const imported = await researcher.client.post<Summary>(
      '/api/v1/questionnaires',
      sampleQuestionnaire(url),
    );
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ url, version: 1, status: 'draft', source: 'json' });

    const citizen = await joinedCitizen(app);
    expect((await citizen.client.get(`/api/v1/questionnaires/${imported.body.id}`)).status).toBe(404);
    const early = await citizen.client.post(`/api/v1/me/questionnaires/${imported.body.id}/responses`, {
      item: [{ linkId: 'page', item: [{ linkId: 'mood', answer: [{ valueInteger: 3 }] }] }],
    });
    expect(early.status).toBe(409);

    const activated = await researcher.client.post<Summary>(
      `/api/v1/questionnaires/${imported.body.id}/activate`,
      {
        repeatMonths: 6,
      },
    );
    expect(activated.body).toMatchObject({ status: 'active', repeatMonths: 6 });
    const first = await citizen.client.post<{ response: { id: string } }>(
      `/api/v1/me/questionnaires/${imported.body.id}/responses`,
      { item: [{ linkId: 'page', item: [{ linkId: 'mood', answer: [{ valueInteger: 3 }] }] }] },
    );
    expect(first.status).toBe(201);

    const changed = await researcher.client.put(
      `/api/v1/questionnaires/${imported.body.id}`,
      sampleQuestionnaire(url, 'Anders'),
    );
    expect(changed.status).toBe(409);
    const second = await researcher.client.post<Summary>(
      '/api/v1/questionnaires',
      sampleQuestionnaire(url, 'Anders'),
    );
    expect(second.body).toMatchObject({ version: 2, status: 'draft' });
    await researcher.client.post(`/api/v1/questionnaires/${second.body.id}/activate`, { repeatMonths: null });
    const all = await researcher.client.get<{ questionnaires: Summary[] }>('/api/v1/questionnaires?all=true');
    const versions = all.body.questionnaires.filter((q) => q.url === url).map((q) => [q.version, q.status]);
    expect(versions).toEqual([
      [1, 'retired'],
      [2, 'active'],
    ]);
    const kept = await citizen.client.get<{ questionnaire: { version: number } }>(
      `/api/v1/me/responses/${first.body.response.id}`,
    );
    expect(kept.body.questionnaire.version).toBe(1);

    const entries = await app.audit.search({ actorAccountId: researcher.accountId, limit: 20 });
    expect(entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['questionnaire.import', 'questionnaire.activate']),
    );
  });

  it('refuses an invalid questionnaire naming each field, and citizens may not author', async () => {
    const invalid = await researcher.client.post<{ errors: FieldError[] }>('/api/v1/questionnaires', {
      resourceType: 'Questionnaire',
      status: 'draft',
      item: [
        { linkId: 'a', type: 'integer', text: 'A' },
        { linkId: 'a', type: 'telepathy', text: 'B' },
      ],
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e) => e.pointer)).toEqual(expect.arrayContaining(['#/item/1/type']));

    const unscorable = await researcher.client.post<{ errors: FieldError[] }>('/api/v1/questionnaires', {
      ...sampleQuestionnaire(`https://example.org/fhir/Questionnaire/${randomUUID()}`),
      extension: [{ url: 'https://topfit.nl/fhir/StructureDefinition/scoring-model', valueCode: 'findrisc' }],
    });
    expect(unscorable.status).toBe(422);
    expect(unscorable.body.errors.map((e) => e.linkId)).toContain('waist');

    const citizen = await joinedCitizen(app);
    const denied = await citizen.client.post(
      '/api/v1/questionnaires',
      sampleQuestionnaire('https://example.org/x'),
    );
    expect(denied.status).toBe(403);
  });

  it('imports a REDCap data dictionary as a draft', async () => {
    const csv = [
      '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label","Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number","Text Validation Min","Text Validation Max","Identifier?","Branching Logic (Show field only if...)","Required Field?"',
      'smoker,lifestyle,,yesno,Do you smoke?,,,,,,,,y',
      "cigarettes,lifestyle,,text,How many a day?,,,integer,0,100,,[smoker] = '1',",
    ].join('\n');
    const answer = await researcher.client.post<{ questionnaire: Summary & { source: string } }>(
      '/api/v1/questionnaires/redcap',
      { csv, name: `smoking-${randomUUID().slice(0, 8)}`, title: 'Smoking' },
    );
    expect(answer.status).toBe(201);
    expect(answer.body.questionnaire).toMatchObject({ status: 'draft', source: 'redcap', version: 1 });

    const broken = await researcher.client.post<{ errors: FieldError[] }>('/api/v1/questionnaires/redcap', {
      csv: `${csv.split('\n')[0]}\nupload,lifestyle,,file,Upload a photo,,,,,,,,`,
      name: 'broken',
    });
    expect(broken.status).toBe(422);
    expect(broken.body.errors[0]?.detail).toMatch(/^Line 2/);
  });
});

describe('questionnaires asked again', () => {
  it('falls due after its interval, with one reminder mailed per due date', async () => {
    const url = `https://example.org/fhir/Questionnaire/${randomUUID()}`;
    const imported = await researcher.client.post<Summary>(
      '/api/v1/questionnaires',
      sampleQuestionnaire(url),
    );
    await researcher.client.post(`/api/v1/questionnaires/${imported.body.id}/activate`, { repeatMonths: 6 });
    const [citizen, neighbour] = [await joinedCitizen(app), await joinedCitizen(app)];
    for (const person of [citizen, neighbour]) {
      const submitted = await person.client.post(`/api/v1/me/questionnaires/${imported.body.id}/responses`, {
        item: [{ linkId: 'page', item: [{ linkId: 'mood', answer: [{ valueInteger: 4 }] }] }],
      });
      expect(submitted.status).toBe(201);
    }
    const actor: Actor = { accountId: citizen.accountId, roles: ['citizen'], mfaVerified: false };
    const stateNow = (await app.questionnaires.tasks(actor)).find((t) => t.questionnaire.url === url);
    expect(stateNow?.state).toBe('done');

    offsetMs = 183 * 24 * 3600 * 1000;
    try {
      const since = new Date();
      // Batches of one: the sweep goes on until every due reminder is claimed.
      const first = await app.questionnaires.sendDueReminders(1);
      expect(first.mailed).toBeGreaterThanOrEqual(2);
      for (const person of [citizen, neighbour]) {
        const mail = await app.outbox.waitFor(person.email, { since });
        expect(mail.subject).toContain('Voorbeeld');
      }
      const second = await app.questionnaires.sendDueReminders();
      expect(second).toEqual({ reminded: 0, mailed: 0 });
      const due = (await app.questionnaires.tasks(actor)).find((t) => t.questionnaire.url === url);
      expect(due?.state).toBe('due');
    } finally {
      offsetMs = 0;
    }
  });
});
