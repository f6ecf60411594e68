import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AdaInput, adaAgeBand, adaRiskTest } from './ada.ts';

const SOURCE = 'ADA/CDC diabetes risk test (Bang H et al., Ann Intern Med 2009;151:775–783)';

/** Every answer at its zero-point value, so a test can change one thing and see only its points. */
const zeroPoints: AdaInput = {
  ageBand: 'under_40',
  sex: 'female',
  gestationalDiabetes: false,
  parentOrSiblingWithDiabetes: false,
  highBloodPressure: false,
  physicallyActive: true,
  bmi: 22,
};

function scoreWith(change: Partial<AdaInput>) {
  return adaRiskTest({ ...zeroPoints, ...change });
}

describe(`${SOURCE}: age bands`, () => {
  it.each([
    [0, 'under_40'],
    [39.99, 'under_40'],
    [40, '40_49'],
    [49.99, '40_49'],
    [50, '50_59'],
    [59.99, '50_59'],
    [60, '60_plus'],
    [95, '60_plus'],
  ] as const)('age %s years falls in band %s', (age, band) => {
    expect(adaAgeBand(age)).toBe(band);
  });

  it.each([
    ['under_40', 0],
    ['40_49', 1],
    ['50_59', 2],
    ['60_plus', 3],
  ] as const)('band %s gives %i points', (ageBand, points) => {
    expect(scoreWith({ ageBand }).points.age).toBe(points);
  });

  it.each([-0.5, Number.NaN])('refuses age %s', (age) => {
    expect(() => adaAgeBand(age)).toThrow(RangeError);
  });
});

describe(`${SOURCE}: BMI bands of the final score`, () => {
  it.each([
    [24.99, 0],
    [25, 1],
    [29.99, 1],
    [30, 2],
    [39.99, 2],
    [40, 3],
  ])('BMI %s kg/m² gives %i points', (bmi, points) => {
    expect(scoreWith({ bmi }).points.bmi).toBe(points);
  });

  it.each([0, -25, Number.NaN, Number.POSITIVE_INFINITY])('refuses BMI %s', (bmi) => {
    expect(() => scoreWith({ bmi })).toThrow(RangeError);
  });
});

describe(`${SOURCE}: yes/no items`, () => {
  it('a man gets 1 point, a woman 0', () => {
    expect(scoreWith({ sex: 'male' }).points.sex).toBe(1);
    expect(scoreWith({ sex: 'female' }).points.sex).toBe(0);
  });

  it('gestational diabetes gives a woman 1 point and counts only for women', () => {
    expect(scoreWith({ sex: 'female', gestationalDiabetes: true }).points.gestational_diabetes).toBe(1);
    expect(scoreWith({ sex: 'female', gestationalDiabetes: false }).points.gestational_diabetes).toBe(0);
    expect(scoreWith({ sex: 'male', gestationalDiabetes: true }).points.gestational_diabetes).toBe(0);
  });

  it('a parent or sibling with diabetes gives 1 point', () => {
    expect(scoreWith({ parentOrSiblingWithDiabetes: true }).points.family_history).toBe(1);
    expect(scoreWith({ parentOrSiblingWithDiabetes: false }).points.family_history).toBe(0);
  });

  it('high blood pressure gives 1 point', () => {
    expect(scoreWith({ highBloodPressure: true }).points.blood_pressure).toBe(1);
    expect(scoreWith({ highBloodPressure: false }).points.blood_pressure).toBe(0);
  });

  it('not being physically active gives 1 point', () => {
    expect(scoreWith({ physicallyActive: false }).points.activity).toBe(1);
    expect(scoreWith({ physicallyActive: true }).points.activity).toBe(0);
  });

  it.each([
    ['an age band from another test', { ageBand: '65_plus' as AdaInput['ageBand'] }],
    ['an unknown sex', { sex: 'x' as AdaInput['sex'] }],
  ])('refuses %s', (_label, change) => {
    expect(() => scoreWith(change)).toThrow(RangeError);
  });
});

describe(`${SOURCE}: totals and the high-risk cut-off (≥ 5)`, () => {
  const womanAtMost: Partial<AdaInput> = {
    ageBand: '60_plus',
    gestationalDiabetes: true,
    parentOrSiblingWithDiabetes: true,
    highBloodPressure: true,
    physicallyActive: false,
    bmi: 42,
  };

  // The minimum, both sides of the cut-off, and the maximum for each sex (a man cannot score gestational
  // diabetes, so both reach 10).
  it.each([
    ['nothing', 0, false, {}],
    [
      'age 50–59, a man, high blood pressure',
      4,
      false,
      { ageBand: '50_59', sex: 'male', highBloodPressure: true },
    ],
    [
      'age 50–59, a man, high blood pressure, inactive',
      5,
      true,
      { ageBand: '50_59', sex: 'male', highBloodPressure: true, physicallyActive: false },
    ],
    ['every risk answer for a woman', 10, true, womanAtMost],
    ['every risk answer for a man', 10, true, { ...womanAtMost, sex: 'male', gestationalDiabetes: false }],
  ] as const)('%s scores %i, high risk: %s', (_label, score, highRisk, change) => {
    const result = scoreWith(change);
    expect(result.score).toBe(score);
    expect(result.highRisk).toBe(highRisk);
  });

  it('worked example: a 52-year-old inactive man with high blood pressure and a BMI of 31 scores 7, high risk', () => {
    const result = adaRiskTest({
      ageBand: adaAgeBand(52),
      sex: 'male',
      gestationalDiabetes: false,
      parentOrSiblingWithDiabetes: false,
      highBloodPressure: true,
      physicallyActive: false,
      bmi: 31,
    });
    expect(result.points).toEqual({
      age: 2,
      sex: 1,
      gestational_diabetes: 0,
      family_history: 0,
      blood_pressure: 1,
      activity: 1,
      bmi: 2,
    });
    expect(result).toMatchObject({ score: 7, highRisk: true });
  });

  it('worked example: a 45-year-old active woman with a sister with diabetes and a BMI of 26 scores 3, not high risk', () => {
    const result = scoreWith({ ageBand: adaAgeBand(45), parentOrSiblingWithDiabetes: true, bmi: 26 });
    expect(result).toMatchObject({ score: 3, highRisk: false });
  });
});

const inputArbitrary: fc.Arbitrary<AdaInput> = fc.record({
  ageBand: fc.constantFrom('under_40', '40_49', '50_59', '60_plus'),
  sex: fc.constantFrom('male', 'female'),
  gestationalDiabetes: fc.boolean(),
  parentOrSiblingWithDiabetes: fc.boolean(),
  highBloodPressure: fc.boolean(),
  physicallyActive: fc.boolean(),
  bmi: fc.oneof(
    fc.constantFrom(24.99, 25, 29.99, 30, 39.99, 40),
    fc.double({ min: 12, max: 70, noNaN: true }),
  ),
});

describe(`${SOURCE}: properties`, () => {
  it('the score is the sum of the points, lies within 0–10, and is high risk exactly from 5', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const result = adaRiskTest(input);
        const sum = Object.values(result.points).reduce((total, points) => total + points, 0);
        expect(result.score).toBe(sum);
        expect(result.score).toBeGreaterThanOrEqual(0);
        expect(result.score).toBeLessThanOrEqual(10);
        expect(result.highRisk).toBe(result.score >= 5);
      }),
    );
  });

  it('becoming physically active or losing weight never raises the score', () => {
    fc.assert(
      fc.property(inputArbitrary, fc.double({ min: 0, max: 11, noNaN: true }), (input, bmiDrop) => {
        const before = adaRiskTest(input).score;
        expect(adaRiskTest({ ...input, physicallyActive: true }).score).toBeLessThanOrEqual(before);
        expect(adaRiskTest({ ...input, bmi: input.bmi - bmiDrop }).score).toBeLessThanOrEqual(before);
      }),
    );
  });
});
