import { readFileSync } from 'node:fs';
import type { Bundle, Observation } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMmol } from '../../../science/glucose/units.ts';
import { CODES } from '../codes.ts';
import { fhirImporter } from './fhir.ts';
import {
  damaged,
  expectPlausible,
  observations,
  onlyImportFileErrors,
  parseAll,
  sourceOf,
} from './test-support.ts';
import { ImportFileError, type ImportSource } from './types.ts';

const bundleFile = readFileSync(new URL('./fixtures/fhir-bundle.json', import.meta.url));
const ndjsonFile = readFileSync(new URL('./fixtures/fhir-observations.ndjson', import.meta.url));

const parse = (source: ImportSource, timeZone = 'Europe/Amsterdam') =>
  parseAll(fhirImporter, source, { timeZone });

describe('a FHIR Bundle of Observations', () => {
  it('reads CGM glucose in mg/dL and mmol/L under one code, in mmol/L', async () => {
    const items = await parse(sourceOf(bundleFile));
    expect(items[1]).toEqual({
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
        source: 'fhir:FreeStyle Libre 3',
        method: 'continuous',
        flag: null,
        line: 2,
      },
    });
    expect(items[2]).toMatchObject({
      kind: 'observation',
      observation: { code: CODES.cgmGlucose, value: 6.2, originalUnit: 'mmol/L', line: 3 },
    });
  });

  it('reads a meter reading as capillary glucose, in the participant zone when it has no offset', async () => {
    const items = await parse(sourceOf(bundleFile));
    expect(items[3]).toMatchObject({
      kind: 'observation',
      observation: {
        code: CODES.capillaryGlucose,
        time: Date.UTC(2026, 2, 2, 6, 2),
        utcOffsetMinutes: 60,
        timeZone: 'Europe/Amsterdam',
        value: toMmol(104),
        method: 'manual',
        source: 'fhir:Device/accu-chek-guide-1',
      },
    });
  });

  it('reads steps over their period, weight in pounds and heart rate', async () => {
    const items = await parse(sourceOf(bundleFile));
    expect(items[4]).toMatchObject({
      kind: 'observation',
      observation: {
        code: CODES.steps,
        time: Date.UTC(2026, 2, 1, 8),
        endTime: Date.UTC(2026, 2, 1, 9),
        value: 2412,
        originalUnit: '{steps}',
        source: 'fhir:https://fitbit.example.org',
      },
    });
    expect(items[5]).toMatchObject({
      kind: 'observation',
      observation: { code: CODES.weight, originalUnit: '[lb_av]' },
    });
    const weight = items[5];
    expect(weight?.kind === 'observation' && weight.observation.value).toBeCloseTo(78.1993, 4);
    expect(items[6]).toMatchObject({
      kind: 'observation',
      observation: { code: CODES.heartRate, value: 104, source: 'fhir' },
    });
  });

  it('ignores the Patient and what was entered in error, and never yields personal data', async () => {
    const items = await parse(sourceOf(bundleFile));
    expect(items[0]).toEqual({ kind: 'ignored', line: 1 });
    expect(items[7]).toEqual({ kind: 'ignored', line: 8 });
    expect(JSON.stringify(items)).not.toMatch(/Jansen|Anna|1961/);
  });

  it('rejects codes it does not store by name, laboratory glucose with its reason, and a date without a time', async () => {
    const items = await parse(sourceOf(bundleFile));
    expect(items.slice(8)).toEqual([
      { kind: 'rejected', line: 9, reason: 'Observation LOINC 8480-6 is not a code the platform stores' },
      {
        kind: 'rejected',
        line: 10,
        reason:
          'glucose in serum or plasma (2345-7) is a laboratory test; only CGM and finger-prick glucose are stored',
      },
      {
        kind: 'rejected',
        line: 11,
        reason: 'Observation 8302-2 effective time: date "2026-03-03" has no time of day',
      },
    ]);
  });

  it('reads NDJSON line by line, rejecting a broken line by its number', async () => {
    const items = await parse(sourceOf(ndjsonFile, 50));
    expect(items.map((item) => (item.kind === 'observation' ? item.observation.line : item.line))).toEqual([
      1, 2, 4, 5, 6,
    ]);
    const waist = items[1];
    expect(waist?.kind === 'observation' && waist.observation.value).toBeCloseTo(87.63, 10);
    expect(items[2]).toMatchObject({
      kind: 'observation',
      observation: { code: CODES.capillaryGlucose, value: 5.4, line: 4 },
    });
    expect(items[3]).toEqual({ kind: 'rejected', line: 5, reason: 'resource is not valid JSON' });
    expect(items[4]).toEqual({ kind: 'ignored', line: 6 });
  });

  it('reads a single Observation and a minified Bundle on one line', async () => {
    const observation: Observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
      effectiveDateTime: '2026-03-01T09:05:12+01:00',
      valueQuantity: { value: 61, unit: 'beats/min', system: 'http://unitsofmeasure.org', code: '/min' },
    };
    expect(observations(await parse(sourceOf(JSON.stringify(observation))))).toHaveLength(1);
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ resource: observation }, { resource: observation }],
    };
    expect(observations(await parse(sourceOf(JSON.stringify(bundle))))).toHaveLength(2);
    const arrayOfResources = JSON.stringify([observation, { resourceType: 'Patient' }]);
    expect((await parse(sourceOf(arrayOfResources))).map((item) => item.kind)).toEqual([
      'observation',
      'ignored',
    ]);
  });

  it('rejects an Observation without a value, a unit it cannot convert, or a time, and entries without a resource', () => {
    const base = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] },
      effectiveDateTime: '2026-03-01T07:00:00Z',
    };
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: base },
        { resource: { ...base, valueQuantity: { value: 80, unit: 'stone' } } },
        { resource: { ...base, effectiveDateTime: undefined, valueQuantity: { value: 80, code: 'kg' } } },
        { resource: { ...base, valueQuantity: { value: 8000, code: 'g' } } },
        { resource: { ...base, code: { text: 'weight' }, valueQuantity: { value: 80, code: 'kg' } } },
        { fullUrl: 'urn:uuid:1', request: { method: 'DELETE', url: 'Observation/1' } },
        { resource: { id: 'no-type' } },
        { resource: 'Observation' },
      ],
    };
    return parse(sourceOf(JSON.stringify(bundle))).then((items) =>
      expect(items.map((item) => (item.kind === 'rejected' ? item.reason : item.kind))).toEqual([
        'Observation 29463-7 has no valueQuantity',
        'Observation 29463-7 unit "stone" is not supported',
        'Observation 29463-7 has no effectiveDateTime or effectivePeriod',
        'observation',
        'Observation "weight" is not a code the platform stores',
        'ignored',
        'entry is not a FHIR resource (it has no resourceType)',
        'entry holds no FHIR resource',
      ]),
    );
  });

  it('yields the same observations when the same Bundle is imported twice, in any chunks', async () => {
    const first = observations(await parse(sourceOf(bundleFile)));
    expect(observations(await parse(sourceOf(bundleFile, 17)))).toEqual(first);
    expect(first).toHaveLength(6);
  });

  it('refuses a file that is not JSON', async () => {
    const error = await parse(sourceOf('<Bundle xmlns="http://hl7.org/fhir"/>')).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).code).toBe('unknown_layout');
  });
});

describe('FHIR on any input', () => {
  const neverWorseThanImportFileError = onlyImportFileErrors(fhirImporter, 301);

  it('never throws anything but ImportFileError on random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), neverWorseThanImportFileError), {
      numRuns: 200,
    });
  });

  it('never throws anything but ImportFileError on a damaged Bundle or NDJSON file', async () => {
    await fc.assert(fc.asyncProperty(damaged(bundleFile), neverWorseThanImportFileError), { numRuns: 200 });
    await fc.assert(fc.asyncProperty(damaged(ndjsonFile), neverWorseThanImportFileError), { numRuns: 200 });
  });

  it('keeps any Observation it accepts plausible', async () => {
    const observation = fc.record({
      resourceType: fc.constant('Observation'),
      status: fc.constantFrom('final', 'amended', 'cancelled'),
      code: fc.record({
        coding: fc.array(
          fc.record({
            system: fc.constant('http://loinc.org'),
            code: fc.constantFrom(
              '99504-3',
              '105272-9',
              '14743-9',
              '2339-0',
              '55423-8',
              '8867-4',
              '29463-7',
              '8280-0',
            ),
          }),
          { maxLength: 2 },
        ),
      }),
      effectiveDateTime: fc.oneof(
        fc.string(),
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      ),
      valueQuantity: fc.record({
        value: fc.oneof(fc.double(), fc.integer({ min: -10, max: 2000 })),
        code: fc.constantFrom('mg/dL', 'mmol/L', '/min', 'kg', '[lb_av]', 'cm', '[in_i]', '{steps}'),
      }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 8 }), async (resources) => {
        for (const item of await parse(sourceOf(JSON.stringify(resources)))) expectPlausible(item);
      }),
      { numRuns: 200 },
    );
  });
});
