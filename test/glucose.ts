/** What the insights tests share: members who decide on personal insights and CGM readings they import. */
import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { addDays, localDateOf, startOfLocalDay } from '../src/modules/insights/calendar.ts';
import type { Actor } from '../src/platform/access/index.ts';
import { joinedCitizen, type TestApp } from './app.ts';

export const ZONE = 'Europe/Amsterdam';
export const FIVE_MINUTES = 300_000;

export type Citizen = Awaited<ReturnType<typeof joinedCitizen>>;

export const actorOf = (accountId: string): Actor => ({ accountId, roles: ['citizen'], mfaVerified: false });

/** The calendar date (YYYY-MM-DD) of an instant in Amsterdam. */
export const localDate = (time: number) => localDateOf(time, ZONE);

/** Local midnight `daysAgo` days before today in Amsterdam. */
export const midnight = (daysAgo: number) =>
  startOfLocalDay(addDays(localDateOf(Date.now(), ZONE), -daysAgo), ZONE);

/** Imports 5-minute CGM readings (mg/dL) from a Nightscout file, as the participant would upload it. */
export async function importReadings(
  app: TestApp,
  accountId: string,
  from: number,
  count: number,
  mgdlAt: (index: number) => number,
) {
  const entries = Array.from({ length: count }, (_, i) => ({
    type: 'sgv',
    sgv: mgdlAt(i),
    date: from + i * FIVE_MINUTES,
    device: 'xDrip-DexcomG6',
  }));
  const bytes = Buffer.from(JSON.stringify(entries));
  const summary = await app.measurements.importFile(
    actorOf(accountId),
    accountId,
    { name: 'entries.json', size: bytes.length, open: () => Readable.from([bytes]) },
    { format: 'nightscout' },
  );
  expect(summary.imported).toBe(count);
}

/** The member grants or refuses personal insights through the API. */
export async function decideInsights(citizen: Citizen, decision: 'granted' | 'refused') {
  const answer = await citizen.client.post('/api/v1/me/consents', {
    purposeKey: 'personal_insights',
    decision,
    documentVersion: 1,
  });
  expect(answer.status).toBe(201);
}

/** A member who allows personal insights, with 14 days of readings going 60, 120, 200 mg/dL in turn. */
export async function citizenWithFortnight(app: TestApp) {
  const citizen = await joinedCitizen(app);
  await decideInsights(citizen, 'granted');
  const from = midnight(16);
  await importReadings(app, citizen.accountId, from, 14 * 288, (i) => [60, 120, 200][i % 3] as number);
  return { ...citizen, from, last: from + (14 * 288 - 1) * FIVE_MINUTES };
}
