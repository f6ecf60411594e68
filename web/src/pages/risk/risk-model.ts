// The science the server scores with (pure, browser-safe): the what-if here computes exactly as it does.
import {
  type FindriscAgeBand,
  type FindriscInput,
  type FindriscResult,
  findrisc,
} from '../../../../src/science/index.ts';
import type { Score } from '../../api-types.ts';

export {
  bmiOf,
  type FindriscChange,
  findriscContributions,
  findriscWhatIf,
} from '../../../../src/science/index.ts';

const AGE_BANDS: readonly FindriscAgeBand[] = ['under_45', '45_54', '55_64', 'over_64'];
const FAMILY = ['none', 'second_degree', 'first_degree'] as const;
const CATEGORIES = ['low', 'slightly_elevated', 'moderate', 'high', 'very_high'] as const;
const DUTCH_CATEGORIES = ['low', 'slightly_raised', 'raised'] as const;

const isIn = <T extends string>(list: readonly T[], value: unknown): value is T =>
  list.some((entry) => entry === value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A stored FINDRISC result with the answers it came from, checked at the boundary. */
export interface FindriscScore {
  score: Score;
  input: FindriscInput;
  /** Height and weight as answered (kept for the what-if); null when missing. */
  heightCm: number | null;
  weightKg: number | null;
  result: FindriscResult;
}

function readInput(input: Record<string, unknown>): FindriscInput | null {
  const {
    ageBand,
    sex,
    bmi,
    waistCm,
    dailyActivity,
    dailyVegetables,
    bpMedication,
    highGlucose,
    familyHistory,
  } = input;
  if (
    !isIn(AGE_BANDS, ageBand) ||
    (sex !== 'male' && sex !== 'female') ||
    !isNumber(bmi) ||
    !isNumber(waistCm) ||
    typeof dailyActivity !== 'boolean' ||
    typeof dailyVegetables !== 'boolean' ||
    typeof bpMedication !== 'boolean' ||
    typeof highGlucose !== 'boolean' ||
    !isIn(FAMILY, familyHistory)
  ) {
    return null;
  }
  return {
    ageBand,
    sex,
    bmi,
    waistCm,
    dailyActivity,
    dailyVegetables,
    bpMedication,
    highGlucose,
    familyHistory,
  };
}

function isResult(value: unknown): value is FindriscResult {
  return (
    isRecord(value) &&
    isNumber(value.score) &&
    isRecord(value.points) &&
    isIn(CATEGORIES, value.category) &&
    isNumber(value.tenYearRiskPercent) &&
    isIn(DUTCH_CATEGORIES, value.dutchCategory) &&
    typeof value.seeGp === 'boolean'
  );
}

/** A FINDRISC score as the report needs it, or null when its stored answers are not what this version reads. */
export function readFindrisc(score: Score): FindriscScore | null {
  if (score.model !== 'findrisc') return null;
  const input = readInput(score.input);
  if (!input) return null;
  const { heightCm, weightKg } = score.input;
  return {
    score,
    input,
    heightCm: isNumber(heightCm) && heightCm > 0 ? heightCm : null,
    weightKg: isNumber(weightKg) && weightKg > 0 ? weightKg : null,
    // The stored result is what the participant was told; recomputed only if it is not in the shape we read.
    result: isResult(score.result) ? score.result : findrisc(input),
  };
}

/** ADA risk test: 5 points or more is a high risk (Bang 2009). */
export const adaHighRisk = (score: Score): boolean =>
  isRecord(score.result) && typeof score.result.highRisk === 'boolean'
    ? score.result.highRisk
    : score.score >= 5;

/** WHO-5 categories as the server names them. */
const WHO5_CATEGORIES = ['good', 'poor_wellbeing', 'likely_depression'] as const;
type Who5Category = (typeof WHO5_CATEGORIES)[number];
export const who5Category = (score: Score): Who5Category =>
  isIn(WHO5_CATEGORIES, score.category) ? score.category : 'good';
