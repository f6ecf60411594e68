/**
 * FINDRISC — the Finnish Diabetes Risk Score, standard 8-item form (0–26 points).
 *
 * Source: Lindström J, Tuomilehto J. The diabetes risk score: a practical tool to predict type 2 diabetes
 * risk. Diabetes Care 2003;26:725–731. The points and the five risk bands are those printed on the public
 * form; the Dutch cut-offs come from the Dutch validation (Ned Tijdschr Geneeskd 2008;152:2418).
 * Beware online variants with other age bands: they are not the original.
 */

export const FINDRISC_MODEL = {
  id: 'findrisc',
  version: '2003',
  source: 'Lindström J, Tuomilehto J. The diabetes risk score. Diabetes Care 2003;26:725–731',
} as const;

export type FindriscAgeBand = 'under_45' | '45_54' | '55_64' | 'over_64';
export type FamilyHistory = 'none' | 'second_degree' | 'first_degree';
export type Sex = 'male' | 'female';

export interface FindriscInput {
  ageBand: FindriscAgeBand;
  sex: Sex;
  /** kg/m², unrounded or as the caller rounded it; band edges apply to the value as given. */
  bmi: number;
  waistCm: number;
  /** At least 30 minutes of physical activity every day, at work or in free time. */
  dailyActivity: boolean;
  /** Vegetables, fruit or berries every day. */
  dailyVegetables: boolean;
  /** Ever taken medication for high blood pressure on a regular basis. */
  bpMedication: boolean;
  /** Ever found to have high blood glucose (health check, illness, pregnancy). */
  highGlucose: boolean;
  /** second_degree: grandparent, aunt, uncle, first cousin · first_degree: parent, brother, sister, child. */
  familyHistory: FamilyHistory;
}

export type FindriscFactor =
  | 'age'
  | 'bmi'
  | 'waist'
  | 'activity'
  | 'diet'
  | 'bp_medication'
  | 'high_glucose'
  | 'family_history';
export type FindriscCategory = 'low' | 'slightly_elevated' | 'moderate' | 'high' | 'very_high';
export type DutchCategory = 'low' | 'slightly_raised' | 'raised';

export interface FindriscResult {
  /** 0–26. */
  score: number;
  points: Record<FindriscFactor, number>;
  /** <7 low · 7–11 slightly elevated · 12–14 moderate · 15–20 high · >20 very high. */
  category: FindriscCategory;
  /** The form's approximations of the 10-year risk of type 2 diabetes: 1 · 4 · 17 · 33 · 50 %. */
  tenYearRiskPercent: number;
  /** Dutch validation (NTvG 2008): <7 low · 7–9 slightly raised · ≥10 raised. */
  dutchCategory: DutchCategory;
  /** The Dutch public self-test advises a GP visit from 9 points. */
  seeGp: boolean;
}

/** The order in which the form asks; also the tie-break order of {@link findriscContributions}. */
const FACTORS: readonly FindriscFactor[] = [
  'age',
  'bmi',
  'waist',
  'activity',
  'diet',
  'bp_medication',
  'high_glucose',
  'family_history',
];

const MAX_POINTS: Record<FindriscFactor, number> = {
  age: 4,
  bmi: 3,
  waist: 4,
  activity: 2,
  diet: 1,
  bp_medication: 2,
  high_glucose: 5,
  family_history: 5,
};

const AGE_POINTS: Record<FindriscAgeBand, number> = { under_45: 0, '45_54': 2, '55_64': 3, over_64: 4 };
const FAMILY_POINTS: Record<FamilyHistory, number> = { none: 0, second_degree: 3, first_degree: 5 };

/** Waist edges per sex: below `lower` 0 points, `lower`–`upper` inclusive 3, above `upper` 4. */
const WAIST_EDGES: Record<Sex, { lower: number; upper: number }> = {
  male: { lower: 94, upper: 102 },
  female: { lower: 80, upper: 88 },
};

const TEN_YEAR_RISK_PERCENT: Record<FindriscCategory, number> = {
  low: 1,
  slightly_elevated: 4,
  moderate: 17,
  high: 33,
  very_high: 50,
};

const GP_ADVICE_FROM = 9;

export const FINDRISC_MODIFIABLE: readonly FindriscFactor[] = ['bmi', 'waist', 'activity', 'diet'];

export interface Contribution {
  factor: FindriscFactor;
  points: number;
  maxPoints: number;
  modifiable: boolean;
}

export type FindriscChange = Partial<
  Pick<FindriscInput, 'bmi' | 'waistCm' | 'dailyActivity' | 'dailyVegetables'>
>;

// Answers reach us from questionnaires and JSON, so a value outside the union must fail loudly rather than
// add `undefined` (NaN) to the score.
function lookup<K extends string>(table: Record<K, number>, key: K, what: string): number {
  const points = Object.hasOwn(table, key) ? table[key] : undefined;
  if (points === undefined) throw new RangeError(`FINDRISC: unknown ${what} '${String(key)}'`);
  return points;
}

function requirePositive(value: number, what: string): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`FINDRISC: ${what} must be a positive number, got ${value}`);
  }
}

/**
 * The form's age band for an age in years. Fractions count as the completed year: 54.99 is still 45–54.
 * @throws RangeError for a negative or non-finite age.
 */
export function findriscAgeBand(ageYears: number): FindriscAgeBand {
  if (!Number.isFinite(ageYears) || ageYears < 0) {
    throw new RangeError(`FINDRISC: age must be a non-negative number of years, got ${ageYears}`);
  }
  if (ageYears < 45) return 'under_45';
  if (ageYears < 55) return '45_54';
  if (ageYears < 65) return '55_64';
  return 'over_64';
}

/**
 * Body-mass index in kg/m², not rounded: rounding is the caller's choice and may move a value across a
 * band edge (30.04 rounds to 30.0, which scores 1 point instead of 3).
 * @throws RangeError unless both weight and height are positive numbers.
 */
export function bmiOf(weightKg: number, heightCm: number): number {
  if (!Number.isFinite(weightKg) || weightKg <= 0) {
    throw new RangeError(`BMI: weight must be a positive number of kg, got ${weightKg}`);
  }
  if (!Number.isFinite(heightCm) || heightCm <= 0) {
    throw new RangeError(`BMI: height must be a positive number of cm, got ${heightCm}`);
  }
  const heightM = heightCm / 100;
  return weightKg / (heightM * heightM);
}

// The form prints "25–30 kg/m²" and ">30": the middle band is taken as inclusive at both ends (DOMAIN.md §2).
function bmiPoints(bmi: number): number {
  if (bmi < 25) return 0;
  if (bmi <= 30) return 1;
  return 3;
}

function waistPoints(waistCm: number, sex: Sex): number {
  const edges = WAIST_EDGES[sex];
  if (edges === undefined) throw new RangeError(`FINDRISC: unknown sex '${String(sex)}'`);
  if (waistCm < edges.lower) return 0;
  if (waistCm <= edges.upper) return 3;
  return 4;
}

function categoryOf(score: number): FindriscCategory {
  if (score < 7) return 'low';
  if (score <= 11) return 'slightly_elevated';
  if (score <= 14) return 'moderate';
  if (score <= 20) return 'high';
  return 'very_high';
}

function dutchCategoryOf(score: number): DutchCategory {
  if (score < 7) return 'low';
  if (score <= 9) return 'slightly_raised';
  return 'raised';
}

/**
 * Scores the FINDRISC form (Lindström & Tuomilehto 2003) and places the total in the original five bands,
 * the Dutch validation's three bands and the Dutch self-test's GP advice.
 * @throws RangeError for a non-positive or non-finite BMI or waist, or a value outside an answer list.
 */
export function findrisc(input: FindriscInput): FindriscResult {
  requirePositive(input.bmi, 'BMI');
  requirePositive(input.waistCm, 'waist');
  const points: Record<FindriscFactor, number> = {
    age: lookup(AGE_POINTS, input.ageBand, 'age band'),
    bmi: bmiPoints(input.bmi),
    waist: waistPoints(input.waistCm, input.sex),
    activity: input.dailyActivity ? 0 : 2,
    diet: input.dailyVegetables ? 0 : 1,
    bp_medication: input.bpMedication ? 2 : 0,
    high_glucose: input.highGlucose ? 5 : 0,
    family_history: lookup(FAMILY_POINTS, input.familyHistory, 'family history'),
  };
  const score = FACTORS.reduce((sum, factor) => sum + points[factor], 0);
  const category = categoryOf(score);
  return {
    score,
    points,
    category,
    tenYearRiskPercent: TEN_YEAR_RISK_PERCENT[category],
    dutchCategory: dutchCategoryOf(score),
    seeGp: score >= GP_ADVICE_FROM,
  };
}

/**
 * Every factor with its points and the most it can give, largest first; equal points keep the form's order.
 * Zero-point factors are included so a view can show what is already in good shape.
 */
export function findriscContributions(result: FindriscResult): Contribution[] {
  return FACTORS.map((factor) => ({
    factor,
    points: result.points[factor],
    maxPoints: MAX_POINTS[factor],
    modifiable: FINDRISC_MODIFIABLE.includes(factor),
  })).sort((a, b) => b.points - a.points);
}

/**
 * The score now and after a change to the modifiable answers. A key present with the value `undefined`
 * means "no change", like an absent key.
 */
export function findriscWhatIf(
  input: FindriscInput,
  change: FindriscChange,
): { before: FindriscResult; after: FindriscResult } {
  const changed: FindriscInput = { ...input };
  if (change.bmi !== undefined) changed.bmi = change.bmi;
  if (change.waistCm !== undefined) changed.waistCm = change.waistCm;
  if (change.dailyActivity !== undefined) changed.dailyActivity = change.dailyActivity;
  if (change.dailyVegetables !== undefined) changed.dailyVegetables = change.dailyVegetables;
  return { before: findrisc(input), after: findrisc(changed) };
}
