/**
 * CGM readings: validation, one sort, the sampling interval and the regular grid that the time-dependent
 * metrics (MAGE, CONGA, MODD) are computed on.
 *
 * Conventions (DOMAIN.md §3, following iglu, Broll et al. 2021): detect the sampling interval from the median
 * step between readings; interpolate linearly onto a regular grid, never across a gap longer than 45 min.
 */

/** One CGM reading. */
export interface GlucoseReading {
  /** Epoch milliseconds, UTC. */
  time: number;
  /** Glucose in mg/dL (use {@link toMgdl} for mmol/L). */
  mgdl: number;
}

export interface GlucoseOptions {
  /**
   * IANA time zone for the local time of day (AGP). Default `Europe/Amsterdam`. `glucoseMetrics` checks it but
   * none of its metrics depend on the local clock (MODD compares values 24 elapsed hours apart).
   */
  timeZone?: string;
  /**
   * Sampling interval in whole minutes; it must divide a day (1440 min) and be at most 45 min.
   * Default: detected from the median step between readings, snapped to 1, 5 or 15 min.
   */
  intervalMinutes?: number;
}

/** Glucose values on a regular time grid. */
export interface GlucoseGrid {
  /** Epoch milliseconds of `values[0]`: the time of the first reading. */
  start: number;
  intervalMinutes: number;
  /** mg/dL at `start + k × intervalMinutes`; NaN inside a gap longer than the allowed maximum. */
  values: Float64Array;
}

/** Readings sorted by time with one reading per time. Internal working form: two parallel typed arrays. */
export interface SortedReadings {
  times: Float64Array;
  mgdl: Float64Array;
}

/** Linear interpolation never spans a gap longer than this (DOMAIN.md §3, iglu's `inter_gap`). */
export const MAX_INTERPOLATION_GAP_MINUTES = 45;

/**
 * The most grid points we allocate (40 MB): about 9.5 years at 1 min, 47 years at 5 min. A longer span almost
 * always means a wrong timestamp; split long histories into periods first.
 */
export const MAX_GRID_POINTS = 5_000_000;

const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 1440;

/**
 * Readings as two parallel arrays (epoch ms and mg/dL), the form a database read gives: the functions that take
 * readings accept it as well as an array of {@link GlucoseReading}, and avoid one object per reading.
 */
export interface ReadingArrays {
  times: Float64Array;
  mgdl: Float64Array;
}

/**
 * Validates the readings, sorts them by time (only when they are not sorted already) and keeps the first
 * reading, in input order, of every time that occurs more than once. The input is never changed.
 * @throws RangeError for no readings, a time that is not a finite number, a glucose value that is not a
 * positive finite number, or arrays of different lengths.
 */
export function sortReadings(readings: readonly GlucoseReading[] | ReadingArrays): SortedReadings {
  if (!Array.isArray(readings)) {
    const arrays = readings as ReadingArrays;
    if (arrays.times.length !== arrays.mgdl.length) {
      throw new RangeError(`Glucose: ${arrays.times.length} times but ${arrays.mgdl.length} values`);
    }
    return sortChecked(Float64Array.from(arrays.times), Float64Array.from(arrays.mgdl));
  }
  const list = readings as readonly GlucoseReading[];
  const n = list.length;
  const times = new Float64Array(n);
  const mgdl = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const reading = list[i];
    if (typeof reading !== 'object' || reading === null) {
      throw new RangeError(`Glucose: reading ${i} is not a reading`);
    }
    const { time, mgdl: value } = reading;
    if (typeof time !== 'number') {
      throw new RangeError(`Glucose: reading ${i} has no valid time (${String(time)})`);
    }
    if (typeof value !== 'number') {
      throw new RangeError(`Glucose: reading ${i} must be a positive number of mg/dL, got ${String(value)}`);
    }
    times[i] = time;
    mgdl[i] = value;
  }
  return sortChecked(times, mgdl);
}

/** Checks the values, then sorts (when needed) and de-duplicates the arrays, which it owns. */
function sortChecked(times: Float64Array, mgdl: Float64Array): SortedReadings {
  const n = times.length;
  if (n === 0) throw new RangeError('Glucose: no readings');
  let sorted = true;
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const time = times[i] as number;
    const value = mgdl[i] as number;
    if (!Number.isFinite(time)) {
      throw new RangeError(`Glucose: reading ${i} has no valid time (${String(time)})`);
    }
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`Glucose: reading ${i} must be a positive number of mg/dL, got ${String(value)}`);
    }
    if (time < previous) sorted = false;
    previous = time;
  }
  if (sorted) return dropRepeatedTimes(times, mgdl);

  // Sort positions rather than objects; ties keep input order, so "first of a duplicate time" holds.
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
  const sortedTimes = new Float64Array(n);
  const sortedMgdl = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const from = order[i] as number;
    sortedTimes[i] = times[from] as number;
    sortedMgdl[i] = mgdl[from] as number;
  }
  return dropRepeatedTimes(sortedTimes, sortedMgdl);
}

/** Compacts sorted arrays in place, keeping the first of each run of equal times. */
function dropRepeatedTimes(times: Float64Array, mgdl: Float64Array): SortedReadings {
  let kept = 1;
  for (let i = 1; i < times.length; i++) {
    const time = times[i] as number;
    if (time === times[kept - 1]) continue;
    times[kept] = time;
    mgdl[kept] = mgdl[i] as number;
    kept++;
  }
  return kept === times.length
    ? { times, mgdl }
    : { times: times.subarray(0, kept), mgdl: mgdl.subarray(0, kept) };
}

/**
 * The sampling interval: the median step between readings snapped to the nearest of 1, 5 or 15 minutes
 * (boundaries at 3 and 10 min). Counting steps below each boundary finds which side the median lies on
 * without sorting the steps. A single reading has no step and gets 5 min (the most common CGM interval).
 */
export function detectIntervalMinutes(sorted: SortedReadings): number {
  const { times } = sorted;
  const steps = times.length - 1;
  if (steps < 1) return 5;
  let below3 = 0;
  let below10 = 0;
  for (let i = 1; i < times.length; i++) {
    const step = (times[i] as number) - (times[i - 1] as number);
    if (step < 3 * MINUTE_MS) below3++;
    if (step < 10 * MINUTE_MS) below10++;
  }
  if (2 * below3 > steps) return 1;
  if (2 * below10 > steps) return 5;
  return 15;
}

/**
 * @throws RangeError unless the interval is a whole number of minutes that divides a day and is at most the
 * interpolation gap (a coarser grid could not be interpolated at all).
 */
export function checkIntervalMinutes(intervalMinutes: number, maxGapMinutes: number): void {
  if (
    !Number.isInteger(intervalMinutes) ||
    intervalMinutes < 1 ||
    MINUTES_PER_DAY % intervalMinutes !== 0 ||
    intervalMinutes > maxGapMinutes
  ) {
    throw new RangeError(
      `Glucose: interval must be whole minutes dividing 1440 and at most ${maxGapMinutes}, got ${intervalMinutes}`,
    );
  }
}

/**
 * Puts readings on a regular grid that starts at the first reading: a grid point that coincides with a reading
 * takes its value, one between two readings at most `maxGapMinutes` apart is interpolated linearly, and one
 * inside a longer gap is NaN. Readings may be unsorted; of readings with the same time the first counts.
 * @throws RangeError for invalid readings (see {@link sortReadings}), an interval that is not whole minutes
 * dividing a day and at most `maxGapMinutes`, a non-positive `maxGapMinutes`, or a span of more than
 * {@link MAX_GRID_POINTS} grid points.
 */
export function toRegularGrid(
  readings: readonly GlucoseReading[] | ReadingArrays,
  intervalMinutes: number,
  maxGapMinutes = MAX_INTERPOLATION_GAP_MINUTES,
): GlucoseGrid {
  return gridOf(sortReadings(readings), intervalMinutes, maxGapMinutes);
}

/** {@link toRegularGrid} on readings that are already sorted. */
export function gridOf(sorted: SortedReadings, intervalMinutes: number, maxGapMinutes: number): GlucoseGrid {
  if (!(maxGapMinutes > 0) || !Number.isFinite(maxGapMinutes)) {
    throw new RangeError(`Glucose: maximum gap must be a positive number of minutes, got ${maxGapMinutes}`);
  }
  checkIntervalMinutes(intervalMinutes, maxGapMinutes);
  const { times, mgdl } = sorted;
  const n = times.length;
  const start = times[0] as number;
  const step = intervalMinutes * MINUTE_MS;
  const maxGap = maxGapMinutes * MINUTE_MS;
  const count = Math.floor(((times[n - 1] as number) - start) / step) + 1;
  if (count > MAX_GRID_POINTS) {
    throw new RangeError(
      `Glucose: readings span ${count} grid points of ${intervalMinutes} min, more than ${MAX_GRID_POINTS}; check the times or split the period`,
    );
  }
  const values = new Float64Array(count);
  let i = 0; // the last reading at or before the grid point
  for (let k = 0; k < count; k++) {
    const at = start + k * step;
    while (i + 1 < n && (times[i + 1] as number) <= at) i++;
    const before = times[i] as number;
    if (before === at) {
      values[k] = mgdl[i] as number;
      continue;
    }
    const after = times[i + 1] as number; // exists: the grid ends at or before the last reading
    if (after - before > maxGap) {
      values[k] = Number.NaN;
      continue;
    }
    const from = mgdl[i] as number;
    values[k] = from + (((mgdl[i + 1] as number) - from) * (at - before)) / (after - before);
  }
  return { start, intervalMinutes, values };
}
