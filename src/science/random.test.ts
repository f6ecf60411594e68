import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from './random.ts';

function draws(random: { next(): number }, count: number): number[] {
  return Array.from({ length: count }, () => random.next());
}

describe('seeded random streams (SFC32)', () => {
  it('gives the same sequence for the same seed and different ones for different seeds', () => {
    expect(draws(createRandom(42), 20)).toEqual(draws(createRandom(42), 20));
    expect(draws(createRandom('demo'), 20)).toEqual(draws(createRandom('demo'), 20));
    expect(draws(createRandom(42), 20)).not.toEqual(draws(createRandom(43), 20));
    expect(draws(createRandom('42'), 5)).not.toEqual(draws(createRandom(42), 5));
  });

  it('derives the stream of an item from its index alone, whatever was drawn before', () => {
    const root = createRandom(7);
    const direct = draws(root.derive('citizen', 123_456), 10);
    const other = createRandom(7);
    draws(other, 1_000);
    other.derive('citizen', 1);
    expect(draws(other.derive('citizen', 123_456), 10)).toEqual(direct);
    expect(draws(root.derive('citizen', 123_457), 10)).not.toEqual(direct);
    expect(draws(root.derive('citizen', 123_456 + 2 ** 32), 10)).not.toEqual(direct);
    expect(draws(root.derive('cgm', 123_456), 10)).not.toEqual(direct);
  });

  it('keeps uniform numbers in [0, 1) with the mean and variance of a uniform distribution', () => {
    const values = draws(createRandom(1), 200_000);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
    // Standard error of the mean: sqrt(1/12 / 200,000) ≈ 0.00065; 5 SE of slack.
    expect(mean).toBeCloseTo(0.5, 2);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
    // Ten equal bins each hold about a tenth (chi-square with 9 df stays under 27.9 at p = 0.001).
    const bins = new Array<number>(10).fill(0);
    for (const v of values) bins[Math.floor(v * 10)] = (bins[Math.floor(v * 10)] as number) + 1;
    const expected = values.length / 10;
    const chiSquare = bins.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(27.9);
  });

  it('draws normal numbers with the asked mean and standard deviation', () => {
    const random = createRandom('normal');
    const values = Array.from({ length: 100_000 }, () => random.normal(100, 15));
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean - 100)).toBeLessThan(0.25);
    expect(Math.abs(sd - 15)).toBeLessThan(0.25);
    // About 68.3 % within one standard deviation.
    const within = values.filter((v) => Math.abs(v - 100) < 15).length / values.length;
    expect(within).toBeGreaterThan(0.678);
    expect(within).toBeLessThan(0.688);
  });

  it('draws weighted indexes in proportion to their weights and never a zero weight', () => {
    const random = createRandom(3);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) {
      const index = random.weighted([1, 0, 3, 6]);
      counts[index] = (counts[index] as number) + 1;
    }
    expect(counts[1]).toBe(0);
    expect((counts[0] as number) / 100_000).toBeCloseTo(0.1, 1);
    expect((counts[2] as number) / 100_000).toBeCloseTo(0.3, 1);
    expect((counts[3] as number) / 100_000).toBeCloseTo(0.6, 1);
    expect(() => random.weighted([0, 0])).toThrow(RangeError);
    expect(() => random.pick([])).toThrow(RangeError);
  });

  it('keeps integers within their bounds, both included', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.nat(50), (seed, min, span) => {
        const random = createRandom(seed);
        const seen = new Set<number>();
        for (let i = 0; i < 200; i++) {
          const value = random.int(min, min + span);
          expect(Number.isInteger(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(min);
          expect(value).toBeLessThanOrEqual(min + span);
          seen.add(value);
        }
        if (span <= 3) expect(seen.size).toBe(span + 1);
      }),
    );
    expect(() => createRandom(1).int(3, 2)).toThrow(RangeError);
    expect(() => createRandom(Number.NaN)).toThrow(RangeError);
  });
});
