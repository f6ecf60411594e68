/**
 * ADA/CDC diabetes risk test — the patient self-assessment score for undiagnosed diabetes (0–10 points).
 *
 * Source: Bang H, Edwards AM, Bomback AS, Ballantyne CM, Brillon D, Callahan MA, Teutsch SM, Mushlin AI,
 * Kern LM. Development and validation of a patient self-assessment score for diabetes risk.
 * Ann Intern Med 2009;151:775–783.
 *
 * BMI bands: DOMAIN.md §2 listed only "25–29 → 1" and asked to confirm the higher bands before use. They are
 * taken from the final score table in Bang 2009: <25 → 0, 25 to <30 → 1, 30 to <40 → 2, ≥40 → 3. The public
 * paper and web versions show the same bands as weight-for-height charts; the CDC web version also lowers
 * the cut-offs for Asian Americans, which is not part of Bang 2009 and is not applied here. Confirmed against
 * CDC, "How your test is scored" (cdc.gov/diabetes/widgets/risktest): its weight chart puts 5'5" (165 cm) at
 * 150–179 lb for 1 point, 180–239 lb for 2 and 240 lb+ for 3, i.e. BMI 25–29.9, 30–39.9 and ≥ 40.
 */

import type { Sex } from './findrisc.ts';

export const ADA_MODEL = {
  id: 'ada',
  version: '2009',
  source:
    'Bang H, Edwards AM, Bomback AS, et al. Development and validation of a patient self-assessment score for diabetes risk. Ann Intern Med 2009;151:775–783',
} as const;

export type AdaAgeBand = 'under_40' | '40_49' | '50_59' | '60_plus';

export interface AdaInput {
  ageBand: AdaAgeBand;
  sex: Sex;
  /** Ever had diabetes during a pregnancy; scored for women only. */
  gestationalDiabetes: boolean;
  parentOrSiblingWithDiabetes: boolean;
  /** Ever diagnosed with high blood pressure. */
  highBloodPressure: boolean;
  physicallyActive: boolean;
  /** kg/m²; band edges apply to the value as given. */
  bmi: number;
}

export type AdaFactor =
  | 'age'
  | 'sex'
  | 'gestational_diabetes'
  | 'family_history'
  | 'blood_pressure'
  | 'activity'
  | 'bmi';

export interface AdaResult {
  /** 0–10. */
  score: number;
  points: Record<AdaFactor, number>;
  /** Score ≥ 5: high risk of undiagnosed diabetes or prediabetes; advice to have a blood test. */
  highRisk: boolean;
}

const AGE_POINTS: Record<AdaAgeBand, number> = { under_40: 0, '40_49': 1, '50_59': 2, '60_plus': 3 };
const SEX_POINTS: Record<Sex, number> = { male: 1, female: 0 };
const HIGH_RISK_FROM = 5;

function lookup<K extends string>(table: Record<K, number>, key: K, what: string): number {
  const points = Object.hasOwn(table, key) ? table[key] : undefined;
  if (points === undefined) throw new RangeError(`ADA risk test: unknown ${what} '${String(key)}'`);
  return points;
}

function bmiPoints(bmi: number): number {
  if (bmi < 25) return 0;
  if (bmi < 30) return 1;
  if (bmi < 40) return 2;
  return 3;
}

/**
 * The test's age band for an age in years. Fractions count as the completed year: 49.99 is still 40–49.
 * @throws RangeError for a negative or non-finite age.
 */
export function adaAgeBand(ageYears: number): AdaAgeBand {
  if (!Number.isFinite(ageYears) || ageYears < 0) {
    throw new RangeError(`ADA risk test: age must be a non-negative number of years, got ${ageYears}`);
  }
  if (ageYears < 40) return 'under_40';
  if (ageYears < 50) return '40_49';
  if (ageYears < 60) return '50_59';
  return '60_plus';
}

/**
 * Scores the ADA/CDC risk test (Bang 2009).
 * @throws RangeError for a non-positive or non-finite BMI, or a value outside an answer list.
 */
export function adaRiskTest(input: AdaInput): AdaResult {
  if (!Number.isFinite(input.bmi) || input.bmi <= 0) {
    throw new RangeError(`ADA risk test: BMI must be a positive number, got ${input.bmi}`);
  }
  const points: Record<AdaFactor, number> = {
    age: lookup(AGE_POINTS, input.ageBand, 'age band'),
    sex: lookup(SEX_POINTS, input.sex, 'sex'),
    // The question is only asked of women; a stray "yes" for a man must not add a point.
    gestational_diabetes: input.sex === 'female' && input.gestationalDiabetes ? 1 : 0,
    family_history: input.parentOrSiblingWithDiabetes ? 1 : 0,
    blood_pressure: input.highBloodPressure ? 1 : 0,
    activity: input.physicallyActive ? 0 : 1,
    bmi: bmiPoints(input.bmi),
  };
  const score = Object.values(points).reduce((sum, value) => sum + value, 0);
  return { score, points, highRisk: score >= HIGH_RISK_FROM };
}
