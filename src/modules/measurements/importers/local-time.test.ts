import { describe, expect, it } from 'vitest';
import {
  checkTimeZone,
  createLocalTimeResolver,
  isValidWallClock,
  resolveLocalTime,
  type WallClock,
} from './local-time.ts';
import { ImportFileError } from './types.ts';

const AMSTERDAM = 'Europe/Amsterdam';

const wall = (text: string): WallClock => {
  const [date = '', time = ''] = text.split(' ');
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute, second = 0] = time.split(':').map(Number) as [number, number, number?];
  return { year, month, day, hour, minute, second };
};
const iso = (time: number) => new Date(time).toISOString();

describe('resolveLocalTime in Europe/Amsterdam', () => {
  it('reads winter time as UTC+1 and summer time as UTC+2', () => {
    expect(resolveLocalTime(wall('2026-02-10 08:15'), AMSTERDAM)).toEqual({
      time: Date.parse('2026-02-10T07:15:00Z'),
      utcOffsetMinutes: 60,
    });
    expect(resolveLocalTime(wall('2026-07-01 12:00:30'), AMSTERDAM)).toEqual({
      time: Date.parse('2026-07-01T10:00:30Z'),
      utcOffsetMinutes: 120,
    });
  });

  describe('the start of summer time, 29 March 2026: 02:00 becomes 03:00', () => {
    it('keeps the minute before the gap in winter time and 03:00 in summer time, one minute apart', () => {
      const before = resolveLocalTime(wall('2026-03-29 01:59'), AMSTERDAM);
      const after = resolveLocalTime(wall('2026-03-29 03:00'), AMSTERDAM);
      expect(iso(before.time)).toBe('2026-03-29T00:59:00.000Z');
      expect(before.utcOffsetMinutes).toBe(60);
      expect(iso(after.time)).toBe('2026-03-29T01:00:00.000Z');
      expect(after.utcOffsetMinutes).toBe(120);
    });

    it('moves a time in the missing hour forward by the gap: 02:30 is read as 03:30 summer time', () => {
      const inGap = resolveLocalTime(wall('2026-03-29 02:30'), AMSTERDAM);
      expect(iso(inGap.time)).toBe('2026-03-29T01:30:00.000Z');
      expect(inGap.utcOffsetMinutes).toBe(120);
      expect(inGap).toEqual(resolveLocalTime(wall('2026-03-29 03:30'), AMSTERDAM));
      expect(createLocalTimeResolver(AMSTERDAM).resolve(wall('2026-03-29 02:00'))).toEqual({
        time: Date.parse('2026-03-29T01:00:00Z'),
        utcOffsetMinutes: 120,
      });
    });
  });

  describe('the end of summer time, 25 October 2026: 03:00 becomes 02:00', () => {
    it('takes the first occurrence (summer time) of a repeated time on its own', () => {
      const repeated = resolveLocalTime(wall('2026-10-25 02:30'), AMSTERDAM);
      expect(iso(repeated.time)).toBe('2026-10-25T00:30:00.000Z');
      expect(repeated.utcOffsetMinutes).toBe(120);
      const after = resolveLocalTime(wall('2026-10-25 03:00'), AMSTERDAM);
      expect(iso(after.time)).toBe('2026-10-25T02:00:00.000Z');
      expect(after.utcOffsetMinutes).toBe(60);
    });

    it('places a stream that goes 02:55 → 02:00 in winter time the second time round', () => {
      const resolver = createLocalTimeResolver(AMSTERDAM);
      const walls = ['01:55', '02:00', '02:30', '02:55', '02:00', '02:30', '02:55', '03:00'].map((time) =>
        wall(`2026-10-25 ${time}`),
      );
      const resolved = walls.map((w) => resolver.resolve(w));
      expect(resolved.map((r) => iso(r.time))).toEqual([
        '2026-10-24T23:55:00.000Z',
        '2026-10-25T00:00:00.000Z',
        '2026-10-25T00:30:00.000Z',
        '2026-10-25T00:55:00.000Z',
        '2026-10-25T01:00:00.000Z',
        '2026-10-25T01:30:00.000Z',
        '2026-10-25T01:55:00.000Z',
        '2026-10-25T02:00:00.000Z',
      ]);
      expect(resolved.map((r) => r.utcOffsetMinutes)).toEqual([120, 120, 120, 120, 60, 60, 60, 60]);
    });

    it('gives every reading of a 5-minute stream through the night its own instant, 5 minutes apart', () => {
      const resolver = createLocalTimeResolver(AMSTERDAM);
      const times: number[] = [];
      for (const hour of [1, 2, 2, 3]) {
        for (let minute = 0; minute < 60; minute += 5) {
          times.push(resolver.resolve({ year: 2026, month: 10, day: 25, hour, minute, second: 0 }).time);
        }
      }
      const steps = new Set(times.slice(1).map((time, i) => time - (times[i] as number)));
      expect([...steps]).toEqual([5 * 60_000]);
    });

    it('does not carry a reading from days later into the repeated hour (rows out of order)', () => {
      const resolver = createLocalTimeResolver(AMSTERDAM);
      resolver.resolve(wall('2026-10-28 10:00'));
      expect(iso(resolver.resolve(wall('2026-10-25 02:30')).time)).toBe('2026-10-25T00:30:00.000Z');
    });
  });
});

describe('other zones', () => {
  it('uses the one fixed offset of a zone without daylight saving time all year', () => {
    for (const date of ['2026-01-15 09:00', '2026-03-29 02:30', '2026-10-25 02:30', '2026-07-01 09:00']) {
      const resolved = resolveLocalTime(wall(date), 'Asia/Kolkata');
      expect(resolved.utcOffsetMinutes).toBe(330);
      expect(resolved.time).toBe(Date.parse(`${date.replace(' ', 'T')}:00+05:30`));
    }
    expect(resolveLocalTime(wall('2026-03-29 02:30'), 'UTC').time).toBe(Date.parse('2026-03-29T02:30:00Z'));
  });

  it('follows another zone its own transitions (New York, 8 March 2026 02:00 → 03:00)', () => {
    const resolved = resolveLocalTime(wall('2026-03-08 02:30'), 'America/New_York');
    expect(iso(resolved.time)).toBe('2026-03-08T07:30:00.000Z');
    expect(resolved.utcOffsetMinutes).toBe(-240);
  });

  it('refuses an unknown zone with a clear ImportFileError', () => {
    const attempt = () => resolveLocalTime(wall('2026-02-10 08:15'), 'Europe/Atlantis');
    expect(attempt).toThrow(ImportFileError);
    expect(attempt).toThrow(
      "Unknown time zone 'Europe/Atlantis': use an IANA name such as Europe/Amsterdam.",
    );
    expect(() => createLocalTimeResolver('')).toThrow(ImportFileError);
    try {
      checkTimeZone('Not/AZone');
    } catch (error) {
      expect((error as ImportFileError).code).toBe('unknown_time_zone');
    }
    expect.assertions(4);
  });
});

describe('isValidWallClock', () => {
  it('accepts real dates, 29 February of a leap year included, and refuses the rest', () => {
    expect(isValidWallClock(wall('2024-02-29 23:59:59'))).toBe(true);
    expect(isValidWallClock(wall('2026-02-29 08:00'))).toBe(false);
    expect(isValidWallClock(wall('2026-04-31 08:00'))).toBe(false);
    expect(isValidWallClock(wall('2026-01-01 24:00'))).toBe(false);
    expect(isValidWallClock(wall('2026-13-01 08:00'))).toBe(false);
    expect(isValidWallClock(wall('0099-01-01 08:00'))).toBe(false);
  });

  it('makes the resolver throw a RangeError for an impossible date (importers check first)', () => {
    expect(() => resolveLocalTime(wall('2026-02-30 08:00'), AMSTERDAM)).toThrow(RangeError);
  });
});

describe('speed', () => {
  it('resolves a year of 1-minute readings (525,600) in well under a second', () => {
    const walls: WallClock[] = [];
    const start = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 525_600; i++) {
      const d = new Date(start + i * 60_000);
      walls.push({
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
        second: 0,
      });
    }
    const resolver = createLocalTimeResolver('Europe/Berlin');
    const times = new Float64Array(walls.length);
    const began = performance.now();
    for (let i = 0; i < walls.length; i++) times[i] = resolver.resolve(walls[i] as WallClock).time;
    const elapsed = performance.now() - began;
    // The missing hour in March lands on the hour after it: those 60 instants occur twice, no others do.
    expect(walls.length - new Set(times).size).toBe(60);
    expect(elapsed).toBeLessThan(1000);
  });
});
