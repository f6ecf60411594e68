import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bmiOf,
  type FindriscAgeBand,
  type FindriscInput,
  findrisc,
  findriscAgeBand,
  findriscContributions,
  findriscWhatIf,
} from './findrisc.ts';

const SOURCE = 'FINDRISC (Lindström & Tuomilehto, Diabetes Care 2003;26:725–731)';
const DUTCH_SOURCE = 'FINDRISC Dutch validation (Ned Tijdschr Geneeskd 2008;152:2418)';

/** Every answer at its zero-point value, so a test can change one thing and see only its points. */
const zeroPoints: FindriscInput = {
  ageBand: 'under_45',
  sex: 'male',
  bmi: 22,
  waistCm: 85,
  dailyActivity: true,
  dailyVegetables: true,
  bpMedication: false,
  highGlucose: false,
  familyHistory: 'none',
};

function scoreWith(change: Partial<FindriscInput>) {
  return findrisc({ ...zeroPoints, ...change });
}

describe(`${SOURCE}: age bands`, () => {
  it.each([
    [0, 'under_45'],
    [44.99, 'under_45'],
    [45, '45_54'],
    [54.99, '45_54'],
    [55, '55_64'],
    [64.99, '55_64'],
    [65, 'over_64'],
    [103, 'over_64'],
  ] as const)('age %s years falls in band %s', (age, band) => {
    expect(findriscAgeBand(age)).toBe(band);
  });

  it.each([
    ['under_45', 0],
    ['45_54', 2],
    ['55_64', 3],
    ['over_64', 4],
  ] as const)('band %s gives %i points', (ageBand, points) => {
    expect(scoreWith({ ageBand }).points.age).toBe(points);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses age %s', (age) => {
    expect(() => findriscAgeBand(age)).toThrow(RangeError);
  });
});

describe(`${SOURCE}: BMI`, () => {
  it.each([
    [24.99, 0],
    [25, 1],
    [30, 1],
    [30.01, 3],
  ])('BMI %s kg/m² gives %i points (25–30 inclusive at both ends)', (bmi, points) => {
    expect(scoreWith({ bmi }).points.bmi).toBe(points);
  });

  it('computes BMI from weight and height without rounding', () => {
    expect(bmiOf(70, 175)).toBe(70 / 1.75 ** 2);
    expect(bmiOf(90, 180)).toBeCloseTo(27.7778, 4);
  });

  it.each([
    [0, 175],
    [-70, 175],
    [70, 0],
    [Number.NaN, 175],
    [70, Number.POSITIVE_INFINITY],
  ])('refuses weight %s kg with height %s cm', (weight, height) => {
    expect(() => bmiOf(weight, height)).toThrow(RangeError);
  });
});

describe(`${SOURCE}: waist circumference`, () => {
  it.each([
    [93.9, 0],
    [94, 3],
    [102, 3],
    [102.1, 4],
  ])('a man with a waist of %s cm gets %i points', (waistCm, points) => {
    expect(scoreWith({ sex: 'male', waistCm }).points.waist).toBe(points);
  });

  it.each([
    [79.9, 0],
    [80, 3],
    [88, 3],
    [88.1, 4],
  ])('a woman with a waist of %s cm gets %i points', (waistCm, points) => {
    expect(scoreWith({ sex: 'female', waistCm }).points.waist).toBe(points);
  });

  it('uses the edges of the person’s own sex', () => {
    expect(scoreWith({ sex: 'male', waistCm: 90 }).points.waist).toBe(0);
    expect(scoreWith({ sex: 'female', waistCm: 90 }).points.waist).toBe(4);
  });
});

describe(`${SOURCE}: yes/no and family items`, () => {
  it('daily physical activity: yes 0, no 2', () => {
    expect(scoreWith({ dailyActivity: true }).points.activity).toBe(0);
    expect(scoreWith({ dailyActivity: false }).points.activity).toBe(2);
  });

  it('vegetables, fruit or berries every day: yes 0, no 1', () => {
    expect(scoreWith({ dailyVegetables: true }).points.diet).toBe(0);
    expect(scoreWith({ dailyVegetables: false }).points.diet).toBe(1);
  });

  it('regular blood-pressure medication: no 0, yes 2', () => {
    expect(scoreWith({ bpMedication: false }).points.bp_medication).toBe(0);
    expect(scoreWith({ bpMedication: true }).points.bp_medication).toBe(2);
  });

  it('high blood glucose ever found: no 0, yes 5', () => {
    expect(scoreWith({ highGlucose: false }).points.high_glucose).toBe(0);
    expect(scoreWith({ highGlucose: true }).points.high_glucose).toBe(5);
  });

  it.each([
    ['none', 0],
    ['second_degree', 3],
    ['first_degree', 5],
  ] as const)('family history %s gives %i points', (familyHistory, points) => {
    expect(scoreWith({ familyHistory }).points.family_history).toBe(points);
  });
});

describe(`${SOURCE}: totals, risk bands, ${DUTCH_SOURCE} and the Dutch self-test’s GP advice (≥ 9)`, () => {
  const maximum: FindriscInput = {
    ageBand: 'over_64',
    sex: 'female',
    bmi: 35,
    waistCm: 100,
    dailyActivity: false,
    dailyVegetables: false,
    bpMedication: true,
    highGlucose: true,
    familyHistory: 'first_degree',
  };
  const glucoseAndParent = { highGlucose: true, familyHistory: 'first_degree' } as const;
  /** One set of answers per total, built from the table so each total is reached on purpose. */
  const answersScoring: Record<number, Partial<FindriscInput>> = {
    0: {},
    6: { familyHistory: 'first_degree', dailyVegetables: false },
    7: { familyHistory: 'first_degree', dailyActivity: false },
    8: { highGlucose: true, ageBand: '55_64' },
    9: { highGlucose: true, ageBand: 'over_64' },
    10: glucoseAndParent,
    11: { ...glucoseAndParent, dailyVegetables: false },
    12: { ...glucoseAndParent, dailyActivity: false },
    14: { ...glucoseAndParent, ageBand: 'over_64' },
    15: { ...glucoseAndParent, ageBand: 'over_64', dailyVegetables: false },
    20: { ...glucoseAndParent, ageBand: 'over_64', waistCm: 110, bpMedication: true },
    21: { ...glucoseAndParent, ageBand: 'over_64', waistCm: 110, bpMedication: true, dailyVegetables: false },
    26: maximum,
  };

  it.each([
    [0, 'low', 1, 'low', false],
    [6, 'low', 1, 'low', false],
    [7, 'slightly_elevated', 4, 'slightly_raised', false],
    [8, 'slightly_elevated', 4, 'slightly_raised', false],
    [9, 'slightly_elevated', 4, 'slightly_raised', true],
    [10, 'slightly_elevated', 4, 'raised', true],
    [11, 'slightly_elevated', 4, 'raised', true],
    [12, 'moderate', 17, 'raised', true],
    [14, 'moderate', 17, 'raised', true],
    [15, 'high', 33, 'raised', true],
    [20, 'high', 33, 'raised', true],
    [21, 'very_high', 50, 'raised', true],
    [26, 'very_high', 50, 'raised', true],
  ] as const)(
    'a total of %i is %s (about %i in 100 within 10 years), Dutch %s, see the GP: %s',
    (score, category, risk, dutch, seeGp) => {
      const result = scoreWith(answersScoring[score] ?? {});
      expect(result.score).toBe(score);
      expect(result.category).toBe(category);
      expect(result.tenYearRiskPercent).toBe(risk);
      expect(result.dutchCategory).toBe(dutch);
      expect(result.seeGp).toBe(seeGp);
    },
  );
});

describe(`${SOURCE}: worked examples`, () => {
  it('a 58-year-old man, 180 cm and 90 kg, waist 99 cm, not active daily, a parent with diabetes: 14, moderate', () => {
    const result = findrisc({
      ageBand: findriscAgeBand(58),
      sex: 'male',
      bmi: bmiOf(90, 180),
      waistCm: 99,
      dailyActivity: false,
      dailyVegetables: true,
      bpMedication: false,
      highGlucose: false,
      familyHistory: 'first_degree',
    });
    expect(result.points).toEqual({
      age: 3,
      bmi: 1,
      waist: 3,
      activity: 2,
      diet: 0,
      bp_medication: 0,
      high_glucose: 0,
      family_history: 5,
    });
    expect(result).toMatchObject({
      score: 14,
      category: 'moderate',
      tenYearRiskPercent: 17,
      dutchCategory: 'raised',
      seeGp: true,
    });
  });

  it('a 67-year-old woman, 160 cm and 85 kg, waist 95 cm, inactive, no daily vegetables, on blood-pressure pills, an aunt with diabetes: 19, high', () => {
    const result = findrisc({
      ageBand: findriscAgeBand(67),
      sex: 'female',
      bmi: bmiOf(85, 160),
      waistCm: 95,
      dailyActivity: false,
      dailyVegetables: false,
      bpMedication: true,
      highGlucose: false,
      familyHistory: 'second_degree',
    });
    expect(result.points).toEqual({
      age: 4,
      bmi: 3,
      waist: 4,
      activity: 2,
      diet: 1,
      bp_medication: 2,
      high_glucose: 0,
      family_history: 3,
    });
    expect(result.score).toBe(19);
    expect(result.category).toBe('high');
    expect(result.tenYearRiskPercent).toBe(33);
  });

  it('a 40-year-old woman, 165 cm and 60 kg, waist 76 cm, active and eating vegetables daily: 0, low', () => {
    const result = findrisc({
      ...zeroPoints,
      ageBand: findriscAgeBand(40),
      sex: 'female',
      bmi: bmiOf(60, 165),
      waistCm: 76,
    });
    expect(result).toMatchObject({ score: 0, category: 'low', dutchCategory: 'low', seeGp: false });
  });
});

describe(`${SOURCE}: invalid answers`, () => {
  it.each([
    ['a BMI that is not a number', { bmi: Number.NaN }],
    ['a zero BMI', { bmi: 0 }],
    ['a negative waist', { waistCm: -80 }],
    ['an infinite waist', { waistCm: Number.POSITIVE_INFINITY }],
    ['an age band from another variant', { ageBand: '35_44' as FindriscAgeBand }],
    ['an unknown family answer', { familyHistory: 'cousin' as FindriscInput['familyHistory'] }],
    ['an unknown sex', { sex: 'x' as FindriscInput['sex'] }],
  ])('refuses %s', (_label, change) => {
    expect(() => scoreWith(change)).toThrow(RangeError);
  });
});

describe(`${SOURCE}: contributions and what-if`, () => {
  const example: FindriscInput = {
    ageBand: '55_64',
    sex: 'male',
    bmi: 27.8,
    waistCm: 99,
    dailyActivity: false,
    dailyVegetables: true,
    bpMedication: false,
    highGlucose: false,
    familyHistory: 'first_degree',
  };

  it('lists every factor, largest first, equal points in the form’s order', () => {
    const contributions = findriscContributions(findrisc(example));
    expect(contributions.map((c) => [c.factor, c.points])).toEqual([
      ['family_history', 5],
      ['age', 3],
      ['waist', 3],
      ['activity', 2],
      ['bmi', 1],
      ['diet', 0],
      ['bp_medication', 0],
      ['high_glucose', 0],
    ]);
  });

  it('gives each factor its maximum and marks BMI, waist, activity and diet as modifiable', () => {
    const byFactor = Object.fromEntries(findriscContributions(findrisc(example)).map((c) => [c.factor, c]));
    expect(byFactor.age).toMatchObject({ maxPoints: 4, modifiable: false });
    expect(byFactor.bmi).toMatchObject({ maxPoints: 3, modifiable: true });
    expect(byFactor.waist).toMatchObject({ maxPoints: 4, modifiable: true });
    expect(byFactor.activity).toMatchObject({ maxPoints: 2, modifiable: true });
    expect(byFactor.diet).toMatchObject({ maxPoints: 1, modifiable: true });
    expect(byFactor.bp_medication).toMatchObject({ maxPoints: 2, modifiable: false });
    expect(byFactor.high_glucose).toMatchObject({ maxPoints: 5, modifiable: false });
    expect(byFactor.family_history).toMatchObject({ maxPoints: 5, modifiable: false });
  });

  it('shows that a BMI under 25 and daily activity bring 14 down to 11', () => {
    const { before, after } = findriscWhatIf(example, { bmi: 24.5, dailyActivity: true });
    expect(before.score).toBe(14);
    expect(after.score).toBe(11);
    expect(after.category).toBe('slightly_elevated');
    expect(after.points.family_history).toBe(5);
  });

  it('treats a change given as undefined as no change', () => {
    const { before, after } = findriscWhatIf(example, { bmi: undefined, waistCm: undefined });
    expect(after).toEqual(before);
  });
});

const bmiArbitrary = fc.oneof(
  fc.constantFrom(24.99, 25, 30, 30.01),
  fc.double({ min: 12, max: 70, noNaN: true }),
);
const waistArbitrary = fc.oneof(
  fc.constantFrom(79.9, 80, 88, 88.1, 93.9, 94, 102, 102.1),
  fc.double({ min: 40, max: 200, noNaN: true }),
);
const inputArbitrary: fc.Arbitrary<FindriscInput> = fc.record({
  ageBand: fc.constantFrom('under_45', '45_54', '55_64', 'over_64'),
  sex: fc.constantFrom('male', 'female'),
  bmi: bmiArbitrary,
  waistCm: waistArbitrary,
  dailyActivity: fc.boolean(),
  dailyVegetables: fc.boolean(),
  bpMedication: fc.boolean(),
  highGlucose: fc.boolean(),
  familyHistory: fc.constantFrom('none', 'second_degree', 'first_degree'),
});

describe(`${SOURCE}: properties`, () => {
  it('the score is the sum of the points and lies within 0–26', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const result = findrisc(input);
        const sum = Object.values(result.points).reduce((total, points) => total + points, 0);
        expect(result.score).toBe(sum);
        expect(result.score).toBeGreaterThanOrEqual(0);
        expect(result.score).toBeLessThanOrEqual(26);
        expect(findriscContributions(result).reduce((total, c) => total + c.points, 0)).toBe(result.score);
      }),
    );
  });

  it('a what-if without a change equals the result before', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const { before, after } = findriscWhatIf(input, {});
        expect(after).toEqual(before);
        expect(before).toEqual(findrisc(input));
      }),
    );
  });

  it('improving a modifiable factor never raises the score', () => {
    const improvement = fc.record(
      {
        bmiDrop: fc.double({ min: 0, max: 11, noNaN: true }),
        waistDrop: fc.double({ min: 0, max: 39, noNaN: true }),
        startActivity: fc.boolean(),
        startVegetables: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        inputArbitrary,
        improvement,
        (input, { bmiDrop, waistDrop, startActivity, startVegetables }) => {
          const { before, after } = findriscWhatIf(input, {
            bmi: bmiDrop === undefined ? undefined : input.bmi - bmiDrop,
            waistCm: waistDrop === undefined ? undefined : input.waistCm - waistDrop,
            dailyActivity: startActivity ? true : undefined,
            dailyVegetables: startVegetables ? true : undefined,
          });
          expect(after.score).toBeLessThanOrEqual(before.score);
          for (const factor of ['bmi', 'waist', 'activity', 'diet'] as const) {
            expect(after.points[factor]).toBeLessThanOrEqual(before.points[factor]);
          }
        },
      ),
    );
  });
});
