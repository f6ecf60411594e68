/**
 * The population model's equations, and the constants fitted once so that the published marginals of
 * tables.ts hold. Fitting is deterministic arithmetic, with no random numbers. It integrates over every
 * single age, both sexes, every education level and a grid over the BMI distribution:
 * - education: level multipliers fitted by iterative proportional fitting, so that the age gradient
 *   keeps the adult marginal;
 * - BMI: the log-normal's intercept and spread, fitted to the adult overweight and obesity shares;
 * - waist: the intercept per sex, fitted to abdominal obesity at ages 30–69;
 * - activity and vegetables: logistic intercepts, fitted to the adult shares;
 * - diabetes: one scale per single age and sex, so that base × relative risk averages to the age–sex
 *   prevalence;
 * - prediabetes: the same, among those without diabetes.
 * Sexes are weighted 50/50 in the fit. Each municipality's own split is used when drawing.
 */

import type { EducationLevel, FamilyHistory } from './model.ts';
import { EDUCATION_LEVELS } from './model.ts';
import {
  ABDOMINAL_OBESITY,
  ACTIVITY_LOG_ODDS,
  ADULT_ACTIVITY_SHARE,
  ADULT_DAILY_VEGETABLES_SHARE,
  ADULT_FROM_AGE,
  ADULT_OBESITY_SHARE,
  ADULT_OVERWEIGHT_SHARE,
  AGE_BAND_SHARE_PERCENT,
  BMI_AGE_PROFILE,
  BMI_BOUNDS,
  BMI_EDUCATION_LOG_STEP,
  BMI_FEMALE_LOG_SHIFT,
  BMI_FEMALE_SD_FACTOR,
  DIABETES_PROBABILITY_CAP,
  DIABETES_RISK,
  DIAGNOSED_DIABETES_PER_1000,
  DIAGNOSED_SHARE_OF_DIABETES,
  EDUCATION_ADULT_FROM_AGE,
  EDUCATION_AGE_GRADIENT_PER_DECADE,
  EDUCATION_NOT_GIVEN_SHARE,
  EDUCATION_SHARE_PERCENT,
  EDUCATION_UNDER_18,
  FAMILY_HISTORY_SHARE,
  MINIMUM_AGE,
  OLDEST_AGE,
  PREDIABETES_LOG_PER_BMI,
  PREDIABETES_PROBABILITY_CAP,
  PREDIABETES_SHARE_BY_AGE,
  SHARE_OF_15_19_AGED_16_PLUS,
  VEGETABLES_LOG_ODDS,
  WAIST,
} from './tables.ts';

export type SexIndex = 0 | 1; // 0 male, 1 female
export const AGE_COUNT = OLDEST_AGE - MINIMUM_AGE + 1;
/** Education outcomes in drawing order: the six levels, then "not given" (null). */
export const EDUCATION_OUTCOMES: readonly (EducationLevel | null)[] = [...EDUCATION_LEVELS, null];
export const FAMILY_OUTCOMES: readonly FamilyHistory[] = ['none', 'second_degree', 'first_degree'];

// ─── Numerics ─────────────────────────────────────────────────────────────────────────────────────────

/** Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** The standard normal distribution function. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

export const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/** Solves f(x) = target for a non-decreasing f on [lo, hi] by bisection. */
function solve(f: (x: number) => number, target: number, lo: number, hi: number, iterations = 60): number {
  let a = lo;
  let b = hi;
  for (let i = 0; i < iterations; i++) {
    const mid = (a + b) / 2;
    if (f(mid) < target) a = mid;
    else b = mid;
  }
  return (a + b) / 2;
}

/**
 * Grid over the standard normal, −5…5 in steps of 0.25, weights ∝ φ(z), summing to 1. The trapezoidal rule
 * on a Gaussian weight is very accurate for smooth integrands; the mass beyond ±5 is below 1e-6.
 */
const Z_GRID: { z: Float64Array; w: Float64Array } = (() => {
  const n = 41;
  const z = new Float64Array(n);
  const w = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    z[i] = -5 + 0.25 * i;
    w[i] = Math.exp(-0.5 * (z[i] as number) ** 2);
    total += w[i] as number;
  }
  for (let i = 0; i < n; i++) w[i] = (w[i] as number) / total;
  return { z, w };
})();

/** Piecewise-linear interpolation in a list of [x, y] knots; flat outside them. */
function interpolate(knots: readonly (readonly [number, number])[], x: number): number {
  const first = knots[0] as readonly [number, number];
  if (x <= first[0]) return first[1];
  for (let i = 1; i < knots.length; i++) {
    const [x1, y1] = knots[i] as readonly [number, number];
    if (x <= x1) {
      const [x0, y0] = knots[i - 1] as readonly [number, number];
      return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return (knots[knots.length - 1] as readonly [number, number])[1];
}

/** The value of a step table `[fromAge, value]` (ascending) at an age. */
export function stepAt(table: readonly (readonly [number, number])[], age: number): number {
  let value = (table[0] as readonly [number, number])[1];
  for (const [from, v] of table) if (age >= from) value = v;
  return value;
}

// ─── The model's equations, shared by the fit and the draw ────────────────────────────────────────────

const EDUCATION_RANK_MEAN =
  EDUCATION_LEVELS.reduce((sum, level, rank) => sum + rank * EDUCATION_SHARE_PERCENT[level], 0) / 100;

/** The education rank 0–5 minus the adult mean; 0 for "not given". */
export function educationStep(outcome: number): number {
  return outcome < EDUCATION_LEVELS.length ? outcome - EDUCATION_RANK_MEAN : 0;
}

const BMI_LOG_PROFILE = new Float64Array(AGE_COUNT).map((_, i) =>
  interpolate(BMI_AGE_PROFILE, MINIMUM_AGE + i),
);

export function bmiLogMean(c: Calibration, age: number, sex: SexIndex, education: number): number {
  return (
    c.bmiLogIntercept +
    (BMI_LOG_PROFILE[age - MINIMUM_AGE] as number) +
    (sex === 1 ? BMI_FEMALE_LOG_SHIFT : 0) +
    BMI_EDUCATION_LOG_STEP * educationStep(education)
  );
}

export const bmiLogSd = (c: Calibration, sex: SexIndex) =>
  c.bmiLogSd * (sex === 1 ? BMI_FEMALE_SD_FACTOR : 1);
export const clampBmi = (bmi: number) => Math.min(BMI_BOUNDS.max, Math.max(BMI_BOUNDS.min, bmi));

const WAIST_BY_SEX = [WAIST.male, WAIST.female] as const;
const WAIST_CUT = [ABDOMINAL_OBESITY.male.waistFromCm, ABDOMINAL_OBESITY.female.waistFromCm] as const;

/** The waist at which a person counts as abdominally obese (cm). */
export const waistCut = (sex: SexIndex) => WAIST_CUT[sex];
/** Mean waist (cm) for a BMI, sex and age; the draw adds normal noise with `waistSd`. */
export function waistMean(c: Calibration, sex: SexIndex, bmi: number, age: number): number {
  const w = WAIST_BY_SEX[sex];
  return c.waistIntercept[sex] + w.perBmi * bmi + w.perYear * (age - 50);
}
export const waistSd = (sex: SexIndex) => WAIST_BY_SEX[sex].sdCm;

/**
 * P(waist rounded to whole cm ≥ cut | BMI, age): the rounded waist reaches the cut from cut − 0.5
 * upwards.
 */
function abdominalProbability(c: Calibration, sex: SexIndex, bmi: number, age: number): number {
  return 1 - normalCdf((waistCut(sex) - 0.5 - waistMean(c, sex, bmi, age)) / waistSd(sex));
}

export const activityLogit = (c: Calibration, bmi: number, age: number) =>
  c.activityIntercept + ACTIVITY_LOG_ODDS.perBmi * (bmi - 25) + ACTIVITY_LOG_ODDS.perYear * (age - 50);

export const vegetablesLogit = (c: Calibration, sex: SexIndex, education: number, age: number) =>
  c.vegetablesIntercept +
  (sex === 1 ? VEGETABLES_LOG_ODDS.female : 0) +
  VEGETABLES_LOG_ODDS.perEducationStep * educationStep(education) +
  (VEGETABLES_LOG_ODDS.perDecade * (age - 50)) / 10;

const FAMILY_RISK = FAMILY_OUTCOMES.map((f) => DIABETES_RISK.family[f]);
export const FAMILY_WEIGHTS = FAMILY_OUTCOMES.map((f) => FAMILY_HISTORY_SHARE[f]);

/** Relative risk of diabetes within an age–sex group. */
export function diabetesRelativeRisk(bmi: number, abdominal: boolean, family: number): number {
  return (
    Math.exp(DIABETES_RISK.logPerBmi * (bmi - 25)) *
    (abdominal ? DIABETES_RISK.abdominalObesity : 1) *
    (FAMILY_RISK[family] as number)
  );
}

export const prediabetesRelativeRisk = (bmi: number) => Math.exp(PREDIABETES_LOG_PER_BMI * (bmi - 25));

/** Total (diagnosed + undiagnosed) diabetes prevalence of an age and sex. */
export function totalDiabetesPrevalence(age: number, sex: SexIndex): number {
  const band = DIAGNOSED_DIABETES_PER_1000.find((b) => age >= b.from && age <= b.to);
  if (!band) throw new RangeError(`population: no diabetes prevalence for age ${age}`);
  return (sex === 0 ? band.men : band.women) / 1000 / DIAGNOSED_SHARE_OF_DIABETES;
}

// ─── The fitted constants ─────────────────────────────────────────────────────────────────────────────

export interface Calibration {
  /** Cumulative age weights over ages 16…95 (last entry 1). */
  ageCumulative: Float64Array;
  /** Per age (index age − 16): cumulative probabilities of EDUCATION_OUTCOMES. */
  educationCumulative: Float64Array[];
  bmiLogIntercept: number;
  /** The men's sd of log-BMI; women's is × BMI_FEMALE_SD_FACTOR. */
  bmiLogSd: number;
  waistIntercept: [number, number];
  activityIntercept: number;
  vegetablesIntercept: number;
  /** P(diabetes) = min(cap, diabetesScale[(age − 16) × 2 + sex] × relative risk). */
  diabetesScale: Float64Array;
}

function ageWeights(): Float64Array {
  const weights = new Float64Array(AGE_COUNT);
  for (const band of AGE_BAND_SHARE_PERCENT) {
    if (band.from === 85) {
      // "85+": weights falling linearly to zero just after OLDEST_AGE (assumption in tables.ts).
      let total = 0;
      for (let age = band.from; age <= band.to; age++) total += OLDEST_AGE + 1 - age;
      for (let age = band.from; age <= band.to; age++) {
        weights[age - MINIMUM_AGE] = (band.percent * (OLDEST_AGE + 1 - age)) / total;
      }
      continue;
    }
    const perYear = band.percent / (band.to - band.from + 1);
    for (let age = Math.max(band.from, MINIMUM_AGE); age <= band.to; age++)
      weights[age - MINIMUM_AGE] = perYear;
  }
  // The 15–19 band: 16–19 are 4/5 of it, each year equally (SHARE_OF_15_19_AGED_16_PLUS).
  const teen = AGE_BAND_SHARE_PERCENT[0] as { from: number; to: number; percent: number };
  for (let age = MINIMUM_AGE; age <= teen.to; age++) {
    weights[age - MINIMUM_AGE] = (teen.percent * SHARE_OF_15_19_AGED_16_PLUS) / (teen.to - MINIMUM_AGE + 1);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/** Education probabilities (EDUCATION_OUTCOMES order) per age, the adult marginal kept exactly. */
function educationByAge(weights: Float64Array, notGivenShare: number): Float64Array[] {
  const levels = EDUCATION_LEVELS.length;
  const targets = EDUCATION_LEVELS.map((level) => EDUCATION_SHARE_PERCENT[level] / 100);
  let adultWeight = 0;
  let meanAge = 0;
  for (let i = 0; i < AGE_COUNT; i++) {
    if (MINIMUM_AGE + i < EDUCATION_ADULT_FROM_AGE) continue;
    adultWeight += weights[i] as number;
    meanAge += (weights[i] as number) * (MINIMUM_AGE + i);
  }
  meanAge /= adultWeight;
  const tilt = (age: number, rank: number) =>
    Math.exp((EDUCATION_AGE_GRADIENT_PER_DECADE * (age - meanAge) * (rank - EDUCATION_RANK_MEAN)) / 10);
  const multipliers = [...targets];
  const shareAt = (age: number) => {
    const raw = multipliers.map((m, rank) => m * tilt(age, rank));
    const sum = raw.reduce((a, b) => a + b, 0);
    return raw.map((r) => r / sum);
  };
  // Iterative proportional fitting of the level multipliers to the adult marginal.
  for (let iteration = 0; iteration < 500; iteration++) {
    const marginal = new Array<number>(levels).fill(0);
    for (let i = 0; i < AGE_COUNT; i++) {
      const age = MINIMUM_AGE + i;
      if (age < EDUCATION_ADULT_FROM_AGE) continue;
      const share = shareAt(age);
      for (let k = 0; k < levels; k++)
        marginal[k] = (marginal[k] as number) + ((weights[i] as number) * (share[k] as number)) / adultWeight;
    }
    for (let k = 0; k < levels; k++)
      multipliers[k] = (multipliers[k] as number) * ((targets[k] as number) / (marginal[k] as number));
  }
  const result: Float64Array[] = [];
  for (let i = 0; i < AGE_COUNT; i++) {
    const age = MINIMUM_AGE + i;
    const probabilities = new Float64Array(levels + 1);
    if (age < EDUCATION_ADULT_FROM_AGE) {
      for (const { level, share } of EDUCATION_UNDER_18) {
        const k = level === null ? levels : EDUCATION_LEVELS.indexOf(level);
        probabilities[k] = (probabilities[k] as number) + share;
      }
    } else {
      const share = shareAt(age);
      for (let k = 0; k < levels; k++) probabilities[k] = (share[k] as number) * (1 - notGivenShare);
      probabilities[levels] = notGivenShare;
    }
    result.push(probabilities);
  }
  return result;
}

function cumulative(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] as number;
    out[i] = sum;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / sum;
  out[out.length - 1] = 1;
  return out;
}

/** One (age, sex, education) group of the fit with its population weight. */
interface Cell {
  age: number;
  sex: SexIndex;
  education: number;
  weight: number;
}

/** The fitted constants, with the risk points of every age and sex for the prediabetes fit. */
interface Fit {
  c: Calibration;
  /** Per (age − 16) × 2 + sex: the risk points of that age and sex. */
  points: RiskPoints[];
}

function calibrate(): Fit {
  const weights = ageWeights();
  const education = educationByAge(weights, EDUCATION_NOT_GIVEN_SHARE);
  const cells: Cell[] = [];
  for (let i = 0; i < AGE_COUNT; i++) {
    for (const sex of [0, 1] as const) {
      const probabilities = education[i] as Float64Array;
      for (let e = 0; e < probabilities.length; e++) {
        const p = probabilities[e] as number;
        if (p > 0)
          cells.push({ age: MINIMUM_AGE + i, sex, education: e, weight: ((weights[i] as number) * p) / 2 });
      }
    }
  }
  const adults = cells.filter((cell) => cell.age >= ADULT_FROM_AGE);
  const adultWeight = adults.reduce((sum, cell) => sum + cell.weight, 0);

  const c: Calibration = {
    ageCumulative: cumulative(weights),
    educationCumulative: education.map(cumulative),
    bmiLogIntercept: 0,
    bmiLogSd: 0,
    waistIntercept: [0, 0],
    activityIntercept: 0,
    vegetablesIntercept: 0,
    diabetesScale: new Float64Array(AGE_COUNT * 2),
  };

  // BMI: for a spread, the intercept that gives 50 % overweight; then the spread that gives 16 % obese.
  const adultShareAbove = (threshold: number) => {
    let sum = 0;
    for (const cell of adults) {
      const mean = bmiLogMean(c, cell.age, cell.sex, cell.education);
      sum += cell.weight * (1 - normalCdf((Math.log(threshold) - mean) / bmiLogSd(c, cell.sex)));
    }
    return sum / adultWeight;
  };
  const fitIntercept = (sd: number) => {
    c.bmiLogSd = sd;
    c.bmiLogIntercept = solve(
      (a) => {
        c.bmiLogIntercept = a;
        return adultShareAbove(25);
      },
      ADULT_OVERWEIGHT_SHARE,
      2.5,
      4,
      36,
    );
  };
  c.bmiLogSd = solve(
    (sd) => {
      fitIntercept(sd);
      return adultShareAbove(30);
    },
    ADULT_OBESITY_SHARE,
    0.05,
    0.4,
    32,
  );
  fitIntercept(c.bmiLogSd);

  // The BMI grid of each cell: clamped BMI values with their probabilities.
  const bmiGrid = (cell: Cell) => {
    const mean = bmiLogMean(c, cell.age, cell.sex, cell.education);
    const sd = bmiLogSd(c, cell.sex);
    return Array.from(Z_GRID.z, (z) => clampBmi(Math.exp(mean + sd * z)));
  };
  const grids = new Map<Cell, number[]>(cells.map((cell) => [cell, bmiGrid(cell)]));
  const gridOf = (cell: Cell) => grids.get(cell) as number[];

  // Waist: the intercept per sex that gives the published abdominal obesity at ages 30–69.
  for (const sex of [0, 1] as const) {
    const group = cells.filter(
      (cell) =>
        cell.sex === sex && cell.age >= ABDOMINAL_OBESITY.fromAge && cell.age <= ABDOMINAL_OBESITY.toAge,
    );
    const groupWeight = group.reduce((sum, cell) => sum + cell.weight, 0);
    const target = sex === 0 ? ABDOMINAL_OBESITY.male.share : ABDOMINAL_OBESITY.female.share;
    c.waistIntercept[sex] = solve(
      (intercept) => {
        c.waistIntercept[sex] = intercept;
        let sum = 0;
        for (const cell of group) {
          const grid = gridOf(cell);
          for (let j = 0; j < grid.length; j++) {
            sum +=
              cell.weight *
              (Z_GRID.w[j] as number) *
              abdominalProbability(c, sex, grid[j] as number, cell.age);
          }
        }
        return sum / groupWeight;
      },
      target,
      -100,
      100,
      40,
    );
  }

  // Activity and vegetables: logistic intercepts fitted to the adult shares.
  c.activityIntercept = solve(
    (intercept) => {
      c.activityIntercept = intercept;
      let sum = 0;
      for (const cell of adults) {
        const grid = gridOf(cell);
        for (let j = 0; j < grid.length; j++) {
          sum +=
            cell.weight * (Z_GRID.w[j] as number) * logistic(activityLogit(c, grid[j] as number, cell.age));
        }
      }
      return sum / adultWeight;
    },
    ADULT_ACTIVITY_SHARE,
    -10,
    10,
    40,
  );
  c.vegetablesIntercept = solve(
    (intercept) => {
      c.vegetablesIntercept = intercept;
      let sum = 0;
      for (const cell of adults)
        sum += cell.weight * logistic(vegetablesLogit(c, cell.sex, cell.education, cell.age));
      return sum / adultWeight;
    },
    ADULT_DAILY_VEGETABLES_SHARE,
    -10,
    10,
  );

  // Diabetes: per single age and sex, the scale at which min(cap, scale × RR) averages to the prevalence.
  // Without the cap the scale is prevalence / mean RR; the cap can only raise it.
  const points: RiskPoints[] = [];
  for (let i = 0; i < AGE_COUNT; i++) {
    for (const sex of [0, 1] as const) {
      const group = riskPoints(c, cells, gridOf, MINIMUM_AGE + i, sex);
      points.push(group);
      const target = totalDiabetesPrevalence(MINIMUM_AGE + i, sex);
      let meanRisk = 0;
      for (let p = 0; p < group.weight.length; p++)
        meanRisk += (group.weight[p] as number) * (group.diabetesRisk[p] as number);
      const uncapped = target / meanRisk;
      c.diabetesScale[i * 2 + sex] = solve(
        (scale) => {
          let sum = 0;
          for (let p = 0; p < group.weight.length; p++) {
            sum +=
              (group.weight[p] as number) *
              Math.min(DIABETES_PROBABILITY_CAP, scale * (group.diabetesRisk[p] as number));
          }
          return sum;
        },
        target,
        uncapped,
        uncapped * 20,
        45,
      );
    }
  }
  return { c, points };
}

/** Every combination of education, BMI grid point, abdominal obesity and family history of an age and sex. */
interface RiskPoints {
  weight: Float64Array;
  diabetesRisk: Float64Array;
  prediabetesRisk: Float64Array;
}

function riskPoints(
  c: Calibration,
  cells: readonly Cell[],
  gridOf: (cell: Cell) => number[],
  age: number,
  sex: SexIndex,
): RiskPoints {
  const group = cells.filter((cell) => cell.age === age && cell.sex === sex);
  const groupWeight = group.reduce((sum, cell) => sum + cell.weight, 0);
  const weight: number[] = [];
  const diabetesRisk: number[] = [];
  const prediabetesRisk: number[] = [];
  for (const cell of group) {
    const grid = gridOf(cell);
    for (let j = 0; j < grid.length; j++) {
      const bmi = grid[j] as number;
      const pAbdominal = abdominalProbability(c, sex, bmi, age);
      for (const abdominal of [false, true]) {
        for (let f = 0; f < FAMILY_OUTCOMES.length; f++) {
          weight.push(
            (cell.weight / groupWeight) *
              (Z_GRID.w[j] as number) *
              (abdominal ? pAbdominal : 1 - pAbdominal) *
              (FAMILY_WEIGHTS[f] as number),
          );
          diabetesRisk.push(diabetesRelativeRisk(bmi, abdominal, f));
          prediabetesRisk.push(prediabetesRelativeRisk(bmi));
        }
      }
    }
  }
  return {
    weight: Float64Array.from(weight),
    diabetesRisk: Float64Array.from(diabetesRisk),
    prediabetesRisk: Float64Array.from(prediabetesRisk),
  };
}

/**
 * Prediabetes scales per single age and sex (index (age − 16) × 2 + sex): P(prediabetes | no diabetes) =
 * min(cap, scale × RR(BMI)), so that the share of the whole age group with prediabetes is the table's.
 */
function calibratePrediabetes(
  { c, points }: Fit,
  table: readonly (readonly [number, number])[],
): Float64Array {
  const scales = new Float64Array(AGE_COUNT * 2);
  for (let i = 0; i < AGE_COUNT; i++) {
    const share = stepAt(table, MINIMUM_AGE + i);
    for (const sex of [0, 1] as const) {
      const group = points[i * 2 + sex] as RiskPoints;
      const diabetesScale = c.diabetesScale[i * 2 + sex] as number;
      // The weight of each point without diabetes.
      const free = Float64Array.from(
        group.weight,
        (w, p) =>
          w * (1 - Math.min(DIABETES_PROBABILITY_CAP, diabetesScale * (group.diabetesRisk[p] as number))),
      );
      scales[i * 2 + sex] = solve(
        (scale) => {
          let sum = 0;
          for (let p = 0; p < free.length; p++) {
            sum +=
              (free[p] as number) *
              Math.min(PREDIABETES_PROBABILITY_CAP, scale * (group.prediabetesRisk[p] as number));
          }
          return sum;
        },
        share,
        0,
        50,
        45,
      );
    }
  }
  return scales;
}

let fit: Fit | undefined;
const prediabetes = new Map<string, Float64Array>();
const prediabetesByTable = new WeakMap<object, Float64Array>();

function fitted(): Fit {
  if (!fit) fit = calibrate();
  return fit;
}

/** The fitted constants, computed on first use (a few hundred milliseconds) and kept. */
export function calibration(): Calibration {
  return fitted().c;
}

/**
 * The prediabetes scales for a share table `[fromAge, share]` (ascending, the first from age 16 or lower),
 * computed once per distinct table.
 * @throws RangeError for a table that is not ascending, starts after 16 or has a share outside [0, 1).
 */
export function prediabetesScales(table: readonly (readonly [number, number])[] = PREDIABETES_SHARE_BY_AGE) {
  // Looked up by identity first: a run passes the same table for every citizen.
  let scales = prediabetesByTable.get(table);
  if (!scales) {
    const key = JSON.stringify(table);
    scales = prediabetes.get(key);
    if (!scales) {
      validateShareTable(table);
      scales = calibratePrediabetes(fitted(), table);
      prediabetes.set(key, scales);
    }
    prediabetesByTable.set(table, scales);
  }
  return scales;
}

function validateShareTable(table: readonly (readonly [number, number])[]): void {
  const first = table[0];
  if (!first || first[0] > MINIMUM_AGE) {
    throw new RangeError(`population: the prediabetes table must start at age ${MINIMUM_AGE} or lower`);
  }
  for (let i = 0; i < table.length; i++) {
    const [from, share] = table[i] as readonly [number, number];
    if (!Number.isFinite(from) || (i > 0 && from <= (table[i - 1] as readonly [number, number])[0])) {
      throw new RangeError('population: the prediabetes table must be in ascending order of age');
    }
    if (!(share >= 0 && share < 1))
      throw new RangeError(`population: prediabetes share ${share} is outside [0, 1)`);
  }
}
