import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agp } from './agp.ts';
import type { GlucoseReading } from './readings.ts';

const SOURCE = 'Ambulatory Glucose Profile (Battelino, Diabetes Care 2019;42:1593)';
const MINUTE = 60_000;

describe(`${SOURCE}: percentiles per time of day`, () => {
  it('gives 96 bins of 15 min with type-7 percentiles', () => {
    // Five readings at 08:00–08:14 UTC on five days: 100…500 mg/dL.
    const readings = [100, 200, 300, 400, 500].map((mgdl, day) => ({
      time: Date.UTC(2024, 0, 1 + day, 8, day * 3),
      mgdl,
    }));
    const profile = agp(readings, { timeZone: 'UTC' });
    expect(profile.minutes).toHaveLength(96);
    expect(profile.minutes[32]).toBe(480);
    // Type 7: position (n − 1) × p = 0.2, 1, 2, 3, 3.8.
    expect(profile.p5[32]).toBeCloseTo(120, 10);
    expect(profile.p25[32]).toBe(200);
    expect(profile.p50[32]).toBe(300);
    expect(profile.p75[32]).toBe(400);
    expect(profile.p95[32]).toBeCloseTo(480, 10);
    expect(Number.isNaN(profile.p50[0])).toBe(true); // no readings at midnight
  });

  it('uses the bin width given', () => {
    const profile = agp([{ time: Date.UTC(2024, 0, 1, 23, 59), mgdl: 100 }], {
      timeZone: 'UTC',
      binMinutes: 60,
    });
    expect(profile.minutes).toHaveLength(24);
    expect(profile.p50[23]).toBe(100);
  });

  it.each([0, 7, 2.5, 2000])('refuses bin width %s', (binMinutes) => {
    expect(() => agp([{ time: 0, mgdl: 100 }], { binMinutes })).toThrow(RangeError);
  });

  it('refuses an unknown time zone', () => {
    expect(() => agp([{ time: 0, mgdl: 100 }], { timeZone: 'Mars/Olympus_Mons' })).toThrow(RangeError);
  });
});

describe(`${SOURCE}: local time of day across daylight saving changes (IANA time zones)`, () => {
  it('defaults to Europe/Amsterdam: 06:00 UTC in summer is 08:00', () => {
    const profile = agp([{ time: Date.UTC(2024, 6, 1, 6, 0), mgdl: 100 }]);
    expect(profile.p50[32]).toBe(100);
  });

  it('puts 08:00 Amsterdam in the 08:00 bin on both sides of the spring and autumn changes', () => {
    const readings: GlucoseReading[] = [
      { time: Date.UTC(2024, 2, 30, 7, 0), mgdl: 100 }, // Sat 30 Mar 08:00 CET
      { time: Date.UTC(2024, 2, 31, 6, 0), mgdl: 110 }, // Sun 31 Mar 08:00 CEST (change at 01:00 UTC)
      { time: Date.UTC(2024, 9, 26, 6, 0), mgdl: 120 }, // Sat 26 Oct 08:00 CEST
      { time: Date.UTC(2024, 9, 27, 7, 0), mgdl: 130 }, // Sun 27 Oct 08:00 CET (change at 01:00 UTC)
    ];
    const profile = agp(readings, { timeZone: 'Europe/Amsterdam' });
    expect(profile.p5[32]).toBeCloseTo(101.5, 10);
    expect(profile.p50[32]).toBe(115);
    expect(profile.minutes.filter((_, b) => !Number.isNaN(profile.p50[b]))).toEqual([480]);
  });

  it('finds a change that is not on a whole UTC hour (St. John’s, UTC−3:30, 10 Mar 2024 at 05:30 UTC)', () => {
    const profile = agp(
      [
        { time: Date.UTC(2024, 2, 10, 5, 29), mgdl: 100 }, // 01:59 NST
        { time: Date.UTC(2024, 2, 10, 5, 30), mgdl: 200 }, // 03:00 NDT
      ],
      { timeZone: 'America/St_Johns', binMinutes: 1 },
    );
    expect(profile.p50[119]).toBe(100);
    expect(profile.p50[180]).toBe(200);
  });

  it('orders the percentiles p5 ≤ p25 ≤ p50 ≤ p75 ≤ p95 in every bin', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            minutes: fc.integer({ min: 0, max: 20 * 1440 }),
            mgdl: fc.oneof(fc.integer({ min: 40, max: 400 }), fc.double({ min: 40, max: 400, noNaN: true })),
          }),
          { minLength: 1, maxLength: 400 },
        ),
        (points) => {
          const readings = points.map(({ minutes, mgdl }) => ({
            time: Date.UTC(2024, 9, 20) + minutes * MINUTE,
            mgdl,
          }));
          const profile = agp(readings);
          profile.minutes.forEach((_, b) => {
            const p = [
              profile.p5[b],
              profile.p25[b],
              profile.p50[b],
              profile.p75[b],
              profile.p95[b],
            ] as number[];
            if (p.every(Number.isNaN)) return;
            for (let i = 1; i < p.length; i++) expect(p[i - 1]).toBeLessThanOrEqual(p[i] as number);
          });
        },
      ),
    );
  });
});
