import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, createTestApp, joinedCitizen, type TestApp } from '../../../test/app.ts';
import {
  type Citizen,
  citizenWithFortnight,
  decideInsights,
  FIVE_MINUTES,
  importReadings,
  midnight,
  ZONE,
} from '../../../test/glucose.ts';
import { localDateOf } from './calendar.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.stop());

interface Problem {
  code: string;
  errors: { in: string; pointer: string; detail: string }[];
}
interface Summary {
  id: string;
  days: number;
  periodEnd: string;
  metrics: { readings: number };
}

/** The summaries once the job has stored what `ready` waits for (the job runs after each import). */
async function summariesWhen(citizen: Citizen, ready: (summaries: Summary[]) => boolean): Promise<Summary[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answer = await citizen.client.get<{ summaries: Summary[] }>('/api/v1/me/glucose/summaries');
    expect(answer.status).toBe(200);
    if (ready(answer.body.summaries)) return answer.body.summaries;
    if (Date.now() > deadline) throw new Error(`summaries not ready: ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('GET /api/v1/me/glucose/report', () => {
  it('answers the report of the last 14 local days by default', async () => {
    const citizen = await citizenWithFortnight(app);
    const answer = await citizen.client.get<{
      available: boolean;
      period: { end: string; days: number };
      ranges: Record<string, number>;
      agp: { minutes: number[]; p50: (number | null)[] };
      daily: { date: string; points: [number, number][] }[];
      sufficiency: { sufficient: boolean };
      timeZone: string;
    }>('/api/v1/me/glucose/report');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      available: true,
      period: { end: new Date(citizen.last).toISOString(), days: 14 },
      timeZone: ZONE,
    });
    expect(answer.body.ranges.inRange).toBeCloseTo(100 / 3, 0);
    expect(answer.body.agp.minutes).toHaveLength(96);
    expect(answer.body.daily).toHaveLength(14);
    expect(answer.body.daily.at(-1)?.points.length).toBeLessThanOrEqual(288);
  });

  it('says no_consent without personal insights, and no_data without readings', async () => {
    const refusing = await joinedCitizen(app);
    await decideInsights(refusing, 'refused');
    await importReadings(app, refusing.accountId, midnight(2), 288, () => 100);
    const noConsent = await refusing.client.get('/api/v1/me/glucose/report?days=7');
    expect(noConsent.status).toBe(200);
    expect(noConsent.body).toEqual({ available: false, reason: 'no_consent' });

    const empty = await joinedCitizen(app);
    await decideInsights(empty, 'granted');
    const noData = await empty.client.get('/api/v1/me/glucose/report?days=30');
    expect(noData.body).toEqual({ available: false, reason: 'no_data' });
  });

  it('accepts only 7, 14, 30 or 90 days, naming the field', async () => {
    const citizen = await joinedCitizen(app);
    const answer = await citizen.client.get<Problem>('/api/v1/me/glucose/report?days=10');
    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe('invalid_input');
    expect(answer.body.errors).toEqual([expect.objectContaining({ in: 'query', pointer: '#/days' })]);
  });
});

describe('GET /api/v1/participants/:participantId/glucose/report', () => {
  it('denies a researcher who has no relation to the participant, and audits it', async () => {
    const citizen = await citizenWithFortnight(app);
    const researcher = await createStaff(app, ['researcher']);
    const answer = await researcher.client.get<Problem>(
      `/api/v1/participants/${citizen.accountId}/glucose/report`,
    );
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('forbidden');
    const entries = await app.audit.search({ actorAccountId: researcher.accountId, limit: 20 });
    expect(entries.find((entry) => entry.action === 'glucose.read')).toMatchObject({
      outcome: 'denied',
      subjectParticipantId: citizen.accountId,
    });
  });

  it('hides health data from support staff too', async () => {
    const citizen = await citizenWithFortnight(app);
    for (const role of ['data_steward', 'administrator'] as const) {
      const staff = await createStaff(app, [role]);
      const answer = await staff.client.get(`/api/v1/participants/${citizen.accountId}/glucose/report`);
      expect(answer.status, role).toBe(403);
    }
  });

  it('answers a participant asking for their own report by id as the me route does', async () => {
    const citizen = await citizenWithFortnight(app);
    const answer = await citizen.client.get(
      `/api/v1/participants/${citizen.accountId}/glucose/report?days=7`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ available: true, period: { days: 7 } });
  });
});

describe('stored summaries', () => {
  it('are computed by the job after an import, and replaced by the next one', async () => {
    const citizen = await citizenWithFortnight(app);
    const first = await summariesWhen(citizen, (list) => list.length === 2);
    expect(first.map((summary) => summary.days)).toEqual([14, 90]);
    expect(first[0]?.periodEnd).toBe(new Date(citizen.last).toISOString());

    const next = citizen.last + FIVE_MINUTES;
    await importReadings(app, citizen.accountId, next, 12, () => 100);
    const lastReading = new Date(next + 11 * FIVE_MINUTES).toISOString();
    const second = await summariesWhen(citizen, (list) =>
      list.every((summary) => summary.periodEnd === lastReading),
    );
    expect(second).toHaveLength(2);
    expect(second[1]?.metrics.readings).toBe(14 * 288 + 12);
    expect(second.map((summary) => summary.id)).not.toContain(first[1]?.id);
  });

  it('are given as a FHIR Bundle of CGM IG Observations', async () => {
    const citizen = await citizenWithFortnight(app);
    await summariesWhen(citizen, (list) => list.length === 2);
    const answer = await citizen.client.raw('GET', '/api/v1/me/glucose/summaries/fhir');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toContain('application/fhir+json');
    const bundle = JSON.parse(answer.body) as {
      resourceType: string;
      type: string;
      entry: { resource: { code: { coding: { code: string }[] }; valueQuantity?: { code: string } } }[];
    };
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const units = new Map(
      bundle.entry.map(({ resource }) => [resource.code.coding[0]?.code, resource.valueQuantity?.code]),
    );
    expect(Object.fromEntries(units)).toEqual({
      '107931-8': undefined,
      '97507-8': 'mg/dL',
      '105273-7': 'mmol/L',
      '106793-3': undefined,
      '97506-0': '%',
      '104638-2': '%',
      '104636-6': 'd',
      '104637-4': '%',
    });
  });

  it('are not shown without consent', async () => {
    const citizen = await joinedCitizen(app);
    await decideInsights(citizen, 'refused');
    const answer = await citizen.client.get<Problem>('/api/v1/me/glucose/summaries');
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('consent_required');
  });
});

describe('GET /api/v1/me/glucose/report.pdf', () => {
  it('downloads one A4 page in the chosen language and unit', async () => {
    const citizen = await citizenWithFortnight(app);
    const answer = await citizen.client.raw('GET', '/api/v1/me/glucose/report.pdf?days=14&unit=mgdl&lang=en');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/pdf');
    expect(answer.headers['content-disposition']).toContain('glucose-report-14-days-en.pdf');
    expect(answer.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(answer.rawPayload.toString('latin1').match(/\/Type \/Page\b(?!s)/g)).toHaveLength(1);
  });

  it('refuses an unknown unit, naming the field', async () => {
    const citizen = await joinedCitizen(app);
    const answer = await citizen.client.get<Problem>('/api/v1/me/glucose/report.pdf?unit=mmol%2Fl');
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([expect.objectContaining({ in: 'query', pointer: '#/unit' })]);
  });
});

describe('GET /api/v1/me/trends', () => {
  it('answers daily steps, and names the field of an unknown series', async () => {
    const citizen = await joinedCitizen(app);
    const yesterday = midnight(1);
    const at = (hours: number) => new Date(yesterday + hours * 3_600_000).toISOString();
    const batch = await citizen.client.post('/api/v1/me/measurements', {
      observations: [
        { code: '55423-8', time: at(9), endTime: at(10), value: 4321, unit: '{steps}', source: 'app' },
      ],
    });
    expect(batch.status).toBe(201);
    const answer = await citizen.client.get('/api/v1/me/trends?code=steps&days=30');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      code: 'steps',
      unit: '{steps}',
      points: [{ date: localDateOf(yesterday, ZONE), value: 4321 }],
    });
    const unknown = await citizen.client.get<Problem>('/api/v1/me/trends?code=sleep');
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ in: 'query', pointer: '#/code' })]);
  });
});

describe('the OpenAPI description', () => {
  it('lists the insights routes', async () => {
    const spec = (await app.http.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const path of [
      '/api/v1/me/glucose/report',
      '/api/v1/me/glucose/report.pdf',
      '/api/v1/me/trends',
      '/api/v1/me/glucose/summaries',
      '/api/v1/me/glucose/summaries/fhir',
      '/api/v1/participants/{participantId}/glucose/report',
    ]) {
      expect(Object.keys(spec.paths), path).toContain(path);
    }
  });
});
