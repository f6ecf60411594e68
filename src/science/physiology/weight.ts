/**
 * Synthetic body-weight measurements (a bathroom scale in the morning).
 *
 * No published model is used. The true weight follows the start weight plus an optional linear trend and a slow
 * random drift; each measurement adds a day-to-day fluctuation (water, food, clothing). Every number here is an
 * assumption, named below and listed in README.md.
 */

import type { Random } from '../random.ts';
import { localClock } from './cgm.ts';

export const WEIGHT_SIMULATION_MODEL = {
  id: 'synthetic-weight',
  version: '1',
  source: 'assumptions: trend + slow drift (sd 0.4 kg, 14 days) + day-to-day fluctuation (sd 0.5 kg)',
} as const;

export interface WeightSeries {
  /** epoch ms of each measurement, ascending */
  times: Float64Array;
  /** kg, to 0.1 kg */
  kg: Float64Array;
  /** kg/m² at each measurement, from the start height, to 0.1 */
  bmi?: Float64Array;
}

export interface WeightSimulation {
  /** epoch ms UTC of the first day */
  start: number;
  /** Days to cover (whole or fractional), at most 3660. */
  days: number;
  /** IANA time zone: measurements are taken in the local morning. */
  timeZone: string;
  /** Expected measurements per week, 0–7 (one a day at most). */
  measurementsPerWeek: number;
  /** Linear change in kg per month (30.44 days); negative for weight loss. */
  trendKgPerMonth?: number;
}

/** Assumption, not a published figure (the brief): day-to-day fluctuation of a morning weight, sd 0.5 kg. */
const DAILY_FLUCTUATION_SD_KG = 0.5;
/** Assumption, not a published figure: slow drift around the trend, sd 0.4 kg with a 14-day time constant. */
const DRIFT = { sdKg: 0.4, tauDays: 14 } as const;
/**
 * Assumption, not a published figure: measurement clock times, uniform 06:30–09:00 on weekdays and 07:30–10:00 at
 * the weekend (local time, minutes of the day).
 */
const MORNING = { weekday: [390, 540], weekend: [450, 600] } as const;
/** Scales show 0.1 kg. */
const RESOLUTION_KG = 0.1;
const MONTH_DAYS = 30.436875;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const MAX_DAYS = 3660;

/**
 * Morning weights over `days` days from `start`. Each local day decides from its own stream
 * (`random.derive('weight-day', dayNumber)`) whether and when the person weighs; the slow drift uses its own
 * stream, so changing the number of measurements a week does not change the weights that are kept.
 * @throws RangeError for a non-positive weight or height, days outside (0, 3660], or measurements outside 0–7.
 */
export function simulateWeight(
  start: { weightKg: number; heightCm: number },
  simulation: WeightSimulation,
  random: Random,
): WeightSeries {
  const { weightKg, heightCm } = start;
  if (!(Number.isFinite(weightKg) && weightKg >= 20 && weightKg <= 400)) {
    throw new RangeError(`Physiology: weight must be 20–400 kg, got ${weightKg}`);
  }
  if (!(Number.isFinite(heightCm) && heightCm >= 100 && heightCm <= 250)) {
    throw new RangeError(`Physiology: height must be 100–250 cm, got ${heightCm}`);
  }
  if (!Number.isFinite(simulation.start)) {
    throw new RangeError(`Physiology: start must be epoch ms, got ${simulation.start}`);
  }
  if (!(Number.isFinite(simulation.days) && simulation.days > 0 && simulation.days <= MAX_DAYS)) {
    throw new RangeError(`Physiology: days must be in (0, ${MAX_DAYS}], got ${simulation.days}`);
  }
  const perWeek = simulation.measurementsPerWeek;
  if (!(Number.isFinite(perWeek) && perWeek >= 0 && perWeek <= 7)) {
    throw new RangeError(`Physiology: measurements per week must be 0–7, got ${perWeek}`);
  }
  const trend = simulation.trendKgPerMonth ?? 0;
  if (!Number.isFinite(trend)) throw new RangeError(`Physiology: trend must be finite, got ${trend}`);

  const end = simulation.start + simulation.days * DAY_MS;
  const clock = localClock(simulation.timeZone, simulation.start - DAY_MS, end + DAY_MS);
  const firstDay = clock.dayNumberAt(simulation.start);
  const lastDay = clock.dayNumberAt(end);
  const drift = random.derive('weight-drift');
  const rho = Math.exp(-1 / DRIFT.tauDays);
  const innovation = DRIFT.sdKg * Math.sqrt(1 - rho * rho);
  let slow = drift.normal(0, DRIFT.sdKg);
  const times: number[] = [];
  const kg: number[] = [];
  const heightM2 = (heightCm / 100) ** 2;
  for (let day = firstDay; day <= lastDay; day++) {
    if (day > firstDay) slow = rho * slow + drift.normal(0, innovation);
    const r = random.derive('weight-day', day);
    const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    const [from, to] = weekday === 0 || weekday === 6 ? MORNING.weekend : MORNING.weekday;
    const minute = Math.floor(r.uniform(from, to));
    const fluctuation = r.normal(0, DAILY_FLUCTUATION_SD_KG);
    if (!r.chance(perWeek / 7)) continue;
    const time = clock.toUtc(day * DAY_MS + minute * MINUTE_MS);
    if (time < simulation.start || time >= end) continue;
    const months = (time - simulation.start) / DAY_MS / MONTH_DAYS;
    const value = weightKg + trend * months + slow + fluctuation;
    times.push(time);
    kg.push(Math.round(value / RESOLUTION_KG) / (1 / RESOLUTION_KG));
  }
  const kgArray = Float64Array.from(kg);
  return {
    times: Float64Array.from(times),
    kg: kgArray,
    bmi: kgArray.map((value) => Math.round((value / heightM2) * 10) / 10),
  };
}
