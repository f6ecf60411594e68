import { Readable } from 'node:stream';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, createTestApp, joinedCitizen, type TestApp } from '../../../test/app.ts';
import { citizenWithFortnight } from '../../../test/glucose.ts';
import { enrol, ethics, recruitingStudy, type StudyBody } from './test-support.ts';

// Feasibility while a researcher edits the criteria: a funnel from every member through the two consents
// research always needs to each criterion, and where those passing all live and how old they are; counts
// below the small-cell minimum (here 3) withheld. The panel here is 8 members whose facts the test sets.

let app: TestApp;
let team: Awaited<ReturnType<typeof createStaff>>;
let studyId: string;
type Member = Awaited<ReturnType<typeof joinedCitizen>>;
const members: Member[] = [];

async function decide(member: Member, purposeKey: string, decision: 'granted' | 'refused') {
  const answer = await member.client.post('/api/v1/me/consents', {
    purposeKey,
    decision,
    documentVersion: 1,
  });
  expect(answer.status).toBe(201);
}

interface Feasibility {
  funnel: { step: string; count: number | null }[];
  byMunicipality: { code: string; count: number | null }[];
  byAgeBand: { band: string; count: number | null }[];
  code?: string;
  errors?: { pointer: string }[];
}
/**
 * Whether a JSON value has a key the platform's JSON parser refuses (secure-json-parse, as Fastify sets it up):
 * `__proto__`, or `constructor` holding `prototype`, at any depth.
 */
function poisons(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const keys = Object.keys(value);
  const holds = value as Record<string, unknown>;
  if (keys.includes('__proto__')) return true;
  const maker = keys.includes('constructor') ? holds.constructor : undefined;
  if (maker !== null && typeof maker === 'object' && Object.keys(maker).includes('prototype')) {
    return true;
  }
  return keys.some((key) => poisons(holds[key]));
}

const count = (criteria: unknown) =>
  team.client.post<Feasibility>(`/api/v1/research/studies/${studyId}/feasibility`, { criteria });

beforeAll(async () => {
  app = await createTestApp({ env: { SMALL_CELL_MINIMUM: '3' } });
  team = await createStaff(app, ['researcher']);
  const created = await team.client.post<{ id: string }>('/api/v1/research/studies', {
    title: { nl: 'Studie', en: 'Study' },
    summary: { nl: 'Over glucose.', en: 'About glucose.' },
    consent: { nl: 'Ik doe mee.', en: 'I take part.' },
  });
  studyId = created.body.id;
  // Enschede (7511, GM0153): women born 1960 and 1990, men born 1975; Arnhem (6811, GM0202): women born 1980.
  const facts = [
    { sexAtBirth: 'female', birthYear: 1960, postcode4: '7511' },
    { sexAtBirth: 'female', birthYear: 1960, postcode4: '7511' },
    { sexAtBirth: 'female', birthYear: 1990, postcode4: '7511' },
    { sexAtBirth: 'male', birthYear: 1975, postcode4: '7511' },
    { sexAtBirth: 'female', birthYear: 1980, postcode4: '6811' },
    { sexAtBirth: 'female', birthYear: 1980, postcode4: '6811' },
    { sexAtBirth: 'female', birthYear: 1980, postcode4: '6811' },
  ];
  for (const profile of facts) members.push(await joinedCitizen(app, profile));
  // All but the first consent to research; all but the first two to being contacted.
  for (const [i, member] of members.entries()) {
    if (i >= 1) await decide(member, 'research', 'granted');
    if (i >= 2) await decide(member, 'study_contact', 'granted');
  }
}, 60_000);
afterAll(() => app?.stop());

describe('feasibility', () => {
  it('counts a funnel through the consents and each criterion, with breakdowns of those passing all', async () => {
    const answer = await count({
      all: [
        { field: 'sex', in: ['female'] },
        { field: 'age', min: 40 },
      ],
    });
    expect(answer.status).toBe(200);
    // 7 members; 6 consent to research; 5 of those to contact; 4 of those women; 3 of those 40 or older.
    expect(answer.body.funnel).toEqual([
      { step: 'members', count: 7 },
      { step: 'research_consent', count: 6 },
      { step: 'contact_consent', count: 5 },
      { step: 'sex', criterion: { field: 'sex', in: ['female'] }, count: 4 },
      { step: 'age', criterion: { field: 'age', min: 40 }, count: 3 },
    ]);
    // The three passing all are the Arnhem women born 1980; cells where none (or fewer than 3) pass say only
    // that they are small.
    expect(answer.body.byMunicipality).toEqual([
      { code: 'GM0153', count: null },
      { code: 'GM0202', count: 3 },
    ]);
    expect(answer.body.byAgeBand).toEqual([
      { band: '30-39', count: null },
      { band: '40-49', count: 3 },
      { band: '50-59', count: null },
      { band: '60-69', count: null },
    ]);

    // Withdrawing research consent takes a person out of every later count at once.
    await decide(members[6] as Member, 'research', 'refused');
    const after = await count({
      all: [
        { field: 'sex', in: ['female'] },
        { field: 'age', min: 40 },
      ],
    });
    expect(after.body.funnel.map((s) => s.count)).toEqual([7, 5, 4, 3, null]);
    expect(after.body.byMunicipality).toEqual([
      { code: 'GM0153', count: null },
      { code: 'GM0202', count: null },
    ]);
    await decide(members[6] as Member, 'research', 'granted');
  });

  it('counts CGM wear from the stored summaries, and the study’s own saved criteria', async () => {
    const wearer = await citizenWithFortnight(app);
    await decide(wearer, 'research', 'granted');
    await decide(wearer, 'study_contact', 'granted');
    await app.insights.recompute(wearer.accountId);
    const saved = await team.client.patch(`/api/v1/research/studies/${studyId}`, {
      criteria: { all: [{ field: 'cgm', minDays: 10 }] },
    });
    expect(saved.status).toBe(200);
    const answer = await team.client.post<Feasibility>(`/api/v1/research/studies/${studyId}/feasibility`, {});
    // 8 members now; the wearer is the only one with 10 days of CGM: a cell of one, withheld.
    expect(answer.body.funnel.map((s) => [s.step, s.count])).toEqual([
      ['members', 8],
      ['research_consent', 7],
      ['contact_consent', 6],
      ['cgm', null],
    ]);
  });

  it('is for the study’s team only', async () => {
    const other = await createStaff(app, ['researcher']);
    const answer = await other.client.post(`/api/v1/research/studies/${studyId}/feasibility`, {});
    expect(answer.status).toBe(404);
    const member = members[2] as Member;
    expect((await member.client.post(`/api/v1/research/studies/${studyId}/feasibility`, {})).status).toBe(
      403,
    );
  });

  it('takes any input without harm: hostile strings are refused with the field named, never run', async () => {
    const hostile = ["GM0153'; DROP TABLE participants; --", "female' OR '1'='1", 'GM0153\u0000', '%', '*'];
    const refused = await count({ all: [{ field: 'municipality', in: [hostile[0]] }] });
    expect(refused.status).toBe(422);
    expect(refused.body.errors?.map((e) => e.pointer)).toEqual(['#/criteria/all/0/in/0']);
    const poisoning = await count({ all: [JSON.parse('{"":{"__proto__":0}}')] });
    expect(poisoning.status).toBe(400);
    expect(poisoning.headers['content-type']).toContain('application/problem+json');
    // As a value, "__proto__" is only a wrong field name.
    expect((await count({ all: [{ field: '__proto__', min: 0 }] })).status).toBe(422);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            field: fc.constantFrom('sex', 'municipality', 'education'),
            in: fc.array(fc.oneof(fc.constantFrom(...hostile), fc.string()), { minLength: 1, maxLength: 3 }),
          }),
          fc.record({ field: fc.string(), min: fc.oneof(fc.integer(), fc.double()) }),
          fc.jsonValue(),
        ),
        async (criterion) => {
          const answer = await count({ all: [criterion] });
          // The JSON parser refuses prototype poisoning before any route sees it.
          expect(poisons(criterion) ? [400] : [200, 422]).toContain(answer.status);
        },
      ),
      { numRuns: 60 },
    );
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM participants`.execute(
      app.database.db,
    );
    expect(rows[0]?.n).toBe(8);
  });
});

describe('criteria on steps and other studies, and why someone is (not) eligible', () => {
  /** Apple Health records of a third-party app: `perDay` steps on each of the last `days` days. */
  async function importSteps(member: Member, days: number, perDay: number) {
    const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
    const records = Array.from(
      { length: days },
      (_, i) =>
        `<Record type="HKQuantityTypeIdentifierStepCount" sourceName="Polar" unit="count" startDate="${day(i + 1)} 09:00:00 +0100" endDate="${day(i + 1)} 10:00:00 +0100" value="${perDay}"/>`,
    );
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="nl_NL">\n${records.join('\n')}\n</HealthData>\n`;
    const bytes = Buffer.from(xml);
    const summary = await app.measurements.importFile(
      { accountId: member.accountId, roles: ['citizen'], mfaVerified: false },
      member.accountId,
      { name: 'export.xml', size: bytes.length, open: () => Readable.from([bytes]) },
      { format: 'apple-health' },
    );
    expect(summary.imported).toBe(days);
  }

  it('counts steps per day and those taking part in other studies, and explains each step to the member', async () => {
    const steward = await createStaff(app, ['data_steward']);
    const open = await recruitingStudy(team.client, steward.client);
    const other = await recruitingStudy(team.client, steward.client);
    // Members 2–6 consent to both; 2 and 3 walk 9,000 steps a day, 4 walks 3,000; 3 takes part in the other study.
    await importSteps(members[2] as Member, 10, 9000);
    await importSteps(members[3] as Member, 10, 9000);
    await importSteps(members[4] as Member, 10, 3000);
    await enrol(members[3] as Member, other);
    const criteria = {
      all: [
        { field: 'steps', minPerDay: 8000, withinDays: 30 },
        { field: 'other_studies', exclude: 'any' },
      ],
    };
    const counted = await team.client.post<Feasibility>(`/api/v1/research/studies/${studyId}/feasibility`, {
      criteria: { all: [criteria.all[0]] },
    });
    expect(counted.body.funnel.at(-1)).toMatchObject({ step: 'steps', count: null });
    // Counted in the open study (its own participants do not count as "other"): nobody passes both here, the
    // one walker not elsewhere is a cell of one; the small-cell rule withholds both.
    expect(
      (
        await team.client.post<Feasibility>(`/api/v1/research/studies/${open.id}/feasibility`, { criteria })
      ).body.funnel.map((s) => s.step),
    ).toEqual(['members', 'research_consent', 'contact_consent', 'steps', 'other_studies']);

    // Set the criteria on a draft, approve and open it, then ask each member why.
    const draftStudy = await team.client.post<{ id: string }>('/api/v1/research/studies', {
      title: { nl: 'Wandelen', en: 'Walking' },
      summary: { nl: 'Over lopen.', en: 'About walking.' },
      consent: { nl: 'Ik doe mee.', en: 'I take part.' },
    });
    const id = draftStudy.body.id;
    await team.client.patch(`/api/v1/research/studies/${id}`, { criteria, ethics });
    await steward.client.post(`/api/v1/research/studies/${id}/status`, { to: 'approved' });
    const recruiting = await team.client.post<StudyBody>(`/api/v1/research/studies/${id}/status`, {
      to: 'recruiting',
    });
    const why = (member: Member) =>
      member.client.get<{ eligible: boolean; steps: { step: string; passed: boolean }[] }>(
        `/api/v1/me/studies/${id}/eligibility`,
      );
    const walker = await why(members[2] as Member);
    expect(walker.status).toBe(200);
    expect(walker.body.eligible).toBe(true);
    const elsewhere = await why(members[3] as Member);
    expect(elsewhere.body).toEqual({
      eligible: false,
      steps: [
        { step: 'members', passed: true },
        { step: 'research_consent', passed: true },
        { step: 'contact_consent', passed: true },
        { step: 'steps', criterion: criteria.all[0], passed: true },
        { step: 'other_studies', criterion: criteria.all[1], passed: false },
      ],
    });
    const slow = await why(members[4] as Member);
    expect(slow.body.steps.filter((s) => !s.passed).map((s) => s.step)).toEqual(['steps']);
    const noConsent = await why(members[0] as Member);
    expect(noConsent.body.steps.filter((s) => !s.passed).map((s) => s.step)).toEqual([
      'research_consent',
      'contact_consent',
      'steps',
    ]);

    // The team sees the same for someone taking part, by pseudonym; the read is audited.
    await enrol(members[2] as Member, recruiting.body);
    const subjects = await team.client.get<{ subjects: { pseudonym: string }[] }>(
      `/api/v1/research/studies/${id}/subjects`,
    );
    const pseudonym = subjects.body.subjects[0]?.pseudonym;
    const seen = await team.client.get<{ eligible: boolean }>(
      `/api/v1/research/studies/${id}/subjects/${pseudonym}/eligibility`,
    );
    expect(seen.body.eligible).toBe(true);
    const entries = await app.audit.search({ participantId: (members[2] as Member).accountId, limit: 50 });
    expect(
      entries.some(
        (e) => e.action === 'study.subjects.read' && (e.details as { read?: string }).read === 'eligibility',
      ),
    ).toBe(true);
  });
});
