import { describe, expect, it } from 'vitest';
import type { GlucoseGrid } from './readings.ts';
import { conga, mage, modd } from './variability.ts';

const MAGE_SOURCE = 'MAGE, moving-average method (Fernandes et al., J Diabetes Sci Technol 2022;16:576)';
const CONGA_SOURCE = 'CONGA (McDonnell et al., Diabetes Technol Ther 2005;7:253)';
const MODD_SOURCE = 'MODD (Molnar et al., Diabetologia 1972;8:342)';

const grid = (values: ArrayLike<number>, intervalMinutes = 5): GlucoseGrid => ({
  start: Date.UTC(2024, 0, 1),
  intervalMinutes,
  values: Float64Array.from(values),
});

/** A triangle wave between `low` and `high` with a period of `periodHours`, sampled every `step` minutes. */
function triangle(hours: number, low: number, high: number, periodHours = 6, step = 5): number[] {
  const points = (hours * 60) / step + 1;
  const period = (periodHours * 60) / step;
  return Array.from({ length: points }, (_, k) => {
    const phase = (k % period) / period;
    return phase <= 0.5 ? low + (high - low) * 2 * phase : high - (high - low) * 2 * (phase - 0.5);
  });
}

const nan = (count: number) => Array.from({ length: count }, () => Number.NaN);

describe(`${MAGE_SOURCE}: hand-checkable traces`, () => {
  it('is the amplitude of a regular wave, in every direction', () => {
    const wave = grid(triangle(24, 100, 200));
    for (const direction of ['service', 'plus', 'minus', 'avg', 'max'] as const) {
      expect(mage(wave, { direction })).toBeCloseTo(100, 6);
    }
  });

  it('rescales the windows for a 15-min grid and gives the same amplitude', () => {
    expect(mage(grid(triangle(24, 100, 200, 6, 15), 15))).toBeCloseTo(100, 6);
  });

  it('ignores wiggles smaller than one SD', () => {
    // Add ±5 mg/dL zig-zag on the 100-mg/dL wave; the SD stays near 29, so the wiggles do not count.
    const noisy = triangle(24, 100, 200).map((v, k) => v + (k % 2 === 0 ? 5 : -5));
    const value = mage(grid(noisy)) as number;
    expect(value).toBeGreaterThan(100);
    expect(value).toBeLessThanOrEqual(110);
  });

  it('splits at gaps > 180 min and weighs each segment by its length', () => {
    // 12 h of amplitude 100, a 4-h gap, 6 h of amplitude 50: (100 × 720 + 50 × 360) / 1080 min.
    const values = [...triangle(12, 100, 200), ...nan(47), ...triangle(6, 100, 150)];
    expect(mage(grid(values))).toBeCloseTo((100 * 720 + 50 * 360) / 1080, 6);
  });

  it('keeps a trace with a gap of exactly 180 min as one segment', () => {
    const values = [...triangle(12, 100, 200), ...nan(36), ...triangle(12, 100, 200)];
    expect(mage(grid(values))).toBeCloseTo(100, 6);
    // One segment: with maxGapMinutes 170 the same trace splits, with the same amplitude per segment.
    expect(mage(grid(values), { maxGapMinutes: 170 })).toBeCloseTo(100, 6);
  });

  it('is null for a flat trace, a trace shorter than the long window, or all-missing values', () => {
    expect(mage(grid(Array(300).fill(120)))).toBeNull();
    expect(mage(grid(triangle(2, 100, 200, 1)))).toBeNull(); // 25 points < 32
    expect(mage(grid(nan(100)))).toBeNull();
  });

  it.each([
    [{ direction: 'up' as never }],
    [{ shortWindow: 0 }],
    [{ shortWindow: 32, longWindow: 32 }],
    [{ longWindow: 2.5 }],
    [{ maxGapMinutes: 0 }],
  ])('refuses options %o', (options) => {
    expect(() => mage(grid(triangle(24, 100, 200)), options)).toThrow(RangeError);
  });
});

describe(`${CONGA_SOURCE}: SD of the differences n hours apart`, () => {
  it('is 0 on a straight line', () => {
    expect(conga(grid(Array.from({ length: 100 }, (_, k) => 100 + k)))).toBe(0);
  });

  it('is 20 × √(48/47) for hour blocks alternating between 100 and 120 mg/dL', () => {
    // 5 blocks of 12 points: 48 differences an hour apart, half +20, half −20, mean 0.
    const values = Array.from({ length: 60 }, (_, k) => (Math.floor(k / 12) % 2 === 0 ? 100 : 120));
    expect(conga(grid(values))).toBeCloseTo(20 * Math.sqrt(48 / 47), 10);
    expect(conga(grid(values), 2)).toBe(0); // two hours apart the blocks match
  });

  it('skips pairs with a missing value and is null with fewer than two pairs', () => {
    expect(conga(grid([100, ...nan(11), 110, 120]))).toBeNull();
    expect(conga(grid(Array(12).fill(100)))).toBeNull();
  });

  it('refuses a lag that is not a whole number of grid steps', () => {
    expect(() => conga(grid(Array(100).fill(100)), 0.3)).toThrow(RangeError);
    expect(() => conga(grid(Array(100).fill(100)), 0)).toThrow(RangeError);
  });
});

describe(`${MODD_SOURCE}: mean absolute difference 24 h apart`, () => {
  it('is 30 when the second day runs 30 mg/dL above the first, also with missing values', () => {
    const day = (mgdl: number) => Array.from({ length: 288 }, () => mgdl);
    expect(modd(grid([...day(100), ...day(130)]))).toBe(30);
    const gapped = [...day(100), ...day(130)];
    gapped.splice(300, 20, ...nan(20));
    expect(modd(grid(gapped))).toBe(30);
  });

  it('is null with less than a day of data', () => {
    expect(modd(grid(Array(288).fill(100)))).toBeNull();
  });
});
