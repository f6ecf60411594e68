/**
 * Ambulatory Glucose Profile: percentiles of glucose by local time of day over all days (Battelino 2019;
 * the AGP report of the International Diabetes Center). Target lines at 70 and 180 mg/dL are drawn by the
 * view from GLUCOSE_THRESHOLDS_MGDL.
 */

import { DEFAULT_TIME_ZONE, minutesOfDay } from './local-time.ts';
import { type GlucoseOptions, type GlucoseReading, type ReadingArrays, sortReadings } from './readings.ts';

export interface AgpProfile {
  /** Local time of day of the start of each bin, in minutes after midnight. */
  minutes: number[];
  /** Percentiles of glucose in mg/dL per bin; NaN for a bin without readings. */
  p5: number[];
  p25: number[];
  p50: number[];
  p75: number[];
  p95: number[];
}

export interface AgpOptions extends GlucoseOptions {
  /** Width of a time-of-day bin in whole minutes, dividing a day. Default 15. */
  binMinutes?: number;
}

const MINUTES_PER_DAY = 1440;

/**
 * The AGP percentiles (5, 25, 50, 75, 95) of the readings in each time-of-day bin, in the given time zone, so
 * that a reading at 08:00 local time falls in the 08:00 bin on both sides of a daylight saving change.
 * Percentiles interpolate linearly between order statistics (Hyndman & Fan type 7, as R's `quantile` and
 * iglu's AGP).
 * @throws RangeError for invalid readings, an unknown time zone or a bin width that does not divide a day.
 */
export function agp(
  readings: readonly GlucoseReading[] | ReadingArrays,
  options: AgpOptions = {},
): AgpProfile {
  const binMinutes = options.binMinutes ?? 15;
  if (!Number.isInteger(binMinutes) || binMinutes < 1 || MINUTES_PER_DAY % binMinutes !== 0) {
    throw new RangeError(`AGP: bin width must be whole minutes dividing 1440, got ${binMinutes}`);
  }
  const { times, mgdl } = sortReadings(readings);
  const minuteOf = minutesOfDay(times, options.timeZone ?? DEFAULT_TIME_ZONE);

  // Counting sort of the readings into bins: counts, offsets, then the values of each bin side by side.
  const bins = MINUTES_PER_DAY / binMinutes;
  const binOf = new Uint16Array(times.length);
  const offsets = new Uint32Array(bins + 1);
  for (let i = 0; i < times.length; i++) {
    const bin = Math.floor((minuteOf[i] as number) / binMinutes);
    binOf[i] = bin;
    offsets[bin + 1] = (offsets[bin + 1] as number) + 1;
  }
  for (let b = 0; b < bins; b++) offsets[b + 1] = (offsets[b + 1] as number) + (offsets[b] as number);
  const fill = offsets.slice(0, bins);
  const byBin = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) {
    const bin = binOf[i] as number;
    byBin[fill[bin] as number] = mgdl[i] as number;
    fill[bin] = (fill[bin] as number) + 1;
  }

  const profile: AgpProfile = { minutes: [], p5: [], p25: [], p50: [], p75: [], p95: [] };
  for (let b = 0; b < bins; b++) {
    const values = byBin.subarray(offsets[b] as number, offsets[b + 1] as number).sort();
    profile.minutes.push(b * binMinutes);
    profile.p5.push(quantile(values, 0.05));
    profile.p25.push(quantile(values, 0.25));
    profile.p50.push(quantile(values, 0.5));
    profile.p75.push(quantile(values, 0.75));
    profile.p95.push(quantile(values, 0.95));
  }
  return profile;
}

/** Type 7 quantile of sorted values: linear between the order statistics around (n − 1) × p. */
function quantile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo] as number;
  if (lo + 1 >= n) return below;
  const above = sorted[lo + 1] as number;
  // Clamped: rounding must not lift an interpolated value above the next order statistic.
  return Math.min(above, below + (h - lo) * (above - below));
}
