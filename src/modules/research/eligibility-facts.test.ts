import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, joinedCitizen, PASSWORD, type TestApp } from '../../../test/app.ts';
import { FINDRISC_URL, findriscAnswers } from '../../../test/findrisc.ts';
import { ERASE_QUEUE } from '../participants/index.ts';
import { type Criteria, compileCriteria } from './criteria.ts';
import { createResearchStore, criteriaContextOf, type ResearchStore } from './store.ts';
import { decide } from './test-support.ts';

// The counts read each member's eligibility facts, which the research module derives from the participants,
// consent, questionnaires and insights modules' tables. Here every change those modules make through their own
// endpoints shows in the very next count: FINDRISC answered at different times, a move, leaving, erasure. The
// store is asked directly, so that counts of one or two are seen (the API withholds small cells).

let now = new Date('2026-01-15T10:00:00Z');
let app: TestApp;
let store: ResearchStore;
type Member = Awaited<ReturnType<typeof joinedCitizen>>;

/** FINDRISC answered through the questionnaire endpoints; the points it scored (test/findrisc.ts). */
async function answerFindrisc(member: Member, answers: { weight: number; waist: number; active: boolean }) {
  const list = await member.client.get<{ questionnaires: { id: string; url: string }[] }>(
    '/api/v1/questionnaires',
  );
  const findrisc = list.body.questionnaires.find((q) => q.url === FINDRISC_URL);
  const answer = await member.client.post<{ score: { score: number } }>(
    `/api/v1/me/questionnaires/${findrisc?.id}/responses`,
    { item: findriscAnswers({ weight: answers.weight, waist: answers.waist, activity: answers.active }) },
  );
  expect(answer.status).toBe(201);
  return answer.body.score.score;
}

/** The funnel's counts for the criteria, as of the app's clock. */
async function funnel(criteria: Criteria['all']) {
  const steps = compileCriteria({ all: criteria }, criteriaContextOf(randomUUID(), now));
  return (await store.feasibility(steps, now)).funnel;
}

const members: Member[] = [];

/** Moves the clock to `when`, months on: the members sign in again, their sessions having ended meanwhile. */
async function moveTo(when: string) {
  now = new Date(when);
  for (const member of members) {
    const signedIn = await member.client.post('/api/v1/auth/sign-in', {
      email: member.email,
      password: PASSWORD,
    });
    expect(signedIn.status).toBe(200);
  }
}

beforeAll(async () => {
  app = await createTestApp({ clock: () => now });
  store = createResearchStore(app.database.db);
  // Three members of Enschede; the first two consent to research and to being contacted, the third to research.
  for (let i = 0; i < 3; i++) {
    const member = await joinedCitizen(app, { birthYear: 1966, postcode4: '7511' });
    await decide(member, 'personal_insights', 'granted');
    await decide(member, 'research', 'granted');
    if (i < 2) await decide(member, 'study_contact', 'granted');
    members.push(member);
  }
  const [high, steady, uncontactable] = members as [Member, Member, Member];
  // 15 January: the first scores 14. 15 July: the first 7 (lost weight, walks daily), the second 12, the third 14.
  // (Women 55–64, 170 cm, a grandparent with diabetes: 90 kg, waist 85 cm, not active daily is 14 points; 80 kg
  // is 12; 80 kg, waist 75 cm, active daily is 7.)
  expect(await answerFindrisc(high, { weight: 90, waist: 85, active: false })).toBe(14);
  await moveTo('2026-07-15T10:00:00Z');
  expect(await answerFindrisc(high, { weight: 80, waist: 75, active: true })).toBe(7);
  expect(await answerFindrisc(steady, { weight: 80, waist: 85, active: false })).toBe(12);
  expect(await answerFindrisc(uncontactable, { weight: 90, waist: 85, active: false })).toBe(14);
  await moveTo('2026-09-15T10:00:00Z');
}, 60_000);
afterAll(() => app?.stop());

describe('eligibility facts', () => {
  it('count FINDRISC of at least x within n months from every score, not only the latest', async () => {
    // Within 12 months, 12 or more: the first (14 in January) and the second (12 in July); the third is not
    // contactable. Within 6 months (since 15 March) only the second reached 12; 7 or more within 3 months: both.
    expect(await funnel([{ field: 'findrisc', min: 12, withinMonths: 12 }])).toEqual([3, 3, 2, 2]);
    expect(await funnel([{ field: 'findrisc', min: 12, withinMonths: 6 }])).toEqual([3, 3, 2, 1]);
    expect(await funnel([{ field: 'findrisc', min: 7, withinMonths: 3 }])).toEqual([3, 3, 2, 2]);
    expect(await funnel([{ field: 'findrisc', min: 13, withinMonths: 12 }])).toEqual([3, 3, 2, 1]);
    expect(await funnel([{ field: 'findrisc', min: 15, withinMonths: 120 }])).toEqual([3, 3, 2, 0]);
    // Time passes: by 16 January 2027 the January score is more than 12 months old.
    now = new Date('2027-01-16T10:00:00Z');
    expect(await funnel([{ field: 'findrisc', min: 13, withinMonths: 12 }])).toEqual([3, 3, 2, 0]);
    await moveTo('2026-09-15T10:00:00Z');
  });

  it('follow consent, a move, leaving and erasure in the next count', { timeout: 60_000 }, async () => {
    const [high, steady, uncontactable] = members as [Member, Member, Member];
    const inEnschede = [{ field: 'municipality' as const, in: ['GM0153'] }];
    expect(await funnel(inEnschede)).toEqual([3, 3, 2, 2]);
    // Contact consent granted: in every later count at once.
    await decide(uncontactable, 'study_contact', 'granted');
    expect(await funnel(inEnschede)).toEqual([3, 3, 3, 3]);
    // A move to Arnhem (6811, GM0202).
    expect((await steady.client.patch('/api/v1/me/profile', { postcode4: '6811' })).status).toBe(200);
    expect(await funnel(inEnschede)).toEqual([3, 3, 3, 2]);
    expect(await funnel([{ field: 'municipality', in: ['GM0202'] }])).toEqual([3, 3, 3, 1]);
    // Research consent withdrawn, then leaving (no further use): out of the count, then out of the panel.
    await decide(high, 'research', 'refused');
    expect(await funnel(inEnschede)).toEqual([3, 2, 2, 1]);
    expect((await high.client.post('/api/v1/me/leave', { mode: 'stop', confirm: true })).status).toBe(200);
    expect(await funnel(inEnschede)).toEqual([2, 2, 2, 1]);
    // Nothing changed since: nothing is recomputed.
    expect(await store.refreshEligibility()).toBe(0);

    // Erasure: out of the count, and nothing about them is left in the facts or the announcements.
    const erased = await uncontactable.client.post<{ jobId: string }>('/api/v1/me/leave', {
      mode: 'erase',
      confirm: true,
    });
    expect(erased.status).toBe(202);
    for (
      let tries = 0;
      (await app.jobs.find(ERASE_QUEUE, erased.body.jobId))?.state !== 'completed';
      tries++
    ) {
      expect(tries).toBeLessThan(100);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const { rows } = await sql<{ facts: number; announced: number }>`
      SELECT (SELECT count(*)::int FROM eligibility_facts WHERE participant_id = ${uncontactable.accountId}) AS facts,
             (SELECT count(*)::int FROM participant_changes WHERE participant_id = ${uncontactable.accountId}) AS announced`.execute(
      app.database.db,
    );
    expect(rows[0]).toEqual({ facts: 0, announced: 0 });
    expect(await funnel(inEnschede)).toEqual([1, 1, 1, 0]);
  });
});
