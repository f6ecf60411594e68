/**
 * Time-dependent glucose variability on a regular grid (see {@link toRegularGrid}): MAGE, CONGA and MODD.
 *
 * Sources:
 * - MAGE: Service FJ et al. Mean amplitude of glycemic excursions, a measure of diabetic instability.
 *   Diabetes 1970;19:644–655 (the definition), computed with the moving-average method of Fernandes NJ et al.
 *   Open-source algorithm to calculate mean amplitude of glycemic excursions using short and long moving
 *   averages. J Diabetes Sci Technol 2022;16:576–577 (iglu's `mage_ma`).
 * - CONGA: McDonnell CM et al. A novel approach to continuous glucose analysis utilizing glycemic variation.
 *   Diabetes Technol Ther 2005;7:253–263.
 * - MODD: Molnar GD, Taylor WF, Ho MM. Day-to-day variation of continuously monitored glycaemia: a further
 *   measure of diabetic instability. Diabetologia 1972;8:342–348.
 */

import type { GlucoseGrid } from './readings.ts';

export type MageDirection = 'service' | 'plus' | 'minus' | 'avg' | 'max';

export interface MageOptions {
  /**
   * Which half-excursions are averaged. `service` (default, as Service 1970 and the manual reference of
   * Fernandes 2022): rises (`plus`) or falls (`minus`), whichever first exceeds one SD. `avg` is the mean of
   * MAGE+ and MAGE−; `max` the larger of the two.
   */
  direction?: MageDirection;
  /** Short moving-average window in readings of a 5-min grid (rescaled for other grids). Default 5. */
  shortWindow?: number;
  /** Long moving-average window in readings of a 5-min grid (rescaled for other grids). Default 32. */
  longWindow?: number;
  /** A gap (NaN run) longer than this splits the trace into segments computed separately. Default 180 min. */
  maxGapMinutes?: number;
}

/** Fernandes 2022: windows tuned on 5-min CGM data; segments split at gaps > 180 min (iglu ≥ 3.5.1). */
const MAGE_DEFAULTS = { shortWindow: 5, longWindow: 32, windowGridMinutes: 5, maxGapMinutes: 180 } as const;
const MAGE_DIRECTIONS: readonly MageDirection[] = ['service', 'plus', 'minus', 'avg', 'max'];
/** Fernandes 2022 (iglu): fewer than 7 grid points, or fewer than the long window, gives no MAGE. */
const MAGE_MIN_POINTS = 7;

interface SegmentMage {
  plus: number | null;
  minus: number | null;
  /** The first half-excursion to exceed one SD is a rise. */
  plusFirst: boolean;
  /** Segment length in minutes (last grid point minus first): the weight in the overall MAGE. */
  minutes: number;
}

/**
 * Mean amplitude of glycemic excursions in mg/dL, by the moving-average method (Fernandes et al. 2022):
 * 1. The grid is split into segments at gaps longer than `maxGapMinutes`.
 * 2. Per segment, where the short moving average (5) crosses the long one (32), a peak or nadir must lie
 *    between two crossings; the first and last points count as crossings. Each turning point is the highest
 *    (or lowest) glucose from the previous turning point up to the next crossing ("whiplash" correction).
 * 3. A half-excursion counts when both it and the next one in the other direction exceed one SD of the
 *    segment's glucose; a smaller intermediate wiggle is absorbed into the larger excursion around it.
 * 4. MAGE is the mean amplitude of the counted rises (MAGE+) or falls (MAGE−); the overall value is the mean
 *    over segments weighted by segment length.
 * @returns null when no segment has enough points or an excursion above one SD.
 * @throws RangeError for invalid windows, gap or direction.
 */
export function mage(grid: GlucoseGrid, options: MageOptions = {}): number | null {
  const direction = options.direction ?? 'service';
  if (!MAGE_DIRECTIONS.includes(direction)) {
    throw new RangeError(`MAGE: unknown direction '${String(direction)}'`);
  }
  const maxGapMinutes = options.maxGapMinutes ?? MAGE_DEFAULTS.maxGapMinutes;
  if (!(maxGapMinutes > 0)) throw new RangeError(`MAGE: maximum gap must be positive, got ${maxGapMinutes}`);
  const shortWindow = rescaledWindow(options.shortWindow ?? MAGE_DEFAULTS.shortWindow, grid.intervalMinutes);
  const longWindow = rescaledWindow(options.longWindow ?? MAGE_DEFAULTS.longWindow, grid.intervalMinutes);
  if (shortWindow >= longWindow) {
    throw new RangeError(
      `MAGE: the short window (${shortWindow}) must be shorter than the long (${longWindow})`,
    );
  }

  const segments: SegmentMage[] = [];
  const { values, intervalMinutes } = grid;
  const maxGapPoints = maxGapMinutes / intervalMinutes;
  let from = firstFinite(values, 0);
  while (from < values.length) {
    // Extend the segment over gaps up to the maximum; stop before a longer one.
    let to = from;
    let i = from + 1;
    while (i < values.length) {
      if (!Number.isNaN(values[i] as number)) {
        to = i++;
        continue;
      }
      const next = firstFinite(values, i);
      if (next - i > maxGapPoints || next === values.length) break;
      i = next;
    }
    const segment = segmentMage(values, from, to, shortWindow, longWindow);
    if (segment) segments.push({ ...segment, minutes: (to - from) * intervalMinutes });
    from = firstFinite(values, to + 1);
  }
  return combineSegments(segments, direction);
}

function rescaledWindow(window: number, intervalMinutes: number): number {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`MAGE: a moving-average window must be a positive whole number, got ${window}`);
  }
  return Math.max(1, Math.round((window * MAGE_DEFAULTS.windowGridMinutes) / intervalMinutes));
}

function firstFinite(values: Float64Array, from: number): number {
  let i = from;
  while (i < values.length && Number.isNaN(values[i] as number)) i++;
  return i;
}

function combineSegments(segments: readonly SegmentMage[], direction: MageDirection): number | null {
  let weighted = 0;
  let weights = 0;
  const add = (value: number | null, minutes: number) => {
    if (value === null) return;
    weighted += value * minutes;
    weights += minutes;
  };
  for (const { plus, minus, plusFirst, minutes } of segments) {
    if (direction === 'plus') add(plus, minutes);
    else if (direction === 'minus') add(minus, minutes);
    else if (direction === 'service') add(plusFirst ? plus : minus, minutes);
    else if (direction === 'max')
      add(plus === null ? minus : minus === null ? plus : Math.max(plus, minus), minutes);
    else {
      // avg: MAGE+ and MAGE− of every segment pooled, each weighted by its segment's length.
      add(plus, minutes);
      add(minus, minutes);
    }
  }
  // Every segment has at least MAGE_MIN_POINTS points, so a positive length.
  return weights > 0 ? weighted / weights : null;
}

/** MAGE+ and MAGE− of one segment [from, to] (both ends finite), or null when it cannot be computed. */
function segmentMage(
  values: Float64Array,
  from: number,
  to: number,
  shortWindow: number,
  longWindow: number,
): Omit<SegmentMage, 'minutes'> | null {
  const n = to - from + 1;
  if (n < MAGE_MIN_POINTS || n < longWindow) return null;

  const sd = finiteSd(values, from, to);
  if (!(sd > 0)) return null; // a flat trace has no excursion

  const shortMa = movingAverage(values, from, n, shortWindow);
  const longMa = movingAverage(values, from, n, longWindow);
  const delta = new Float64Array(n);
  for (let i = 0; i < n; i++) delta[i] = (shortMa[i] as number) - (longMa[i] as number);

  // Crossings of the two moving averages. Each says what comes next: above → a peak, below → a nadir.
  const crossAt: number[] = [0];
  const peakNext: boolean[] = [(delta[0] as number) > 0];
  let lastCross = 0;
  for (let i = 1; i < n; i++) {
    const d = delta[i] as number;
    const before = delta[i - 1] as number;
    if (Number.isNaN(values[from + i] as number) || Number.isNaN(values[from + i - 1] as number)) continue;
    if (Number.isNaN(d) || Number.isNaN(before)) continue;
    // A sign change against the previous point, or against the last crossing when the previous delta was 0.
    const reference = d * before < 0 ? before : (delta[lastCross] as number);
    if (d * reference < 0) {
      crossAt.push(i);
      peakNext.push(d > reference);
      lastCross = i;
    }
  }
  crossAt.push(n - 1);
  peakNext.push((delta[n - 1] as number) > 0);

  // Turning points: search from the previous turning point (not the crossing) to the next crossing.
  const turns = crossAt.length - 1;
  const turnValue = new Float64Array(turns);
  let left = 0;
  for (let t = 0; t < turns; t++) {
    const right = crossAt[t + 1] as number;
    const wantPeak = peakNext[t] === true;
    let best = Number.NaN;
    let bestAt = left;
    for (let i = left; i <= right; i++) {
      const v = values[from + i] as number;
      if (Number.isNaN(v)) continue;
      if (Number.isNaN(best) || (wantPeak ? v > best : v < best)) {
        best = v;
        bestAt = i;
      }
    }
    turnValue[t] = best;
    left = bestAt;
  }

  const rises = halfExcursions(turnValue, sd, 1);
  const falls = halfExcursions(turnValue, sd, -1);
  if (rises.count === 0 && falls.count === 0) return null;
  return {
    plus: rises.count > 0 ? rises.sum / rises.count : null,
    minus: falls.count > 0 ? falls.sum / falls.count : null,
    plusFirst: rises.count > 0 && (falls.count === 0 || rises.firstPeak <= falls.firstPeak),
  };
}

/**
 * Counted half-excursions in one direction (sign 1: rises, −1: falls, computed as rises of −values).
 * From the start point of the search, a rise counts once it reaches one SD above the lowest point since
 * the search started (that lowest point is its nadir). Its peak is then carried along to any higher value
 * until the trace falls more than one SD below the peak, or ends; that fall ends the excursion and the search
 * for the next rise starts there.
 */
function halfExcursions(
  turns: Float64Array,
  sd: number,
  sign: 1 | -1,
): { sum: number; count: number; firstPeak: number } {
  const n = turns.length;
  let sum = 0;
  let count = 0;
  let firstPeak = -1; // the turning point where the first counted excursion is at its top (rise) or start (fall)
  let lowest = sign * (turns[0] as number);
  let lowestAt = 0;
  let j = 0;
  while (j < n) {
    const v = sign * (turns[j] as number);
    if (v < lowest) {
      lowest = v;
      lowestAt = j;
    }
    if (v - lowest < sd) {
      j++;
      continue;
    }
    let peak = v;
    let peakAt = j;
    let k = j;
    for (; k < n; k++) {
      const w = sign * (turns[k] as number);
      if (w > peak) {
        peak = w;
        peakAt = k;
      }
      if (w - peak < -sd || k === n - 1) break;
    }
    sum += peak - lowest;
    count++;
    if (firstPeak < 0) firstPeak = sign === 1 ? peakAt : lowestAt;
    if (k >= n - 1) break;
    j = k;
    lowest = sign * (turns[k] as number);
    lowestAt = k;
  }
  return { sum, count, firstPeak };
}

/** Right-aligned moving mean of the finite values; the first `window − 1` points take the first full mean. */
function movingAverage(values: Float64Array, from: number, n: number, window: number): Float64Array {
  const out = new Float64Array(n);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = values[from + i] as number;
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
    if (i >= window) {
      const old = values[from + i - window] as number;
      if (!Number.isNaN(old)) {
        sum -= old;
        count--;
      }
    }
    // Re-add the window now and then so rounding of the running sum cannot build up.
    if (i % 256 === 255) {
      sum = 0;
      for (let m = Math.max(0, i - window + 1); m <= i; m++) {
        const w = values[from + m] as number;
        if (!Number.isNaN(w)) sum += w;
      }
    }
    out[i] = count > 0 ? sum / count : Number.NaN;
  }
  const first = Math.min(window, n) - 1;
  for (let i = 0; i < first; i++) out[i] = out[first] as number;
  return out;
}

function finiteSd(values: Float64Array, from: number, to: number): number {
  let count = 0;
  let mean = 0;
  let squares = 0;
  for (let i = from; i <= to; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    count++;
    const d = v - mean;
    mean += d / count;
    squares += d * (v - mean);
  }
  return count > 1 ? Math.sqrt(squares / (count - 1)) : Number.NaN;
}

/**
 * CONGA_n (McDonnell 2005): the SD (n − 1) of the differences between each grid value and the value
 * `hours` earlier, over pairs where both are known. Default n = 1 hour.
 * @returns null with fewer than two such pairs.
 * @throws RangeError unless `hours` is positive and a whole number of grid steps.
 */
export function conga(grid: GlucoseGrid, hours = 1): number | null {
  const lag = lagSteps(grid, hours * 60, 'CONGA: hours');
  const { values } = grid;
  let count = 0;
  let mean = 0;
  let squares = 0;
  for (let i = lag; i < values.length; i++) {
    const d = (values[i] as number) - (values[i - lag] as number);
    if (Number.isNaN(d)) continue;
    count++;
    const delta = d - mean;
    mean += delta / count;
    squares += delta * (d - mean);
  }
  return count > 1 ? Math.sqrt(squares / (count - 1)) : null;
}

/**
 * MODD (Molnar 1972): the mean absolute difference between grid values 24 hours apart (`days` = 1), over
 * pairs where both are known. The lag is 24 elapsed hours, also across a daylight saving change.
 * @returns null when no pair exists (less than a day of data).
 * @throws RangeError unless `days` is positive and a whole number of grid steps.
 */
export function modd(grid: GlucoseGrid, days = 1): number | null {
  const lag = lagSteps(grid, days * 1440, 'MODD: days');
  const { values } = grid;
  let count = 0;
  let sum = 0;
  for (let i = lag; i < values.length; i++) {
    const d = (values[i] as number) - (values[i - lag] as number);
    if (Number.isNaN(d)) continue;
    count++;
    sum += Math.abs(d);
  }
  return count > 0 ? sum / count : null;
}

function lagSteps(grid: GlucoseGrid, minutes: number, what: string): number {
  const lag = minutes / grid.intervalMinutes;
  if (!Number.isInteger(lag) || lag < 1) {
    throw new RangeError(`${what} must be a positive whole number of ${grid.intervalMinutes}-min steps`);
  }
  return lag;
}
