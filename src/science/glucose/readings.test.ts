import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectIntervalMinutes, type GlucoseReading, sortReadings, toRegularGrid } from './readings.ts';

const SOURCE = 'Regular grid (DOMAIN.md §3, after iglu CGMS2DayByDay, Broll et al. 2021)';
const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);

const at = (minutes: number, mgdl: number): GlucoseReading => ({ time: T0 + minutes * MINUTE, mgdl });

describe(`${SOURCE}: sorting and repeated times`, () => {
  it('sorts by time and keeps the first reading of a repeated time, in input order', () => {
    const { times, mgdl } = sortReadings([at(10, 3), at(0, 1), at(5, 2), at(0, 9), at(10, 8)]);
    expect(Array.from(times)).toEqual([T0, T0 + 5 * MINUTE, T0 + 10 * MINUTE]);
    expect(Array.from(mgdl)).toEqual([1, 2, 3]);
  });

  it('keeps the first of repeated times in already sorted input too', () => {
    const { mgdl } = sortReadings([at(0, 1), at(0, 2), at(5, 3), at(5, 4)]);
    expect(Array.from(mgdl)).toEqual([1, 3]);
  });

  it.each([[[]], [[null]], [[{ time: T0 }]], [[{ time: 'today', mgdl: 100 }]]])('refuses %o', (readings) => {
    expect(() => sortReadings(readings as unknown as GlucoseReading[])).toThrow(RangeError);
  });
  it('takes parallel arrays as it takes objects, and leaves them as they were', () => {
    const readings = [at(10, 3), at(0, 1), at(5, 2), at(0, 9), at(10, 8)];
    const arrays = {
      times: Float64Array.from(readings, (r) => r.time),
      mgdl: Float64Array.from(readings, (r) => r.mgdl),
    };
    const before = { times: Array.from(arrays.times), mgdl: Array.from(arrays.mgdl) };
    expect(sortReadings(arrays)).toEqual(sortReadings(readings));
    expect({ times: Array.from(arrays.times), mgdl: Array.from(arrays.mgdl) }).toEqual(before);
  });

  it.each([
    ['different lengths', { times: Float64Array.of(T0, T0 + MINUTE), mgdl: Float64Array.of(100) }],
    ['no readings', { times: new Float64Array(0), mgdl: new Float64Array(0) }],
    ['a time that is not finite', { times: Float64Array.of(Number.NaN), mgdl: Float64Array.of(100) }],
    ['a value of zero', { times: Float64Array.of(T0), mgdl: Float64Array.of(0) }],
  ])('refuses arrays with %s', (_, arrays) => {
    expect(() => sortReadings(arrays)).toThrow(RangeError);
  });
});

describe(`${SOURCE}: sampling interval = median step snapped to 1, 5 or 15 min`, () => {
  const steps = (list: number[]) => {
    let minutes = 0;
    const readings = [at(0, 100)];
    for (const step of list) {
      minutes += step;
      readings.push(at(minutes, 100));
    }
    return sortReadings(readings);
  };

  it.each([
    [[5, 5, 5, 5], 5],
    [[4.9, 5.1, 5, 60, 5], 5],
    [[1, 1, 1, 2, 1], 1],
    [[15, 15, 14, 16, 30], 15],
    [[15, 15, 1, 15, 1], 15], // a Libre history with two scans in between
    [[9.9, 9.9, 9.9], 5],
    [[10, 10, 10], 15],
    [[2.9, 2.9, 2.9], 1],
    [[3, 3, 3], 5],
  ])('steps %j → %i min', (list, interval) => {
    expect(detectIntervalMinutes(steps(list))).toBe(interval);
  });

  it('gives a single reading 5 min', () => {
    expect(detectIntervalMinutes(sortReadings([at(0, 100)]))).toBe(5);
  });
});

describe(`${SOURCE}: linear interpolation, never across a gap > 45 min`, () => {
  it('starts at the first reading and interpolates between readings', () => {
    const grid = toRegularGrid([at(0, 100), at(10, 120), at(20, 100)], 5);
    expect(grid.start).toBe(T0);
    expect(grid.intervalMinutes).toBe(5);
    expect(Array.from(grid.values)).toEqual([100, 110, 120, 110, 100]);
  });

  it('interpolates across exactly 45 min but not across 50 min', () => {
    const bridged = toRegularGrid([at(0, 100), at(45, 145)], 5).values;
    expect(Array.from(bridged)).toEqual([100, 105, 110, 115, 120, 125, 130, 135, 140, 145]);
    const gap = toRegularGrid([at(0, 100), at(50, 150), at(55, 155)], 5).values;
    expect(gap[0]).toBe(100);
    expect(Array.from(gap.subarray(1, 10)).every(Number.isNaN)).toBe(true);
    expect(Array.from(gap.subarray(10))).toEqual([150, 155]);
  });

  it('lands between readings whose times are not on the grid', () => {
    const grid = toRegularGrid([at(0, 100), at(4.5, 109), at(10.5, 121)], 5).values;
    expect(grid[1]).toBeCloseTo(110, 10);
    expect(grid[2]).toBeCloseTo(120, 10);
  });

  it('honours a custom maximum gap', () => {
    expect(Number.isNaN(toRegularGrid([at(0, 100), at(30, 130)], 5, 20).values[1])).toBe(true);
    expect(toRegularGrid([at(0, 100), at(30, 130)], 5, 30).values[1]).toBe(105);
  });

  it.each([
    [0, 45],
    [7, 45],
    [60, 45],
    [15, 10],
    [5, 0],
    [5, Number.NaN],
  ])('refuses interval %s with maximum gap %s', (interval, maxGap) => {
    expect(() => toRegularGrid([at(0, 100)], interval, maxGap)).toThrow(RangeError);
  });

  it('refuses a span that would need a grid of more than 5 million points', () => {
    expect(() => toRegularGrid([at(0, 100), at(20 * 365 * 1440, 100)], 1)).toThrow(RangeError);
  });

  it('keeps every reading that lies on the grid and stays within the range of its neighbours', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ step: fc.integer({ min: 1, max: 12 }), mgdl: fc.integer({ min: 40, max: 400 }) }),
          {
            minLength: 1,
            maxLength: 200,
          },
        ),
        (points) => {
          let minutes = 0;
          const readings = points.map(({ step, mgdl }) => {
            minutes += step * 5;
            return at(minutes, mgdl);
          });
          const grid = toRegularGrid(readings, 5);
          for (const reading of readings) {
            const k = (reading.time - grid.start) / (5 * MINUTE);
            expect(grid.values[k]).toBe(reading.mgdl);
          }
          for (const value of grid.values) {
            if (Number.isNaN(value)) continue;
            expect(value).toBeGreaterThanOrEqual(40);
            expect(value).toBeLessThanOrEqual(400);
          }
        },
      ),
    );
  });
});
