import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMmol } from '../../../science/glucose/units.ts';
import { CODES } from '../codes.ts';
import {
  type JsonItem,
  MAX_VALUE_CHARS,
  parseIsoDateTime,
  readJsonValues,
  readSourceBytes,
  timeProblem,
  valueProblem,
} from './json-stream.ts';
import { fileError } from './test-support.ts';
import { ImportFileError } from './types.ts';

async function* pieces(text: string | Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

async function values(
  text: string | Uint8Array,
  options: { arrayKey?: string; acceptObjects: boolean } = { acceptObjects: true },
  size = 7,
): Promise<JsonItem[]> {
  const items: JsonItem[] = [];
  for await (const item of readJsonValues(pieces(text, size), options)) items.push(item);
  return items;
}

describe('reading the values of a JSON file one at a time', () => {
  it('numbers the elements of a top-level array, whatever the chunk boundaries', async () => {
    const text = '[{"a":1},{"b":"x\\u00e9"} , 3, null, ["n"]]';
    const expected = [
      { line: 1, ok: true, value: { a: 1 } },
      { line: 2, ok: true, value: { b: 'xé' } },
      { line: 3, ok: true, value: 3 },
      { line: 4, ok: true, value: null },
      { line: 5, ok: true, value: ['n'] },
    ];
    for (const size of [1, 2, 5, 1000])
      expect(await values(text, { acceptObjects: false }, size)).toEqual(expected);
  });

  it('keeps a UTF-8 character split over two chunks whole, and drops a byte-order mark', async () => {
    const text = '\ufeff[{"name":"Jürgen’s meter"}]';
    expect(await values(text, { acceptObjects: false }, 1)).toEqual([
      { line: 1, ok: true, value: { name: 'Jürgen’s meter' } },
    ]);
  });

  it("streams the entries of a Bundle and leaves the Bundle's other fields", async () => {
    const bundle = JSON.stringify(
      {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [{ resource: { id: 'a' } }, { resource: { id: 'b' } }],
      },
      null,
      2,
    );
    expect(await values(bundle, { arrayKey: 'entry', acceptObjects: true })).toEqual([
      { line: 1, ok: true, value: { resource: { id: 'a' } } },
      { line: 2, ok: true, value: { resource: { id: 'b' } } },
    ]);
  });

  it('yields a top-level object without the array key as one value, on one line or on many', async () => {
    const observation = { resourceType: 'Observation', code: { coding: [] }, entry: 'not an array' };
    for (const text of [JSON.stringify(observation), JSON.stringify(observation, null, 2)]) {
      expect(await values(text, { arrayKey: 'entry', acceptObjects: true })).toEqual([
        { line: 1, ok: true, value: observation },
      ]);
    }
  });

  it('reads NDJSON line by line, counting blank lines, and rejects a broken line by its number', async () => {
    const text = '{"a":1}\r\n\n{"b":2}\n{"c":\n{"d":4}';
    expect(await values(text)).toEqual([
      { line: 1, ok: true, value: { a: 1 } },
      { line: 3, ok: true, value: { b: 2 } },
      { line: 4, ok: false, reason: 'is not valid JSON' },
      { line: 5, ok: true, value: { d: 4 } },
    ]);
  });

  it('keeps a key named __proto__ as data, not as the prototype', async () => {
    const [item] = await values('[{"__proto__":{"polluted":true}}]', { acceptObjects: false });
    expect(item?.ok && Object.getPrototypeOf(item.value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports a value too large to hold instead of assembling it, and goes on with the next', async () => {
    const huge = `[{"note":"${'x'.repeat(MAX_VALUE_CHARS + 10)}"},{"a":1}]`;
    expect(await values(huge, { acceptObjects: false }, 65_536)).toEqual([
      { line: 1, ok: false, reason: `is larger than ${MAX_VALUE_CHARS} characters` },
      { line: 2, ok: true, value: { a: 1 } },
    ]);
  });

  it('refuses a file that is not the layout asked for, empty, or not JSON', async () => {
    expect((await fileError(values('{"a":1}', { acceptObjects: false }))).code).toBe('unknown_layout');
    expect((await fileError(values('  \n ', { acceptObjects: true }))).code).toBe('empty_file');
    const notJson = await fileError(values('id,time,gl\n1,2,3', { acceptObjects: true }, 100));
    expect(notJson.code).toBe('unknown_layout');
    expect(notJson.message).toContain('starts with "id,time,gl');
  });

  it('yields the values before a break, then says where the JSON broke or was cut short', async () => {
    const seen: JsonItem[] = [];
    const broken = await fileError(
      (async () => {
        for await (const item of readJsonValues(pieces('[{"a":1},{"b":2},{"c" 3}]', 4), {
          acceptObjects: false,
        })) {
          seen.push(item);
        }
      })(),
    );
    expect(seen.map((item) => item.line)).toEqual([1, 2]);
    expect(broken.code).toBe('invalid_json');
    expect(broken.message).toContain('after value 2');
    const cut = await fileError(values('[{"a":1},{"b":', { acceptObjects: false }));
    expect(cut.code).toBe('invalid_json');
    expect(cut.message).toContain('ends before its JSON is complete');
  });

  it('never throws anything but ImportFileError, whatever the bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 400 }),
        fc.integer({ min: 1, max: 50 }),
        async (bytes, size) => {
          try {
            await values(bytes, { arrayKey: 'entry', acceptObjects: true }, size);
          } catch (error) {
            expect(error).toBeInstanceOf(ImportFileError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads the same values as JSON.parse for any JSON array, in any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue()), fc.integer({ min: 1, max: 64 }), async (array, size) => {
        const items = await values(JSON.stringify(array), { acceptObjects: false }, size);
        expect(items.map((item) => (item.ok ? item.value : item.reason))).toEqual(
          JSON.parse(JSON.stringify(array)),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('the bytes of a source', () => {
  it('turns text chunks into bytes and reports the bytes read so far', async () => {
    const seen: number[] = [];
    const chunks: Uint8Array[] = [];
    const source = {
      name: 'x.json',
      size: null,
      async *open() {
        yield Buffer.from('[1,');
        yield '2]' as unknown as Uint8Array;
      },
    };
    for await (const chunk of readSourceBytes(source, (bytes) => seen.push(bytes))) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('[1,2]');
    expect(seen).toEqual([3, 5]);
  });
});

describe('ISO 8601 date-times', () => {
  it('reads the offset written, Z, and fractions of a second', () => {
    expect(parseIsoDateTime('2026-03-01T08:15:00+01:00', 'Europe/Amsterdam')).toEqual({
      time: Date.UTC(2026, 2, 1, 7, 15),
      utcOffsetMinutes: 60,
      timeZone: null,
    });
    expect(parseIsoDateTime('2026-03-01T08:15:00.250-0330', 'Europe/Amsterdam')).toEqual({
      time: Date.UTC(2026, 2, 1, 11, 45, 0, 250),
      utcOffsetMinutes: -210,
      timeZone: null,
    });
    expect(parseIsoDateTime('2026-03-01T07:15:00Z', 'Europe/Amsterdam')).toEqual({
      time: Date.UTC(2026, 2, 1, 7, 15),
      utcOffsetMinutes: 0,
      timeZone: null,
    });
  });

  it("resolves a time without an offset in the participant's zone, summer time included", () => {
    expect(parseIsoDateTime('2026-07-01T08:15:00', 'Europe/Amsterdam')).toEqual({
      time: Date.UTC(2026, 6, 1, 6, 15),
      utcOffsetMinutes: 120,
      timeZone: 'Europe/Amsterdam',
    });
    // The missing hour at the start of summer time (29 March 2026) moves forward by the gap.
    expect(parseIsoDateTime('2026-03-29T02:30:00', 'Europe/Amsterdam')).toMatchObject({
      time: Date.UTC(2026, 2, 29, 1, 30),
      utcOffsetMinutes: 120,
    });
  });

  it('says why a text is no usable date-time', () => {
    expect(parseIsoDateTime('2026-03-03', 'UTC')).toBe('date "2026-03-03" has no time of day');
    expect(parseIsoDateTime('2026-02-30T10:00:00Z', 'UTC')).toBe(
      '"2026-02-30T10:00:00Z" is not a real date and time',
    );
    expect(parseIsoDateTime('yesterday', 'UTC')).toBe('"yesterday" is not an ISO 8601 date-time');
    expect(parseIsoDateTime(1772349300000, 'UTC')).toBe('date-time 1772349300000 is not text');
    expect(parseIsoDateTime('2026-03-01T08:15:00+19:00', 'UTC')).toBe(
      '"2026-03-01T08:15:00+19:00" has no valid UTC offset',
    );
  });
});

describe('the checks every observation passes', () => {
  it('rejects times before 2000 and more than a day ahead', () => {
    const now = Date.UTC(2026, 2, 10);
    expect(timeProblem(Date.UTC(1999, 11, 31, 23, 59), now)).toBe(
      'time 1999-12-31T23:59:00.000Z is before 2000-01-01',
    );
    expect(timeProblem(Date.UTC(2000, 0, 1), now)).toBeNull();
    expect(timeProblem(now + 86_400_000, now)).toBeNull();
    expect(timeProblem(now + 86_400_001, now)).toBe(
      'time 2026-03-11T00:00:00.001Z is more than a day in the future',
    );
  });

  it('keeps glucose within 1–50 mmol/L, or 18–900 mg/dL as written, and names the value as written', () => {
    expect(valueProblem(CODES.cgmGlucose, toMmol(18), '18', 'mg/dL')).toBeNull();
    expect(valueProblem(CODES.cgmGlucose, toMmol(17.9), '17.9', 'mg/dL')).toBe(
      'glucose value 17.9 mg/dL is outside 18–900 mg/dL',
    );
    expect(valueProblem(CODES.capillaryGlucose, 0.99, '0.99', 'mmol/L')).toBe(
      'glucose value 0.99 mmol/L is outside 1–50 mmol/L',
    );
    expect(valueProblem(CODES.cgmGlucose, 50, '50', 'mmol/L')).toBeNull();
    expect(valueProblem(CODES.cgmGlucose, 50.1, '902', 'mg/dL')).toBe(
      'glucose value 902 mg/dL is outside 18–900 mg/dL',
    );
    expect(valueProblem(CODES.capillaryGlucose, Number.NaN, 'abc', 'mg/dL')).toBe(
      'glucose value "abc" is not a number',
    );
    expect(valueProblem(CODES.steps, -1, '-1', 'count')).toBe(
      'step count value -1 count is outside 0–100000 steps',
    );
  });
});
