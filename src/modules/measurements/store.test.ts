import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { CODES } from './codes.ts';
import type { ParsedObservation } from './importers/types.ts';
import { createMeasurementStore, type MeasurementStore } from './store.ts';

let testDb: TestDatabase;
let store: MeasurementStore;
beforeAll(async () => {
  testDb = await createTestDatabase();
  store = createMeasurementStore(testDb.database);
});
afterAll(() => testDb?.drop());

const MINUTE = 60_000;
const T0 = Date.parse('2026-01-31T22:00:00Z');

function reading(
  time: number,
  mmol: number,
  source = 'libre:ABC',
  extra: Partial<ParsedObservation> = {},
): ParsedObservation {
  return {
    code: CODES.cgmGlucose,
    time,
    endTime: null,
    utcOffsetMinutes: 60,
    timeZone: 'Europe/Amsterdam',
    value: mmol,
    originalValue: String(Math.round(mmol * 18.0156)),
    originalUnit: 'mg/dL',
    source,
    method: 'continuous',
    flag: null,
    line: 1,
    ...extra,
  };
}

async function* each<T>(items: T[]) {
  yield* items;
}

const load = (participant: string, items: ParsedObservation[]) =>
  store.load(participant, randomUUID(), each(items), async () => {});

const count = async (participant: string) =>
  (
    await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM observations WHERE participant_id = ${participant}`.execute(
      testDb.database.db,
    )
  ).rows[0]?.n;

describe('observation store', () => {
  it('stores a reading once: a second load of the same readings, and a repeat inside one load, insert nothing', async () => {
    const participant = randomUUID();
    const items = Array.from({ length: 5000 }, (_, i) => reading(T0 + i * 5 * MINUTE, 5 + (i % 7) / 10));
    expect(await load(participant, items)).toEqual({ received: 5000, inserted: 5000 });
    expect(await load(participant, items)).toEqual({ received: 5000, inserted: 0 });
    const repeated = [reading(T0 - MINUTE, 6), reading(T0 - MINUTE, 6.1)];
    expect(await load(participant, repeated)).toEqual({ received: 2, inserted: 1 });
    expect(await count(participant)).toBe(5001);
  });

  it('keeps the first of readings repeated inside a first import, wherever they come, and counts the rest', async () => {
    const participant = randomUUID();
    // A clock change moved an hour of readings onto the next (as LibreView's missing hour does), a second
    // device interleaved, and one reading repeated long after.
    const first = Array.from({ length: 60 }, (_, i) => reading(T0 + i * MINUTE, 5));
    const moved = Array.from({ length: 60 }, (_, i) => reading(T0 + (30 + i) * MINUTE, 6));
    const other = Array.from({ length: 90 }, (_, i) => reading(T0 + i * MINUTE, 7, 'nightscout:x'));
    const items = [...first, ...moved].flatMap((o, i) => (other[i] ? [o, other[i]] : [o]));
    items.push(reading(T0, 8));
    expect(await load(participant, items)).toEqual({ received: 211, inserted: 180 });
    const stored = await store.observationsOf(participant);
    const libre = stored.filter((row) => row.source === 'libre:ABC');
    expect(libre.map((row) => row.value)).toEqual([...Array(60).fill(5), ...Array(30).fill(6)]);
    expect(await load(participant, items)).toEqual({ received: 211, inserted: 0 });
    expect(await count(participant)).toBe(180);
  });

  it('stores only what is new of an export that overlaps the stored readings, on both sides', async () => {
    const participant = randomUUID();
    const span = (from: number, to: number, mmol: number) =>
      Array.from({ length: to - from }, (_, i) => reading(T0 + (from + i) * 5 * MINUTE, mmol));
    expect(await load(participant, span(0, 100, 5))).toEqual({ received: 100, inserted: 100 });
    expect(await load(participant, span(50, 150, 6))).toEqual({ received: 100, inserted: 50 });
    expect(await load(participant, span(-50, 200, 7))).toEqual({ received: 250, inserted: 100 });
    const values = (await store.observationsOf(participant)).map((row) => row.value);
    expect(values).toEqual([
      ...Array(50).fill(7),
      ...Array(100).fill(5),
      ...Array(50).fill(6),
      ...Array(50).fill(7),
    ]);
  });

  it('loads a file of many chunks across months, repeats at its end counted as duplicates', async () => {
    const participant = randomUUID();
    const items = Array.from({ length: 20_000 }, (_, i) => reading(T0 + i * 5 * MINUTE, 5 + (i % 9) / 10));
    items.push(...items.slice(-100).map((o) => ({ ...o, value: 9 })));
    expect(await load(participant, items)).toEqual({ received: 20_100, inserted: 20_000 });
    const { rows } = await sql<{ months: number; high: number }>`
      SELECT count(DISTINCT tableoid)::int AS months, count(*) FILTER (WHERE value = 9)::int AS high
      FROM observations WHERE participant_id = ${participant}`.execute(testDb.database.db);
    expect(rows[0]).toEqual({ months: 4, high: 0 });
  });

  it('stores readings once when two imports of them run at the same time', async () => {
    const participant = randomUUID();
    const items = Array.from({ length: 3000 }, (_, i) => reading(T0 + i * 5 * MINUTE, 5));
    const results = await Promise.all([load(participant, items), load(participant, items)]);
    expect(results.map((result) => result.inserted).sort((a, b) => a - b)).toEqual([0, 3000]);
    expect(await count(participant)).toBe(3000);
  });

  describe('readings that give way to another source (an iPhone’s steps to the Watch’s)', () => {
    const WATCH = 'apple-health:watch:aaaaaaaaaaaa';
    const PHONE = 'apple-health:iphone:bbbbbbbbbbbb';
    const at = (hhmm: string) => Date.parse(`2026-03-01T${hhmm}:00Z`);
    /** Steps from `from` to `to` (HH:MM, 1 March 2026 UTC); the iPhone's give way to every Watch. */
    const steps = (source: string, from: string, to: string, value: number): ParsedObservation => ({
      ...reading(at(from), value, source),
      code: CODES.steps,
      endTime: at(to),
      originalValue: String(value),
      originalUnit: 'count',
      method: 'manual',
      ...(source === PHONE ? { yieldsTo: 'apple-health:watch:' } : {}),
    });
    const stored = async (participant: string) =>
      (await store.observationsOf(participant)).map((row) => `${row.source.split(':')[1]} ${row.value}`);

    it('are stored only where no reading of that source overlaps them, partly overlapped ones not at all', async () => {
      const participant = randomUUID();
      const result = await load(participant, [
        steps(PHONE, '10:05', '10:15', 1), // overlaps the Watch's 10:00–10:10 partly: dropped whole
        steps(PHONE, '09:50', '10:00', 2), // ends as the Watch's starts: kept
        steps(PHONE, '10:20', '10:30', 3), // starts as the Watch's 10:10–10:20 ends: kept
        steps(PHONE, '08:00', '12:00', 4), // holds Watch readings inside: dropped
        steps(PHONE, '11:00', '11:00', 5), // an instant inside the Watch's 10:50–11:05: dropped
        steps(PHONE, '13:00', '13:10', 6), // no Watch reading then: kept
        steps(WATCH, '10:00', '10:10', 100),
        steps(WATCH, '10:10', '10:20', 200),
        steps(WATCH, '10:50', '11:05', 300),
        steps('other:garmin', '10:00', '10:10', 400), // another app's: kept, and no one gives way to it
        { ...steps(PHONE, '10:00', '10:10', 7), code: CODES.heartRate }, // another code: kept
      ]);
      expect(result).toEqual({
        received: 11,
        inserted: 8,
        yielded: expect.arrayContaining([
          { code: CODES.steps, count: 3 },
          { code: CODES.heartRate, count: 0 },
        ]),
      });
      expect((await stored(participant)).sort()).toEqual(
        [
          'garmin 400',
          'iphone 2',
          'iphone 3',
          'iphone 6',
          'iphone 7',
          'watch 100',
          'watch 200',
          'watch 300',
        ].sort(),
      );
    });

    it('give way to readings stored before, and a second load of the same file stores nothing more', async () => {
      const participant = randomUUID();
      // A Watch walk that started the day before and lasted most of a day still counts.
      const long = { ...steps(WATCH, '00:00', '09:30', 900), time: at('00:00') - 14 * 3_600_000 };
      await load(participant, [steps(WATCH, '10:00', '10:10', 100), long]);
      const file = [
        steps(PHONE, '10:00', '10:10', 1),
        steps(PHONE, '09:00', '09:10', 2),
        steps(PHONE, '12:00', '12:10', 3),
      ];
      expect(await load(participant, file)).toEqual({
        received: 3,
        inserted: 1,
        yielded: [{ code: CODES.steps, count: 2 }],
      });
      expect(await load(participant, file)).toEqual({
        received: 3,
        inserted: 0,
        yielded: [{ code: CODES.steps, count: 2 }],
      });
      expect((await stored(participant)).sort()).toEqual(['iphone 3', 'watch 100', 'watch 900']);
    });

    it('keep the first of repeated readings, in the file’s order', async () => {
      const participant = randomUUID();
      const repeated = Array.from({ length: 50 }, (_, i) => steps(PHONE, '13:00', '13:10', 50 - i));
      expect(await load(participant, repeated)).toEqual({
        received: 50,
        inserted: 1,
        yielded: [{ code: CODES.steps, count: 0 }],
      });
      expect(await stored(participant)).toEqual(['iphone 50']);
    });
  });

  it('keeps the same time from two devices as two readings (the source is part of the key)', async () => {
    const participant = randomUUID();
    const result = await load(participant, [reading(T0, 5, 'libre:A'), reading(T0, 5, 'nightscout:xdrip')]);
    expect(result.inserted).toBe(2);
  });

  it('attaches a partition per month of the data, across a year boundary', async () => {
    const participant = randomUUID();
    await load(participant, [
      reading(Date.parse('2022-12-31T23:59:00Z'), 5),
      reading(Date.parse('2023-01-01T00:00:00Z'), 5),
      reading(Date.parse('2023-03-15T12:00:00Z'), 5),
    ]);
    const { rows } = await sql<{ name: string; bound: string }>`
      SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'observations'::regclass ORDER BY c.relname`.execute(testDb.database.db);
    const names = rows.map((row) => row.name);
    expect(names).toEqual(
      expect.arrayContaining(['observations_2022_12', 'observations_2023_01', 'observations_2023_03']),
    );
    expect(names).not.toContain('observations_2023_02');
    const december = rows.find((row) => row.name === 'observations_2022_12');
    expect(december?.bound).toMatch(/2022-12-01.*2023-01-01/);
    const { rows: where } = await sql<{ name: string }>`
      SELECT tableoid::regclass::text AS name FROM observations WHERE participant_id = ${participant} ORDER BY effective_at`.execute(
      testDb.database.db,
    );
    expect(where.map((row) => row.name)).toEqual([
      'observations_2022_12',
      'observations_2023_01',
      'observations_2023_03',
    ]);
  });

  it('commits nothing when the load fails part-way, including its summary step', async () => {
    const participant = randomUUID();
    async function* failing() {
      yield reading(T0, 5);
      yield reading(T0 + 5 * MINUTE, 5);
      throw new Error('file broke off');
    }
    await expect(store.load(participant, randomUUID(), failing(), async () => {})).rejects.toThrow(
      'file broke off',
    );
    await expect(
      store.load(participant, randomUUID(), each([reading(T0, 5)]), async () => {
        throw new Error('summary refused');
      }),
    ).rejects.toThrow('summary refused');
    expect(await count(participant)).toBe(0);
  });

  it('reads glucose back sorted, per day from the device with most readings', async () => {
    const participant = randomUUID();
    const day = Date.parse('2026-02-10T00:00:00Z');
    const libre = Array.from({ length: 96 }, (_, i) => reading(day + i * 15 * MINUTE, 5));
    // Nightscout mirrors part of the same day a minute later: fewer readings, so not chosen for that day.
    const mirrored = Array.from({ length: 40 }, (_, i) =>
      reading(day + i * 15 * MINUTE + MINUTE, 5.5, 'nightscout:x'),
    );
    // The next day only Nightscout has data.
    const nextDay = Array.from({ length: 10 }, (_, i) =>
      reading(day + 86_400_000 + i * 5 * MINUTE, 7, 'nightscout:x'),
    );
    await load(participant, [...nextDay, ...mirrored, ...libre].reverse());
    const recent = (await store.recentGlucose([participant], 3)).get(participant);
    expect(recent?.latest.getTime()).toBe(day + 86_400_000 + 9 * 5 * MINUTE);
    const { times, mmol } = recent ?? { times: [], mmol: [] };
    expect(times.length).toBe(106);
    expect(mmol.slice(0, 96).every((v) => v === 5)).toBe(true);
    expect(mmol.slice(96).every((v) => v === 7)).toBe(true);
    for (let i = 1; i < times.length; i++) expect(times[i] as number).toBeGreaterThan(times[i - 1] as number);
  });

  it('reads many participants’ recent readings at once: the days up to each one’s latest', async () => {
    const day = Date.parse('2026-02-10T00:00:00Z');
    const [steady, twoDevices, none] = [randomUUID(), randomUUID(), randomUUID()];
    // Five days every 15 minutes; glucose is the day's number, so a reading of the wrong day would show.
    await load(
      steady,
      Array.from({ length: 5 * 96 }, (_, i) => reading(day + i * 15 * MINUTE, 4 + Math.floor(i / 96))),
    );
    await load(twoDevices, [
      ...Array.from({ length: 96 }, (_, i) => reading(day + i * 15 * MINUTE, 5)),
      ...Array.from({ length: 40 }, (_, i) => reading(day + i * 15 * MINUTE + MINUTE, 5.5, 'nightscout:x')),
    ]);
    const recent = await store.recentGlucose([steady, twoDevices, none], 2);
    expect([...recent.keys()].sort()).toEqual([steady, twoDevices].sort());

    const latest = day + (5 * 96 - 1) * 15 * MINUTE;
    const mine = recent.get(steady);
    expect(mine?.latest.getTime()).toBe(latest);
    // Two days up to the latest reading; the reading exactly two days before it is not included.
    expect(mine?.times.length).toBe(2 * 96);
    expect(mine?.times[0]).toBe(latest - 2 * 86_400_000 + 15 * MINUTE);
    expect(
      Array.from(mine?.mmol ?? [])
        .slice(0, 96)
        .every((v) => v === 7),
    ).toBe(true);
    expect(mine?.mmol.at(-1)).toBe(8);
    // Where two devices overlap, the day's readings come from the one with most readings.
    const overlapping = recent.get(twoDevices);
    expect(overlapping?.times.length).toBe(96);
    expect(overlapping?.mmol.every((v) => v === 5)).toBe(true);
  });

  it('sums steps per local date and takes the day’s last weight', async () => {
    const participant = randomUUID();
    // 23:30 UTC on 1 March is 00:30 on 2 March in Amsterdam.
    const steps = (iso: string, n: number): ParsedObservation =>
      reading(Date.parse(iso), n, 'apple-health:Watch', {
        code: CODES.steps,
        endTime: Date.parse(iso) + 30 * MINUTE,
        originalUnit: 'count',
        originalValue: String(n),
      });
    const weight = (iso: string, kg: number): ParsedObservation =>
      reading(Date.parse(iso), kg, 'apple-health:Scale', {
        code: CODES.weight,
        originalUnit: 'kg',
        method: 'manual',
      });
    await load(participant, [
      steps('2026-03-01T10:00:00Z', 1000),
      steps('2026-03-01T23:30:00Z', 500),
      steps('2026-03-02T08:00:00Z', 250),
      weight('2026-03-02T07:00:00Z', 80.4),
      weight('2026-03-02T19:00:00Z', 80.9),
    ]);
    const from = new Date('2026-03-01T00:00:00Z');
    const to = new Date('2026-03-03T00:00:00Z');
    expect(await store.daily(participant, CODES.steps, from, to, 'Europe/Amsterdam', true)).toEqual([
      { date: '2026-03-01', value: 1000 },
      { date: '2026-03-02', value: 750 },
    ]);
    expect(await store.daily(participant, CODES.weight, from, to, 'Europe/Amsterdam', false)).toEqual([
      { date: '2026-03-02', value: 80.9 },
    ]);
  });

  it('stores text with tabs, backslashes and line breaks unchanged (COPY escaping)', async () => {
    const participant = randomUUID();
    const source = "apple-health:Jan's\tWatch\\2\nnew";
    await load(participant, [reading(T0, 5, source, { originalValue: 'a\\b\r' })]);
    const rows = await store.observationsOf(participant);
    expect(rows[0]?.source).toBe(source);
    expect(rows[0]?.original_value).toBe('a\\b\r');
  });

  it('erases every observation and import of a participant and no one else’s', async () => {
    const participant = randomUUID();
    const other = randomUUID();
    await load(participant, [reading(T0, 5), reading(Date.parse('2026-05-01T00:00:00Z'), 5)]);
    await load(other, [reading(T0, 5)]);
    const removed = await store.erase(participant);
    expect(removed).toEqual([
      { table: 'observations', removed: 2 },
      { table: 'observation_imports', removed: 0 },
    ]);
    expect(await count(participant)).toBe(0);
    expect(await count(other)).toBe(1);
  });
});
