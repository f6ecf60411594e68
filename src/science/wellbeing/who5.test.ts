import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { who5 } from './who5.ts';

const SOURCE = 'WHO-5 Well-Being Index (Topp CW et al., Psychother Psychosom 2015;84:167–176)';

describe(`${SOURCE}: scoring`, () => {
  it('all of the time on every item is the maximum: raw 25, 100 %', () => {
    expect(who5([5, 5, 5, 5, 5])).toEqual({
      raw: 25,
      percentage: 100,
      poorWellbeing: false,
      likelyDepression: false,
    });
  });

  it('at no time on every item is the minimum: raw 0, 0 %', () => {
    expect(who5([0, 0, 0, 0, 0])).toEqual({
      raw: 0,
      percentage: 0,
      poorWellbeing: true,
      likelyDepression: true,
    });
  });

  it('sums the items and multiplies by 4: 3, 2, 4, 1, 3 is raw 13, 52 %', () => {
    expect(who5([3, 2, 4, 1, 3])).toMatchObject({ raw: 13, percentage: 52 });
  });
});

describe(`${SOURCE}: cut-offs`, () => {
  it.each([
    [[3, 3, 3, 3, 0], 12, true],
    [[3, 3, 3, 3, 1], 13, false],
  ])('poor well-being below raw 13: %j is raw %i → %s', (answers, raw, poor) => {
    const result = who5(answers);
    expect(result.raw).toBe(raw);
    expect(result.poorWellbeing).toBe(poor);
  });

  it.each([
    [[2, 2, 2, 1, 0], 28, true],
    [[2, 2, 2, 1, 1], 32, false],
  ])('likely depression at 28 % or less: %j is %i % → %s', (answers, percentage, likely) => {
    const result = who5(answers);
    expect(result.percentage).toBe(percentage);
    expect(result.likelyDepression).toBe(likely);
  });
});

describe(`${SOURCE}: answers`, () => {
  it.each([
    ['four answers', [1, 2, 3, 4]],
    ['six answers', [1, 2, 3, 4, 5, 0]],
    ['no answers', []],
    ['an answer above 5', [1, 2, 3, 4, 6]],
    ['a negative answer', [1, 2, 3, -1, 5]],
    ['a fraction', [1, 2, 2.5, 4, 5]],
    ['NaN', [1, 2, Number.NaN, 4, 5]],
  ])('refuses %s with a RangeError', (_label, answers) => {
    expect(() => who5(answers)).toThrow(RangeError);
  });

  it('raw is the sum, percentage raw × 4, and the flags follow the cut-offs for every valid answer set', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 5, maxLength: 5 }), (answers) => {
        const result = who5(answers);
        expect(result.raw).toBe(answers.reduce((sum, answer) => sum + answer, 0));
        expect(result.percentage).toBe(result.raw * 4);
        expect(result.poorWellbeing).toBe(result.raw < 13);
        expect(result.likelyDepression).toBe(result.percentage <= 28);
      }),
    );
  });
});
