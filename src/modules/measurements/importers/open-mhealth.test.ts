import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMmol } from '../../../science/glucose/units.ts';
import { CODES } from '../codes.ts';
import { openMhealthImporter } from './open-mhealth.ts';
import {
  damaged,
  expectPlausible,
  observations,
  onlyImportFileErrors,
  parseAll,
  sourceOf,
} from './test-support.ts';
import { ImportFileError, type ImportSource } from './types.ts';

const arrayFile = readFileSync(new URL('./fixtures/omh-data-points.json', import.meta.url));
const ndjsonFile = readFileSync(new URL('./fixtures/omh-data-points.ndjson', import.meta.url));

const parse = (source: ImportSource) => parseAll(openMhealthImporter, source);

describe('Open mHealth data points', () => {
  it('reads glucose from interstitial fluid as CGM and from capillary blood as a meter reading, both units', async () => {
    const items = await parse(sourceOf(arrayFile));
    expect(items[0]).toEqual({
      kind: 'observation',
      observation: {
        code: CODES.cgmGlucose,
        time: Date.UTC(2026, 2, 1, 7, 15),
        endTime: null,
        utcOffsetMinutes: 60,
        timeZone: null,
        value: toMmol(97),
        originalValue: '97',
        originalUnit: 'mg/dL',
        source: 'omh:LibreLink',
        method: 'continuous',
        flag: null,
        line: 1,
      },
    });
    expect(items[1]).toMatchObject({
      kind: 'observation',
      observation: { code: CODES.capillaryGlucose, value: 5.4, originalUnit: 'mmol/L', method: 'manual' },
    });
  });

  it('reads step counts of schema 3.0 and 2.0, with an end or a duration', async () => {
    const items = await parse(sourceOf(arrayFile));
    expect(items[2]).toMatchObject({
      kind: 'observation',
      observation: {
        code: CODES.steps,
        value: 2412,
        time: Date.UTC(2026, 2, 1, 8),
        endTime: Date.UTC(2026, 2, 1, 9),
      },
    });
    expect(items[3]).toMatchObject({
      kind: 'observation',
      observation: {
        code: CODES.steps,
        value: 1830,
        time: Date.UTC(2026, 2, 1, 9),
        endTime: Date.UTC(2026, 2, 1, 10),
      },
    });
  });

  it('reads body weight in pounds, and heart rate without an offset in the participant zone', async () => {
    const items = await parse(sourceOf(arrayFile));
    const weight = items[4];
    expect(weight?.kind === 'observation' && weight.observation.value).toBeCloseTo(78.1993, 4);
    expect(items[5]).toMatchObject({
      kind: 'observation',
      observation: {
        code: CODES.heartRate,
        value: 104,
        time: Date.UTC(2026, 2, 1, 8, 5, 12),
        utcOffsetMinutes: 60,
        timeZone: 'Europe/Amsterdam',
        source: 'omh:Polar Flow',
      },
    });
  });

  it('rejects statistics, schemas it does not store and values that are no number, by element', async () => {
    const items = await parse(sourceOf(arrayFile));
    expect(items.slice(6)).toEqual([
      { kind: 'rejected', line: 7, reason: 'heart-rate is a statistic (average), not a single reading' },
      { kind: 'rejected', line: 8, reason: 'schema "sleep-duration" is not one the platform stores' },
      { kind: 'rejected', line: 9, reason: 'glucose value "high" is not a number' },
    ]);
  });

  it('reads NDJSON with bare bodies, naming the source "omh", and rejects a line that is not JSON', async () => {
    const items = await parse(sourceOf(ndjsonFile, 40));
    expect(
      items.map((item) =>
        item.kind === 'observation' ? item.observation.code : item.kind === 'rejected' && item.reason,
      ),
    ).toEqual([
      CODES.cgmGlucose,
      CODES.capillaryGlucose,
      CODES.weight,
      CODES.steps,
      'data point is not valid JSON',
    ]);
    expect(items[1]).toMatchObject({ observation: { source: 'omh', line: 2 } });
    expect(items[3]).toMatchObject({
      observation: { time: Date.UTC(2026, 2, 1, 10, 30), endTime: Date.UTC(2026, 2, 1, 11), value: 950 },
    });
    expect(items[4]).toMatchObject({ line: 5 });
  });

  it('reads a single data point', async () => {
    const point = {
      header: { schema_id: { namespace: 'omh', name: 'body-weight', version: '2.0' } },
      body: {
        body_weight: { value: 78.2, unit: 'kg' },
        effective_time_frame: { date_time: '2026-03-03T07:30:00Z' },
      },
    };
    expect(observations(await parse(sourceOf(JSON.stringify(point, null, 2))))).toMatchObject([
      { code: CODES.weight, value: 78.2, source: 'omh', line: 1 },
    ]);
  });

  it('rejects glucose from serum, a point reading given as an interval and a body it cannot place', async () => {
    const glucose = (extra: Record<string, unknown>) => ({
      blood_glucose: { value: 100, unit: 'mg/dL' },
      effective_time_frame: { date_time: '2026-03-01T08:00:00Z' },
      ...extra,
    });
    const points = [
      glucose({ specimen_source: 'serum' }),
      glucose({ effective_time_frame: { time_interval: { start_date_time: '2026-03-01T08:00:00Z' } } }),
      { mood: 'fine' },
      glucose({ blood_glucose: { value: 100, unit: 'mg/dl' } }),
      {
        step_count: 10,
        effective_time_frame: { time_interval: { start_date_time: '2026-03-01T08:00:00Z' } },
      },
    ];
    const reasons = (await parse(sourceOf(JSON.stringify(points)))).map(
      (item) => item.kind === 'rejected' && item.reason,
    );
    expect(reasons).toEqual([
      'blood glucose in serum is not stored',
      'blood-glucose needs effective_time_frame.date_time (a point in time)',
      'data point names no schema (header.schema_id.name)',
      'blood-glucose unit "mg/dl" is not supported',
      'step-count time_interval needs a duration with only one end',
    ]);
  });

  it('yields the same observations when the same file is imported twice, in any chunks', async () => {
    const first = observations(await parse(sourceOf(arrayFile)));
    expect(observations(await parse(sourceOf(arrayFile, 11)))).toEqual(first);
    expect(first).toHaveLength(6);
  });

  it('refuses a file that is not JSON', async () => {
    const error = await parse(sourceOf('date,steps\n2026-03-01,812')).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).code).toBe('unknown_layout');
  });
});

describe('Open mHealth on any input', () => {
  const neverWorseThanImportFileError = onlyImportFileErrors(openMhealthImporter, 257);

  it('never throws anything but ImportFileError on random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), neverWorseThanImportFileError), {
      numRuns: 200,
    });
  });

  it('never throws anything but ImportFileError on a damaged file', async () => {
    await fc.assert(fc.asyncProperty(damaged(arrayFile), neverWorseThanImportFileError), { numRuns: 200 });
    await fc.assert(fc.asyncProperty(damaged(ndjsonFile), neverWorseThanImportFileError), { numRuns: 200 });
  });

  it('keeps any data point it accepts plausible', async () => {
    const dateTime = fc.oneof(
      fc.string(),
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    );
    const point = fc.record({
      header: fc.record({
        schema_id: fc.record({
          name: fc.constantFrom('blood-glucose', 'step-count', 'body-weight', 'heart-rate'),
        }),
      }),
      body: fc.record({
        blood_glucose: fc.record({
          value: fc.oneof(fc.double(), fc.integer()),
          unit: fc.constantFrom('mg/dL', 'mmol/L'),
        }),
        step_count: fc.oneof(fc.double(), fc.integer({ min: -5, max: 200_000 })),
        body_weight: fc.record({ value: fc.double(), unit: fc.constantFrom('kg', 'lb', 'g', 'oz') }),
        heart_rate: fc.record({ value: fc.double(), unit: fc.constant('beats/min') }),
        specimen_source: fc.constantFrom('interstitial fluid', 'capillary blood', 'tears'),
        effective_time_frame: fc.oneof(
          fc.record({ date_time: dateTime }),
          fc.record({
            time_interval: fc.record(
              {
                start_date_time: dateTime,
                end_date_time: dateTime,
                duration: fc.record({
                  value: fc.double(),
                  unit: fc.constantFrom('sec', 'min', 'h', 'd', 'wk'),
                }),
              },
              { requiredKeys: [] },
            ),
          }),
        ),
      }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(point, { maxLength: 8 }), async (points) => {
        for (const item of await parse(sourceOf(JSON.stringify(points)))) expectPlausible(item);
      }),
      { numRuns: 200 },
    );
  });
});
