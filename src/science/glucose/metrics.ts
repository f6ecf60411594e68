/**
 * CGM summary metrics of the International Consensus on Time in Range, with the risk and variability indices
 * around them.
 *
 * Sources (details and formulas in src/science/README.md):
 * - Battelino T, Danne T, Bergenstal RM, et al. Clinical targets for continuous glucose monitoring data
 *   interpretation: recommendations from the International Consensus on Time in Range. Diabetes Care
 *   2019;42:1593–1603 — ranges, targets, 14 days and 70 % of readings for sufficient data.
 * - Bergenstal RM, Beck RW, Close KL, et al. Glucose Management Indicator (GMI). Diabetes Care
 *   2018;41:2275–2280.
 * - Kovatchev BP, Cox DJ, Gonder-Frederick LA, Clarke W. Symmetrization of the blood glucose measurement
 *   scale and its applications. Diabetes Care 1997;20:1655–1658 (LBGI/HBGI).
 * - Wójcicki JM. "J"-index. A new proposition of the assessment of current glucose control in diabetic
 *   patients. Horm Metab Res 1995;27:41–42.
 * - Klonoff DC, Wang J, Rodbard D, et al. A Glycemia Risk Index (GRI) of hypoglycemia and hyperglycemia for
 *   continuous glucose monitoring validated by clinician ratings. J Diabetes Sci Technol 2023;17:1226–1242.
 * - MAGE, CONGA, MODD: see variability.ts.
 * Range edges follow iglu (Broll et al. 2021): in range inclusive, below and above strict.
 */

import { checkTimeZone } from './local-time.ts';
import {
  checkIntervalMinutes,
  detectIntervalMinutes,
  type GlucoseOptions,
  type GlucoseReading,
  gridOf,
  MAX_INTERPOLATION_GAP_MINUTES,
  type ReadingArrays,
  type SortedReadings,
  sortReadings,
} from './readings.ts';
import { toMmol } from './units.ts';
import { conga, mage, modd } from './variability.ts';

export const GLUCOSE_METRICS_MODEL = {
  id: 'cgm-metrics',
  /** Our implementation's version: bump it when a definition or convention here changes. */
  version: '1',
  source:
    'Battelino T, et al. Clinical targets for continuous glucose monitoring data interpretation: recommendations from the International Consensus on Time in Range. Diabetes Care 2019;42:1593–1603; GMI Bergenstal 2018; LBGI/HBGI Kovatchev 1997; J-index Wójcicki 1995; GRI Klonoff 2023; MAGE Fernandes 2022; CONGA McDonnell 2005; MODD Molnar 1972',
} as const;

/** Glucose thresholds in mg/dL (Battelino 2019); 140 is the upper edge of the tight range for prevention. */
export const GLUCOSE_THRESHOLDS_MGDL = {
  veryLow: 54,
  low: 70,
  tightHigh: 140,
  high: 180,
  veryHigh: 250,
} as const;

/** Battelino 2019: at least 14 days with at least 70 % of the expected readings. */
export const SUFFICIENT_DATA = { days: 14, activePercent: 70 } as const;

/** Kovatchev 1997, mg/dL form: f(g) = (ln g)^1.084 − 5.381, risk r = 22.77 f²; f = 0 at about 112.5 mg/dL. */
const RISK = { exponent: 1.084, shift: 5.381, scale: 22.77, split: 112.5 } as const;

/** CONGA's default lag (McDonnell 2005 report n = 1, 2 and 4 hours). */
const CONGA_HOURS = 1;
/** MAGE's moving-average windows are defined on a 5-min grid (Fernandes 2022). */
const MAGE_GRID_MINUTES = 5;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export interface GlucoseMetrics {
  /** Readings used: one per time. */
  readings: number;
  /** Epoch ms of the first and the last reading. */
  firstTime: number;
  lastTime: number;
  /** The sampling interval used (given, or detected from the median step). */
  intervalMinutes: number;
  /** Days of wear: from the first reading to the last plus one interval (each reading covers one interval). */
  days: number;
  /** Percentage of the expected readings over that period that are present (sensor active), 0–100. */
  activePercent: number;
  meanMgdl: number;
  meanMmol: number;
  /** Sample SD (n − 1); 0 for a single reading. */
  sdMgdl: number;
  /** 100 × SD / mean. */
  cvPercent: number;
  /** Glucose Management Indicator (Bergenstal 2018), in NGSP % and IFCC mmol/mol. */
  gmiPercent: number;
  gmiMmolMol: number;
  /** Percentages of readings: below 54; below 70 (including below 54); 70–180 and 70–140 inclusive. */
  percentBelow54: number;
  percentBelow70: number;
  percentIn70to180: number;
  percentIn70to140: number;
  /** Above 180 (including above 250); above 250. */
  percentAbove180: number;
  percentAbove250: number;
  /** Low and high blood glucose index (Kovatchev). */
  lbgi: number;
  hbgi: number;
  /** J-index (Wójcicki 1995), 0.001 × (mean + SD)² in mg/dL. */
  jIndex: number;
  /** Glycemia Risk Index (Klonoff 2023), 0–100. */
  gri: number;
  /** MAGE on a 5-min grid (Fernandes 2022, Service direction); null when it cannot be computed. */
  mageMgdl: number | null;
  /** CONGA with n = 1 hour; null with fewer than two pairs an hour apart. */
  congaMgdl: number | null;
  /** MODD (24 h lag); null with less than a day of data. */
  moddMgdl: number | null;
  /** At least 14 days and at least 70 % active (Battelino 2019). */
  sufficient: boolean;
}

/** Glucose Management Indicator in % (Bergenstal 2018): 3.31 + 0.02392 × mean glucose in mg/dL. */
export function gmiPercent(meanMgdl: number): number {
  return 3.31 + 0.02392 * meanMgdl;
}

/** Glucose Management Indicator in mmol/mol (Bergenstal 2018): 12.71 + 4.70587 × mean glucose in mmol/L. */
export function gmiMmolMol(meanMgdl: number): number {
  return 12.71 + 4.70587 * toMmol(meanMgdl);
}

/** J-index (Wójcicki 1995): 0.001 × (mean + SD)², both in mg/dL. */
export function jIndex(meanMgdl: number, sdMgdl: number): number {
  return 0.001 * (meanMgdl + sdMgdl) ** 2;
}

/** Percentages of readings in the consensus ranges, as {@link GlucoseMetrics} reports them. */
export interface RangePercentages {
  percentBelow54: number;
  percentBelow70: number;
  percentAbove180: number;
  percentAbove250: number;
}

/**
 * Glycemia Risk Index (Klonoff 2023): 3.0 × %<54 + 2.4 × %54–69 + 1.6 × %>250 + 0.8 × %181–250, at most 100
 * (equivalently 3.0 × hypoglycemia component + 1.6 × hyperglycemia component).
 */
export function glycemiaRiskIndex(p: RangePercentages): number {
  const veryLow = p.percentBelow54;
  const low = p.percentBelow70 - p.percentBelow54;
  const veryHigh = p.percentAbove250;
  const high = p.percentAbove180 - p.percentAbove250;
  return Math.min(100, 3.0 * veryLow + 2.4 * low + 1.6 * veryHigh + 0.8 * high);
}

/**
 * All summary metrics of a CGM trace. Readings may be unsorted and contain repeated times (the first counts).
 * Percentages, mean, SD and the risk indices use the readings themselves; MAGE, CONGA and MODD a regular grid
 * with linear interpolation over gaps of at most 45 min.
 * @throws RangeError for no readings, an invalid reading, interval or time zone, or a span too long for a grid
 * (see MAX_GRID_POINTS).
 */
export function glucoseMetrics(
  readings: readonly GlucoseReading[] | ReadingArrays,
  options: GlucoseOptions = {},
): GlucoseMetrics {
  const sorted = sortReadings(readings);
  if (options.timeZone !== undefined) checkTimeZone(options.timeZone);
  const intervalMinutes = options.intervalMinutes ?? detectIntervalMinutes(sorted);
  checkIntervalMinutes(intervalMinutes, MAX_INTERPOLATION_GAP_MINUTES);

  const { times, mgdl } = sorted;
  const n = times.length;
  const firstTime = times[0] as number;
  const lastTime = times[n - 1] as number;

  // One pass: moments (shifted by the first value for accuracy), range counts and risk sums.
  const shift = mgdl[0] as number;
  let sum = 0;
  let squares = 0;
  let below54 = 0;
  let below70 = 0;
  let in70to180 = 0;
  let in70to140 = 0;
  let above180 = 0;
  let above250 = 0;
  let lowRisk = 0;
  let highRisk = 0;
  for (let i = 0; i < n; i++) {
    const g = mgdl[i] as number;
    const d = g - shift;
    sum += d;
    squares += d * d;
    if (g < GLUCOSE_THRESHOLDS_MGDL.low) {
      below70++;
      if (g < GLUCOSE_THRESHOLDS_MGDL.veryLow) below54++;
    } else if (g <= GLUCOSE_THRESHOLDS_MGDL.high) {
      in70to180++;
      if (g <= GLUCOSE_THRESHOLDS_MGDL.tightHigh) in70to140++;
    } else {
      above180++;
      if (g > GLUCOSE_THRESHOLDS_MGDL.veryHigh) above250++;
    }
    const f = Math.log(g) ** RISK.exponent - RISK.shift;
    if (g < RISK.split) lowRisk += f * f;
    else highRisk += f * f;
  }
  const meanMgdl = shift + sum / n;
  const sdMgdl = n > 1 ? Math.sqrt(Math.max(0, (squares - (sum * sum) / n) / (n - 1))) : 0;
  const percent = (count: number) => (100 * count) / n;
  const ranges: RangePercentages = {
    percentBelow54: percent(below54),
    percentBelow70: percent(below70),
    percentAbove180: percent(above180),
    percentAbove250: percent(above250),
  };

  const activePercent = activePercentOf(sorted, intervalMinutes);
  const days = (lastTime - firstTime + intervalMinutes * MINUTE_MS) / DAY_MS;

  const grid = gridOf(sorted, intervalMinutes, MAX_INTERPOLATION_GAP_MINUTES);
  const mageGrid =
    intervalMinutes === MAGE_GRID_MINUTES
      ? grid
      : gridOf(sorted, MAGE_GRID_MINUTES, MAX_INTERPOLATION_GAP_MINUTES);

  return {
    readings: n,
    firstTime,
    lastTime,
    intervalMinutes,
    days,
    activePercent,
    meanMgdl,
    meanMmol: toMmol(meanMgdl),
    sdMgdl,
    cvPercent: (100 * sdMgdl) / meanMgdl,
    gmiPercent: gmiPercent(meanMgdl),
    gmiMmolMol: gmiMmolMol(meanMgdl),
    percentBelow54: ranges.percentBelow54,
    percentBelow70: ranges.percentBelow70,
    percentIn70to180: percent(in70to180),
    percentIn70to140: percent(in70to140),
    percentAbove180: ranges.percentAbove180,
    percentAbove250: ranges.percentAbove250,
    lbgi: (RISK.scale * lowRisk) / n,
    hbgi: (RISK.scale * highRisk) / n,
    jIndex: jIndex(meanMgdl, sdMgdl),
    gri: glycemiaRiskIndex(ranges),
    mageMgdl: mage(mageGrid),
    congaMgdl: conga(grid, CONGA_HOURS),
    moddMgdl: modd(grid),
    sufficient: days >= SUFFICIENT_DATA.days && activePercent >= SUFFICIENT_DATA.activePercent,
  };
}

/**
 * Percentage of expected readings present: expected = span / interval + 1 (rounded); each step longer than
 * one interval misses round(step / interval) − 1 readings (as iglu's `active_percent`, counted per step).
 */
function activePercentOf(sorted: SortedReadings, intervalMinutes: number): number {
  const { times } = sorted;
  const step = intervalMinutes * MINUTE_MS;
  const expected = Math.round(((times[times.length - 1] as number) - (times[0] as number)) / step) + 1;
  let missing = 0;
  for (let i = 1; i < times.length; i++) {
    const steps = Math.round(((times[i] as number) - (times[i - 1] as number)) / step);
    if (steps > 1) missing += steps - 1;
  }
  return Math.min(100, Math.max(0, (100 * (expected - missing)) / expected));
}
