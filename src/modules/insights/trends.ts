import { CANONICAL_UNIT, CODES } from '../measurements/index.ts';

/** The daily series the trends show, with the LOINC code behind each and its unit (UCUM). */
export const TRENDS = {
  steps: { code: CODES.steps, unit: CANONICAL_UNIT[CODES.steps] },
  weight: { code: CODES.weight, unit: CANONICAL_UNIT[CODES.weight] },
} as const;

export type Trend = keyof typeof TRENDS;
