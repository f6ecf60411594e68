/**
 * WHO-5 Well-Being Index: five items on the last two weeks, each 0 (at no time) to 5 (all of the time).
 *
 * Source: Topp CW, Østergaard SD, Søndergaard S, Bech P. The WHO-5 Well-Being Index: a systematic review
 * of the literature. Psychother Psychosom 2015;84:167–176. First presented by the WHO Regional Office for
 * Europe in 1998. Cut-offs from the review: a raw score below 13 means poor well-being (screen for
 * depression); a percentage score of 28 or less suggests likely depression.
 */

export const WHO5_MODEL = {
  id: 'who5',
  version: '1998',
  source:
    'Topp CW, Østergaard SD, Søndergaard S, Bech P. The WHO-5 Well-Being Index: a systematic review of the literature. Psychother Psychosom 2015;84:167–176',
} as const;

export interface Who5Result {
  /** 0–25, the sum of the five answers. */
  raw: number;
  /** 0–100, raw × 4. */
  percentage: number;
  /** raw < 13. */
  poorWellbeing: boolean;
  /** percentage ≤ 28. */
  likelyDepression: boolean;
}

const ITEM_COUNT = 5;
const ITEM_MAX = 5;
const POOR_WELLBEING_BELOW = 13;
const LIKELY_DEPRESSION_AT_MOST = 28;

/**
 * Scores the WHO-5 from its five answers in item order.
 * @throws RangeError unless there are exactly five answers, each a whole number from 0 to 5.
 */
export function who5(answers: readonly number[]): Who5Result {
  if (answers.length !== ITEM_COUNT) {
    throw new RangeError(`WHO-5: expected ${ITEM_COUNT} answers, got ${answers.length}`);
  }
  for (const [index, answer] of answers.entries()) {
    if (!Number.isInteger(answer) || answer < 0 || answer > ITEM_MAX) {
      throw new RangeError(
        `WHO-5: answer ${index + 1} must be a whole number from 0 to ${ITEM_MAX}, got ${answer}`,
      );
    }
  }
  const raw = answers.reduce((sum, answer) => sum + answer, 0);
  const percentage = raw * 4;
  return {
    raw,
    percentage,
    poorWellbeing: raw < POOR_WELLBEING_BELOW,
    likelyDepression: percentage <= LIKELY_DEPRESSION_AT_MOST,
  };
}
