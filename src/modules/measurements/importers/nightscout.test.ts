import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMmol } from '../../../science/glucose/units.ts';
import { CODES } from '../codes.ts';
import { nightscoutImporter, parseNightscoutEntry } from './nightscout.ts';
import { expectPlausible, observations, parseAll, sourceOf } from './test-support.ts';
import { ImportFileError, type ImportSource } from './types.ts';

const fixture = readFileSync(new URL('./fixtures/ns-entries.json', import.meta.url));

const parse = (source: ImportSource) => parseAll(nightscoutImporter, source);

describe('Nightscout entries', () => {
  it('reads sgv as CGM glucose and mbg as finger-prick glucose, both from mg/dL', async () => {
    const items = await parse(sourceOf(fixture));
    expect(items[0]).toEqual({
      kind: 'observation',
      observation: {
        code: CODES.cgmGlucose,
        time: Date.UTC(2026, 2, 1, 7, 25),
        endTime: null,
        utcOffsetMinutes: 60,
        timeZone: null,
        value: toMmol(131),
        originalValue: '131',
        originalUnit: 'mg/dL',
        source: 'nightscout:xDrip-DexcomG6',
        method: 'continuous',
        flag: null,
        line: 1,
      },
    });
    expect(items[3]).toMatchObject({
      kind: 'observation',
      observation: {
        code: CODES.capillaryGlucose,
        value: toMmol(118),
        method: 'manual',
        utcOffsetMinutes: 0,
      },
    });
  });

  it('ignores calibrations and Dexcom error codes written as sgv below 39', async () => {
    const items = await parse(sourceOf(fixture));
    expect(items[2]).toEqual({ kind: 'ignored', line: 3 });
    expect(items[4]).toEqual({ kind: 'ignored', line: 5 });
  });

  it('takes an sgv written as text, and names the source "nightscout" without a device', async () => {
    const items = await parse(sourceOf(fixture));
    expect(items[5]).toMatchObject({
      kind: 'observation',
      observation: { value: toMmol(109), originalValue: '109', source: 'nightscout', utcOffsetMinutes: 0 },
    });
  });

  it('rejects an impossible value and an entry without a time, by element number', async () => {
    const items = await parse(sourceOf(fixture));
    expect(items[6]).toEqual({
      kind: 'rejected',
      line: 7,
      reason: 'glucose value 1200 mg/dL is outside 18–900 mg/dL',
    });
    expect(items[7]).toEqual({ kind: 'rejected', line: 8, reason: 'sgv entry has no date' });
    expect(items).toHaveLength(8);
  });

  it('takes the offset from utcOffset, else from dateString, else 0; the instant always from date', () => {
    const date = Date.UTC(2026, 6, 1, 6, 0);
    const offsetOf = (entry: Record<string, unknown>) => {
      const item = parseNightscoutEntry({ type: 'sgv', sgv: 100, date, ...entry }, 1);
      return item.kind === 'observation' ? [item.observation.time, item.observation.utcOffsetMinutes] : item;
    };
    expect(offsetOf({ utcOffset: 120, dateString: '2026-07-01T06:00:00Z' })).toEqual([date, 120]);
    expect(offsetOf({ dateString: '2026-07-01T08:00:00.000+0200' })).toEqual([date, 120]);
    expect(offsetOf({ dateString: '2026-07-01T01:00:00-05:00' })).toEqual([date, -300]);
    expect(offsetOf({ dateString: '2026-07-01T06:00:00' })).toEqual([date, 0]);
    expect(offsetOf({})).toEqual([date, 0]);
    expect(
      parseNightscoutEntry({ type: 'sgv', sgv: 100, dateString: '2026-07-01T08:00:00+02:00' }, 4),
    ).toMatchObject({
      kind: 'observation',
      observation: { time: date, utcOffsetMinutes: 120, timeZone: null },
    });
  });

  it('rejects entries that are not readings of the right shape, saying why', () => {
    expect(parseNightscoutEntry('sgv', 2)).toEqual({
      kind: 'rejected',
      line: 2,
      reason: 'entry is not an object',
    });
    expect(parseNightscoutEntry({ sgv: 100, date: 1 }, 3)).toEqual({
      kind: 'rejected',
      line: 3,
      reason: 'entry has no type',
    });
    expect(parseNightscoutEntry({ type: 'mbg', date: Date.UTC(2026, 0, 1) }, 4)).toEqual({
      kind: 'rejected',
      line: 4,
      reason: 'mbg entry has no mbg value',
    });
    expect(parseNightscoutEntry({ type: 'sgv', sgv: 'LOW', date: Date.UTC(2026, 0, 1) }, 5)).toEqual({
      kind: 'rejected',
      line: 5,
      reason: 'glucose value "LOW" is not a number',
    });
    expect(parseNightscoutEntry({ type: 'sgv', sgv: 100, date: 'yesterday' }, 6)).toEqual({
      kind: 'rejected',
      line: 6,
      reason: 'sgv entry date yesterday is not a time in milliseconds',
    });
    expect(parseNightscoutEntry({ type: 'sgv', sgv: 100, date: 946684799999 }, 7)).toEqual({
      kind: 'rejected',
      line: 7,
      reason: 'time 1999-12-31T23:59:59.999Z is before 2000-01-01',
    });
  });

  it('refuses a file that is not an array of entries', async () => {
    const error = await parse(sourceOf('{"status":"ok"}')).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).code).toBe('unknown_layout');
  });

  it('yields the same observations when the same file is imported twice, in any chunks', async () => {
    const first = observations(await parse(sourceOf(fixture)));
    const second = observations(await parse(sourceOf(fixture, 3)));
    expect(second).toEqual(first);
    expect(first.map(({ code, time, source }) => `${code} ${time} ${source}`)).toHaveLength(4);
  });

  it('never throws anything but ImportFileError on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        try {
          for (const item of await parse(sourceOf(bytes))) expectPlausible(item);
        } catch (error) {
          expect(error).toBeInstanceOf(ImportFileError);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never throws anything but ImportFileError on a damaged export, and keeps every observation plausible', async () => {
    const edits = fc.array(
      fc.record({ at: fc.nat(fixture.length), byte: fc.integer({ min: 0, max: 255 }), remove: fc.boolean() }),
      { minLength: 1, maxLength: 6 },
    );
    await fc.assert(
      fc.asyncProperty(edits, async (changes) => {
        const bytes = [...fixture];
        for (const { at, byte, remove } of changes) {
          if (remove) bytes.splice(at, 1);
          else bytes[at] = byte;
        }
        try {
          for (const item of await parse(sourceOf(Uint8Array.from(bytes), 97))) expectPlausible(item);
        } catch (error) {
          expect(error).toBeInstanceOf(ImportFileError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every reading within the bounds for any entry', async () => {
    const entry = fc.record(
      {
        type: fc.constantFrom('sgv', 'mbg', 'cal'),
        sgv: fc.oneof(fc.double(), fc.integer({ min: -10, max: 2000 }), fc.string()),
        mbg: fc.oneof(fc.double(), fc.integer({ min: -10, max: 2000 })),
        date: fc.oneof(fc.double(), fc.integer({ min: 0, max: 2 * Date.now() })),
        utcOffset: fc.integer({ min: -2000, max: 2000 }),
        dateString: fc.string(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(entry, (value) => expectPlausible(parseNightscoutEntry(value, 1))),
      { numRuns: 500 },
    );
  });
});
