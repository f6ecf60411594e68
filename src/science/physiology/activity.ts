/**
 * Synthetic daily step counts.
 *
 * Plausibility ranges: Tudor-Locke C, Craig CL, Brown WJ, et al. How many steps/day are enough? For adults.
 * Int J Behav Nutr Phys Act 2011;8:79 (healthy adults take about 4,000–18,000 steps/day), and Tudor-Locke C,
 * Craig CL, Aoyagi Y, et al. How many steps/day are enough? For older adults and special populations. Int J
 * Behav Nutr Phys Act 2011;8:80 (healthy older adults average 2,000–9,000 steps/day, people living with chronic
 * illness 1,200–8,800). Everything else (the medians, the effects of age, BMI, diabetes and the weekend, the
 * day-to-day spread) is an assumption, named below and listed in README.md.
 */

import type { Random } from '../random.ts';
import type { PhysiologyProfile } from './cgm.ts';

export const STEPS_SIMULATION_MODEL = {
  id: 'synthetic-steps',
  version: '1',
  source:
    'Tudor-Locke C, et al. How many steps/day are enough? Int J Behav Nutr Phys Act 2011;8:79 and 8:80 ' +
    '(plausibility ranges); other parameters are assumptions',
} as const;

export interface DailySteps {
  /** local calendar days 'YYYY-MM-DD' */
  dates: string[];
  steps: Int32Array;
}

/**
 * Assumption, not a published figure: the median of a person's daily steps up to age 50 — 9,000 for people with
 * at least 30 minutes of activity every day (within the 7,000–10,000 steps/day that Tudor-Locke 2011 relate to
 * 30 minutes of daily moderate activity), 5,500 for the others.
 */
const MEDIAN_STEPS = { active: 9000, inactive: 5500 } as const;
/** Assumption, not a published figure: −1.2 % per year of age above 50. */
const AGE_DECLINE_PER_YEAR = 0.012;
const AGE_DECLINE_FROM = 50;
/** Assumption, not a published figure: −2 % per BMI unit above 25. */
const BMI_DECLINE_PER_UNIT = 0.02;
/** Assumption, not a published figure: people with type 2 diabetes walk 15 % less at the same age and BMI. */
const TYPE2_FACTOR = 0.85;
/** Assumption, not a published figure: spread between persons (log-normal sd). */
const PERSON_SPREAD = 0.25;
/** Assumption, not a published figure: spread from day to day (log-normal sd). */
const DAY_SPREAD = 0.3;
/**
 * Assumption, not a published figure: people of working age (below 67, the Dutch state pension age) walk 5 %
 * less on Saturdays and 20 % less on Sundays than on weekdays; older people walk the same every day.
 */
const WEEKEND_FACTOR = { saturday: 0.95, sunday: 0.8, untilAge: 67 } as const;
/** Assumption, not a published figure: 3 % of days are rest or sick days with 30 % of the usual steps. */
const REST_DAY = { chance: 0.03, factor: 0.3 } as const;
const MAX_STEPS = 60_000;
const MAX_DAYS = 3660;
const DAY_MS = 86_400_000;

function dayNumberOf(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!Number.isFinite(time) || new Date(time).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`Physiology: date must be a calendar day 'YYYY-MM-DD', got '${date}'`);
  }
  return time / DAY_MS;
}

/** The median of a person's daily steps on a weekday, before the person's own spread. */
function medianSteps(profile: PhysiologyProfile): number {
  return (
    (profile.dailyActivity ? MEDIAN_STEPS.active : MEDIAN_STEPS.inactive) *
    Math.exp(-AGE_DECLINE_PER_YEAR * Math.max(0, profile.ageYears - AGE_DECLINE_FROM)) *
    Math.exp(-BMI_DECLINE_PER_UNIT * Math.max(0, profile.bmi - 25)) *
    (profile.status === 'type2' ? TYPE2_FACTOR : 1)
  );
}

/**
 * Steps per local calendar day from `firstDate` for `days` days. Each date's count comes from its own stream
 * (`random.derive('steps', dayNumber)`), so a date has the same count whatever the first date.
 * @throws RangeError for an invalid date, a number of days outside 0–3660, or an invalid BMI or age.
 */
export function simulateDailySteps(
  profile: PhysiologyProfile,
  firstDate: string,
  days: number,
  random: Random,
): DailySteps {
  if (!Number.isInteger(days) || days < 0 || days > MAX_DAYS) {
    throw new RangeError(`Physiology: days must be a whole number 0–${MAX_DAYS}, got ${days}`);
  }
  if (!(Number.isFinite(profile.bmi) && profile.bmi >= 12 && profile.bmi <= 80)) {
    throw new RangeError(`Physiology: BMI must be 12–80 kg/m², got ${profile.bmi}`);
  }
  if (!(Number.isFinite(profile.ageYears) && profile.ageYears >= 0 && profile.ageYears <= 120)) {
    throw new RangeError(`Physiology: age must be 0–120 years, got ${profile.ageYears}`);
  }
  const first = dayNumberOf(firstDate);
  const personal = medianSteps(profile) * Math.exp(random.derive('steps-person').normal(0, PERSON_SPREAD));
  const workingAge = profile.ageYears < WEEKEND_FACTOR.untilAge;
  const dates: string[] = new Array(days);
  const steps = new Int32Array(days);
  for (let i = 0; i < days; i++) {
    const day = first + i;
    dates[i] = new Date(day * DAY_MS).toISOString().slice(0, 10);
    const r = random.derive('steps', day);
    const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    let factor = Math.exp(r.normal(0, DAY_SPREAD));
    if (workingAge && weekday === 6) factor *= WEEKEND_FACTOR.saturday;
    if (workingAge && weekday === 0) factor *= WEEKEND_FACTOR.sunday;
    if (r.chance(REST_DAY.chance)) factor *= REST_DAY.factor;
    steps[i] = Math.min(MAX_STEPS, Math.round(personal * factor));
  }
  return { dates, steps };
}
