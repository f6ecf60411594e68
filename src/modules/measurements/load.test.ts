import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODES } from './codes.ts';
import type { ParsedObservation } from './importers/types.ts';
import { CopyBuffer, CopyLines, DirectRoute, encodeObservations } from './load.ts';

const observation = (code: string, source: string, time: number): ParsedObservation => ({
  code: code as ParsedObservation['code'],
  time,
  endTime: null,
  utcOffsetMinutes: 60,
  timeZone: 'Europe/Amsterdam',
  value: 5.5,
  originalValue: '99',
  originalUnit: 'mg/dL',
  source,
  method: 'continuous',
  flag: null,
  line: 1,
});

describe('loading observations', () => {
  it('routes straight in only readings whose key is new to the table and to the file so far', () => {
    const reading = fc.record({
      code: fc.constantFrom(CODES.cgmGlucose, CODES.steps),
      source: fc.constantFrom('a', 'b'),
      time: fc.integer({ min: 0, max: 40 }),
    });
    const period = fc.record({
      code: fc.constantFrom(CODES.cgmGlucose, CODES.steps),
      first: fc.integer({ min: 0, max: 40 }),
      length: fc.integer({ min: 0, max: 10 }),
    });
    fc.assert(
      fc.property(
        fc.array(reading, { maxLength: 60 }),
        fc.array(period, { maxLength: 2 }),
        (readings, periods) => {
          const stored = periods.map((p) => ({ code: p.code, first: p.first, last: p.first + p.length }));
          const route = new DirectRoute(stored);
          const seen = new Set<string>();
          for (const r of readings) {
            const key = `${r.code} ${r.source} ${r.time}`;
            if (route.safe(observation(r.code, r.source, r.time))) {
              expect(seen.has(key)).toBe(false);
              const own = stored.filter((p) => p.code === r.code).at(-1);
              if (own) expect(r.time < own.first || r.time > own.last).toBe(true);
            }
            seen.add(key);
          }
        },
      ),
    );
  });

  it('sends every reading of a first import in time order straight in', () => {
    const route = new DirectRoute([]);
    const safe = Array.from({ length: 100 }, (_, i) => route.safe(observation(CODES.cgmGlucose, 'a', i)));
    expect(safe.every(Boolean)).toBe(true);
  });

  it('writes times as toISOString does, and the month of the last row, whatever the order of the rows', () => {
    // From 271,821 BC to AD 275,760: every time a Date holds, whole milliseconds or not.
    const time = fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.integer({ min: Date.UTC(2014, 0), max: Date.UTC(2027, 0) }),
      fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(time, time), { minLength: 1, maxLength: 30 }), (times) => {
        const lines = new CopyLines(
          '00000000-0000-4000-8000-000000000001',
          '00000000-0000-4000-8000-000000000002',
        );
        for (const [start, end] of times) {
          const fields = lines.staged({ ...observation(CODES.steps, 'a', start), endTime: end }).split('\t');
          const iso = new Date(start).toISOString();
          expect([fields[1], fields[3]]).toEqual([iso, new Date(end).toISOString()]);
          expect(lines.month).toBe(iso.slice(0, 7));
        }
      }),
    );
  });

  it('gathers rows as UTF-8 lines, each chunk in memory of its own, a row longer than a chunk on its own', () => {
    const buffer = new CopyBuffer();
    const lines = new CopyLines(
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000002',
    );
    const row = lines.direct({ ...observation(CODES.cgmGlucose, 'libre:é\t1', 0), originalValue: 'a\\b' });
    expect(row).toBe(
      '00000000-0000-4000-8000-000000000001\t105272-9\t1970-01-01T00:00:00.000Z\tlibre:é\\t1\t\\N\t60\tEurope/Amsterdam\t5.5\tmmol/L\ta\\\\b\tmg/dL\tcontinuous\t\\N\t00000000-0000-4000-8000-000000000002',
    );
    expect(lines.month).toBe('1970-01');
    let added = 0;
    while (buffer.add(row)) added++;
    expect(buffer.rows).toBe(added);
    const first = buffer.take();
    expect(Buffer.from(first).toString('utf8')).toBe(`${row}\n`.repeat(added));
    expect(buffer.empty).toBe(true);
    expect(buffer.rows).toBe(0);
    const long = 'x'.repeat(2_000_000);
    expect(buffer.add(long)).toBe(true);
    const second = buffer.take();
    expect(Buffer.from(second).toString('utf8')).toBe(`${long}\n`);
    // Chunks share no memory: one can be transferred to another thread while the next is written.
    expect(second.buffer).not.toBe(first.buffer);
    expect(first.byteOffset).toBe(0);
  });

  it('fills a chunk’s memory again once it is released, and not before', async () => {
    async function* minutes() {
      for (let i = 0; i < 40_000; i++) yield observation(CODES.cgmGlucose, 'libre', i * 60_000);
    }
    const chunks = encodeObservations(
      minutes(),
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000002',
      [],
    )[Symbol.asyncIterator]();
    const take = async () => {
      const next = await chunks.next();
      if (next.done) throw new Error('no more chunks');
      return next.value;
    };
    // The next chunk's memory is taken as a chunk is handed out: the first released is used by the third.
    const first = await take();
    first.release?.();
    const second = await take();
    const third = await take();
    // Compared as booleans: a failing comparison of two megabytes would take minutes to print.
    expect(second.bytes.buffer === first.bytes.buffer).toBe(false);
    expect(third.bytes.buffer === first.bytes.buffer).toBe(true);
    const fourth = await take();
    expect([first, second, third].some((chunk) => chunk.bytes.buffer === fourth.bytes.buffer)).toBe(false);
    expect(Buffer.from(third.bytes).toString('utf8')).toMatch(
      /^00000000-0000-4000-8000-000000000001\t105272-9\t/,
    );
  });
});
