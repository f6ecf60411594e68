import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, joinedCitizen, type TestApp } from '../../../test/app.ts';
import {
  actorOf,
  citizenWithFortnight,
  decideInsights,
  FIVE_MINUTES,
  importReadings,
  midnight,
  ZONE,
} from '../../../test/glucose.ts';
import type { Actor } from '../../platform/access/index.ts';
import { addDays, localDateOf, startOfLocalDay } from './calendar.ts';
import type { InsightsService } from './service.ts';
import { createInsightsStore } from './store.ts';

/**
 * The insights service on the whole platform: participants join and decide consent through the API, CGM data
 * arrive through the measurement module's importer, and the service decides with the one access policy.
 */
let app: TestApp;
let insights: InsightsService;
beforeAll(async () => {
  app = await createTestApp();
  insights = app.insights;
});
afterAll(() => app?.stop());

describe('the glucose report', () => {
  it('reports the local days ending with the latest reading, from the stored CGM readings', async () => {
    const citizen = await citizenWithFortnight(app);
    const answer = await insights.report(actorOf(citizen.accountId), citizen.accountId, 7);
    if (!answer.available) throw new Error(`no report: ${answer.reason}`);
    expect(answer.period.end).toBe(new Date(citizen.last).toISOString());
    expect(answer.period.days).toBe(7);
    expect(answer.daily).toHaveLength(7);
    expect(answer.daily.at(-1)?.date).toBe(localDateOf(citizen.last, ZONE));
    const inPeriod = Math.round((citizen.last - Date.parse(answer.period.start)) / FIVE_MINUTES) + 1;
    expect(answer.metrics.readings).toBe(inPeriod);
    expect(answer.metrics.meanMgdl).toBeCloseTo(126.67, 0);
    expect(answer.ranges.low).toBeCloseTo(100 / 3, 0);
    expect(answer.ranges.inRange).toBeCloseTo(100 / 3, 0);
    expect(answer.ranges.high).toBeCloseTo(100 / 3, 0);
    expect(answer.sufficiency).toMatchObject({
      sufficient: false,
      requiredDays: 14,
      requiredActivePercent: 70,
    });
    expect(answer.timeZone).toBe(ZONE);
  });

  it('tells a participant without consent, or without readings, why there is no report', async () => {
    const refusing = await joinedCitizen(app);
    await decideInsights(refusing, 'refused');
    await importReadings(app, refusing.accountId, midnight(3), 288, () => 100);
    expect(await insights.report(actorOf(refusing.accountId), refusing.accountId, 14)).toEqual({
      available: false,
      reason: 'no_consent',
    });
    const empty = await joinedCitizen(app);
    await decideInsights(empty, 'granted');
    expect(await insights.report(actorOf(empty.accountId), empty.accountId, 14)).toEqual({
      available: false,
      reason: 'no_data',
    });
  });

  it('refuses staff without a relation to the participant, and audits the refusal', async () => {
    const citizen = await citizenWithFortnight(app);
    const researcher: Actor = { accountId: randomUUID(), roles: ['researcher'], mfaVerified: true };
    await expect(insights.report(researcher, citizen.accountId, 14)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(insights.summaries(researcher, citizen.accountId)).rejects.toMatchObject({
      code: 'forbidden',
    });
    const entries = await app.audit.search({ actorAccountId: researcher.accountId, limit: 10 });
    expect(entries.map((entry) => [entry.action, entry.outcome, entry.subjectParticipantId])).toEqual([
      ['glucose.read', 'denied', citizen.accountId],
      ['glucose.read', 'denied', citizen.accountId],
    ]);
  });

  it('renders the participant’s own report as a one-page PDF, and refuses one without readings', async () => {
    const citizen = await citizenWithFortnight(app);
    const pdf = await insights.pdf(actorOf(citizen.accountId), { days: 14, unit: 'mmol', lang: 'nl' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g)).toHaveLength(1);
    const empty = await joinedCitizen(app);
    await decideInsights(empty, 'granted');
    await expect(
      insights.pdf(actorOf(empty.accountId), { days: 14, unit: 'mmol', lang: 'nl' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('the summaries job', () => {
  it('stores the 14- and 90-day summaries, and a second run replaces them', async () => {
    const citizen = await citizenWithFortnight(app);
    expect(await insights.recompute(citizen.accountId)).toEqual({ stored: 2, removed: 0 });
    const first = await insights.summaries(actorOf(citizen.accountId), citizen.accountId);
    expect(first.map((summary) => summary.days)).toEqual([14, 90]);
    for (const summary of first) {
      expect(summary).toMatchObject({ model: 'cgm-metrics', modelVersion: '1', timeZone: ZONE });
      expect(summary.periodEnd.getTime()).toBe(citizen.last);
    }
    // All 14 days of readings fall in the 90 days; the 14-day period starts at the midnight of its first day.
    expect(first[1]?.metrics.readings).toBe(14 * 288);
    expect(first[0]?.periodStart.getTime()).toBe(
      startOfLocalDay(addDays(localDateOf(citizen.last, ZONE), -13), ZONE),
    );

    // A day more of readings: the job runs again and the summaries move on, replaced rather than added.
    await importReadings(app, citizen.accountId, citizen.last + FIVE_MINUTES, 288, () => 100);
    expect(await insights.recompute(citizen.accountId)).toEqual({ stored: 2, removed: 0 });
    const second = await insights.summaries(actorOf(citizen.accountId), citizen.accountId);
    expect(second.map((summary) => summary.days)).toEqual([14, 90]);
    expect(second.map((summary) => summary.id)).not.toContain(first[0]?.id);
    expect(second[1]?.metrics.readings).toBe(15 * 288);
    expect(second[0]?.periodEnd.getTime()).toBe(citizen.last + 288 * FIVE_MINUTES);
  });

  it('computes nothing without consent, and removes what it stored before', async () => {
    const citizen = await citizenWithFortnight(app);
    await insights.recompute(citizen.accountId);
    await decideInsights(citizen, 'refused');
    // The app's own job may have run in between and removed them first: what counts is that none are left.
    expect(await insights.recompute(citizen.accountId)).toMatchObject({ stored: 0 });
    expect(await createInsightsStore(app.database.db).summariesOf(citizen.accountId)).toEqual([]);
    await expect(insights.summaries(actorOf(citizen.accountId), citizen.accountId)).rejects.toMatchObject({
      code: 'consent_required',
    });
    await decideInsights(citizen, 'granted');
    expect(await insights.summaries(actorOf(citizen.accountId), citizen.accountId)).toEqual([]);
  });

  it('recomputes many participants in one batch exactly as one by one', async () => {
    const [alone, batched, withdrawn] = [
      await citizenWithFortnight(app),
      await citizenWithFortnight(app),
      await citizenWithFortnight(app),
    ];
    const without = await joinedCitizen(app);
    await decideInsights(without, 'granted');
    await insights.recompute(withdrawn.accountId);
    await decideInsights(withdrawn, 'refused');

    await insights.recompute(alone.accountId);
    const ids = [batched.accountId, withdrawn.accountId, without.accountId, randomUUID(), batched.accountId];
    // Two summaries for the one with consent and readings; the two of the withdrawn one removed (unless the
    // app's own job, started by the withdrawal, removed them first); nothing for the rest.
    expect(await insights.recomputeMany(ids)).toMatchObject({ stored: 2 });
    const summaries = createInsightsStore(app.database.db);
    expect(await summaries.summariesOf(withdrawn.accountId)).toEqual([]);
    expect(await summaries.summariesOf(without.accountId)).toEqual([]);
    // The same readings give the same metrics and periods, whether computed alone or in a batch.
    const one = await summaries.summariesOf(alone.accountId);
    const many = await summaries.summariesOf(batched.accountId);
    expect(many.map((s) => [s.days, s.metrics])).toEqual(one.map((s) => [s.days, s.metrics]));
    expect(many.map((s) => s.periodEnd.getTime() - batched.last)).toEqual([0, 0]);
    expect(one.map((s) => s.periodEnd.getTime() - alone.last)).toEqual([0, 0]);
  });

  it('gives the stored summaries as FHIR Observations with the CGM IG codes', async () => {
    const citizen = await citizenWithFortnight(app);
    await insights.recompute(citizen.accountId);
    const bundle = await insights.fhirSummaries(actorOf(citizen.accountId), citizen.accountId);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const codes = bundle.entry?.map((entry) => entry.resource?.code?.coding?.[0]?.code);
    expect(codes?.filter((code) => code === '107931-8')).toHaveLength(2);
    expect(codes?.filter((code) => code === '97507-8')).toHaveLength(2);
    expect(
      bundle.entry?.every((entry) => entry.resource?.subject?.reference === `Patient/${citizen.accountId}`),
    ).toBe(true);
  });
});

describe('trends', () => {
  it('sums steps per local day and keeps the last weight of each day', async () => {
    const citizen = await joinedCitizen(app);
    const yesterday = midnight(1);
    const hour = 3_600_000;
    const at = (time: number) => new Date(time).toISOString();
    const batch = await citizen.client.post('/api/v1/me/measurements', {
      observations: [
        {
          code: '55423-8',
          time: at(yesterday + 9 * hour),
          endTime: at(yesterday + 10 * hour),
          value: 1200,
          unit: '{steps}',
          source: 'app',
        },
        {
          code: '55423-8',
          time: at(yesterday + 15 * hour),
          endTime: at(yesterday + 16 * hour),
          value: 800,
          unit: '{steps}',
          source: 'app',
        },
        { code: '29463-7', time: at(yesterday + 7 * hour), value: 82.4, unit: 'kg', source: 'scale' },
        { code: '29463-7', time: at(yesterday + 21 * hour), value: 81.9, unit: 'kg', source: 'scale' },
      ],
    });
    expect(batch.status).toBe(201);
    const date = localDateOf(yesterday, ZONE);
    expect(await insights.trends(actorOf(citizen.accountId), citizen.accountId, 'steps', 7)).toEqual({
      code: 'steps',
      unit: '{steps}',
      points: [{ date, value: 2000 }],
    });
    expect(await insights.trends(actorOf(citizen.accountId), citizen.accountId, 'weight', 7)).toEqual({
      code: 'weight',
      unit: 'kg',
      points: [{ date, value: 81.9 }],
    });
    // Only the participant reads their own trends.
    await expect(insights.trends(actorOf(randomUUID()), citizen.accountId, 'steps', 7)).rejects.toMatchObject(
      { code: 'forbidden' },
    );
  });
});

describe('erasure', () => {
  it('leaves no summary of an erased participant', async () => {
    const citizen = await citizenWithFortnight(app);
    await insights.recompute(citizen.accountId);
    const store = createInsightsStore(app.database.db);
    expect(await store.erase(citizen.accountId)).toEqual([{ table: 'glucose_summaries', removed: 2 }]);
    expect(await store.summariesOf(citizen.accountId)).toEqual([]);
  });
});
