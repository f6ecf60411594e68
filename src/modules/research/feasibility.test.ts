import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, createTestApp, joinedCitizen, type TestApp } from '../../../test/app.ts';
import { citizenWithFortnight } from '../../../test/glucose.ts';

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
          expect([200, 422]).toContain(answer.status);
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
