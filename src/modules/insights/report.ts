import {
  agp,
  type GlucoseMetrics,
  glucoseMetrics,
  type ReadingArrays,
  SUFFICIENT_DATA,
} from '../../science/glucose/index.ts';
import { minutesOfDay } from '../../science/glucose/local-time.ts';
import { addDays, localDateOf, startOfLocalDay } from './calendar.ts';
import {
  type AgpCurves,
  type DailyTrace,
  type GlucoseReport,
  type ReportMetrics,
  rangesOf,
} from './model.ts';

/** The daily overlay draws at most one point per 5 minutes of the local clock: 288 a day. */
const SLOT_MINUTES = 5;
const SLOTS_PER_DAY = 1440 / SLOT_MINUTES;

export interface ReportOptions {
  /** Local days in the period, the last one being the day of `end`. */
  days: number;
  /** IANA zone of the participant: local days, the AGP's time of day and the overlay's clock. */
  timeZone: string;
  /** Epoch ms of the period's end: the latest reading. */
  end: number;
}

/** The first of `days` local dates whose last is the date of `end`. */
const firstDateOf = (end: number, days: number, timeZone: string) =>
  addDays(localDateOf(end, timeZone), 1 - days);

/** The first instant of a period of `days` local days whose last day holds `end`: that first day's midnight. */
export function periodStart(end: number, days: number, timeZone: string): number {
  return startOfLocalDay(firstDateOf(end, days, timeZone), timeZone);
}

/** The metrics with their times as ISO 8601, as the API shows them and summaries store them. */
function toReportMetrics(metrics: GlucoseMetrics): ReportMetrics {
  return {
    ...metrics,
    firstTime: new Date(metrics.firstTime).toISOString(),
    lastTime: new Date(metrics.lastTime).toISOString(),
  };
}

/** The first index whose time is at least `time` in ascending times. */
function lowerBound(times: Float64Array, time: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((times[middle] as number) < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The readings of a period as readings, checking the order the measurement reader promises: the daily
 * overlay and the local clock are computed in one pass over sorted times.
 */
function periodReadings(times: Float64Array, mgdl: Float64Array, start: number, end: number) {
  const from = lowerBound(times, start);
  const to = lowerBound(times, end + 1);
  for (let i = from + 1; i < to; i++) {
    if ((times[i] as number) < (times[i - 1] as number)) {
      throw new RangeError('Glucose report: readings must be sorted by time');
    }
  }
  const readings: ReadingArrays = { times: times.subarray(from, to), mgdl: mgdl.subarray(from, to) };
  return { readings, ...readings };
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * The overlay of days shows at most the last two weeks: more lines are unreadable, and a 90-day report would
 * otherwise carry 26,000 points that nobody looks at.
 */
const OVERLAY_DAYS = 14;

/**
 * One trace per local date of the period's last `OVERLAY_DAYS` days, for the overlay of days: each reading goes to the date it was
 * taken on in the zone, at its minute of the local clock. A day on which the clocks go forward has 23 hours
 * of readings and no points in the skipped hour; a day on which they go back has 25, and the hour that
 * happens twice shares its slots (their mean). Each 5-minute slot becomes one point: the mean minute and
 * mean glucose of its readings, so a 1-minute sensor gives 288 points a day and a 15-minute one 96.
 */
function dailyTraces(
  times: Float64Array,
  mgdl: Float64Array,
  firstDate: string,
  days: number,
  timeZone: string,
): DailyTrace[] {
  const firstStart = startOfLocalDay(firstDate, timeZone);
  let i = 0;
  while (i < times.length && (times[i] as number) < firstStart) i++;
  const minutes = minutesOfDay(times.subarray(i), timeZone);
  const offset = i;
  const traces: DailyTrace[] = [];
  const minuteSums = new Float64Array(SLOTS_PER_DAY);
  const glucoseSums = new Float64Array(SLOTS_PER_DAY);
  const counts = new Uint32Array(SLOTS_PER_DAY);
  for (let day = 0; day < days; day++) {
    const date = addDays(firstDate, day);
    const nextStart = startOfLocalDay(addDays(date, 1), timeZone);
    minuteSums.fill(0);
    glucoseSums.fill(0);
    counts.fill(0);
    for (; i < times.length && (times[i] as number) < nextStart; i++) {
      const minute = minutes[i - offset] as number;
      const slot = Math.floor(minute / SLOT_MINUTES);
      minuteSums[slot] = (minuteSums[slot] as number) + minute;
      glucoseSums[slot] = (glucoseSums[slot] as number) + (mgdl[i] as number);
      counts[slot] = (counts[slot] as number) + 1;
    }
    const points: [number, number][] = [];
    for (let slot = 0; slot < SLOTS_PER_DAY; slot++) {
      const count = counts[slot] as number;
      if (count === 0) continue;
      points.push([
        Math.round((minuteSums[slot] as number) / count),
        round1((glucoseSums[slot] as number) / count),
      ]);
    }
    traces.push({ date, points });
  }
  return traces;
}

const finiteOrNull = (values: number[]) => values.map((value) => (Number.isFinite(value) ? value : null));

/** The period's readings and its first instant; a RangeError when no reading lies in it. */
function readingsOfPeriod(times: Float64Array, mgdl: Float64Array, options: ReportOptions) {
  const start = periodStart(options.end, options.days, options.timeZone);
  const period = periodReadings(times, mgdl, start, options.end);
  if (period.times.length === 0) throw new RangeError('Glucose report: no readings in the period');
  return { start, ...period };
}

/**
 * Whether the report's period has enough data, as the AGP report counts it: the period's whole local days
 * (at least 14) and the share of the readings the sensor could have given in them (at least 70 %). The span
 * from first to last reading, which `glucoseMetrics` judges, would call a fortnight worn from midnight to
 * midnight insufficient as soon as the last quarter of an hour is missing.
 */
function periodSufficiency(start: number, readings: number, intervalMinutes: number, options: ReportOptions) {
  const end = startOfLocalDay(addDays(localDateOf(options.end, options.timeZone), 1), options.timeZone);
  const possible = Math.round((end - start) / (intervalMinutes * 60_000));
  const activePercent = Math.min(100, (100 * readings) / possible);
  return {
    sufficient: options.days >= SUFFICIENT_DATA.days && activePercent >= SUFFICIENT_DATA.activePercent,
    days: options.days,
    activePercent,
    requiredDays: SUFFICIENT_DATA.days,
    requiredActivePercent: SUFFICIENT_DATA.activePercent,
  };
}

/**
 * The consensus metrics of the `days` local days ending with the day of `end`, and where that period starts:
 * what a stored summary keeps.
 * @throws RangeError when no reading lies in the period, or the times are not sorted
 */
export function periodMetrics(
  times: Float64Array,
  mgdl: Float64Array,
  options: ReportOptions,
): { start: number; metrics: ReportMetrics } {
  const period = readingsOfPeriod(times, mgdl, options);
  return {
    start: period.start,
    metrics: toReportMetrics(glucoseMetrics(period.readings, { timeZone: options.timeZone })),
  };
}

/**
 * The glucose report of the `days` local days ending with the day of `end`: the consensus metrics
 * (Battelino 2019) and time in ranges, whether the data suffice (14 days, 70 % active), the AGP by local time
 * of day, and the readings of each day for the overlay.
 * @param times epoch ms of CGM readings, ascending (as the measurement reader returns them)
 * @param mgdl glucose of each reading in mg/dL
 * @throws RangeError when no reading lies in the period, or the times are not sorted
 */
export function glucoseReport(
  times: Float64Array,
  mgdl: Float64Array,
  options: ReportOptions,
): GlucoseReport {
  const { days, timeZone, end } = options;
  const period = readingsOfPeriod(times, mgdl, options);
  const metrics = glucoseMetrics(period.readings, { timeZone });
  const profile = agp(period.readings, { timeZone });
  const agpCurves: AgpCurves = {
    minutes: profile.minutes,
    p5: finiteOrNull(profile.p5),
    p25: finiteOrNull(profile.p25),
    p50: finiteOrNull(profile.p50),
    p75: finiteOrNull(profile.p75),
    p95: finiteOrNull(profile.p95),
  };
  return {
    available: true,
    period: { start: new Date(period.start).toISOString(), end: new Date(end).toISOString(), days },
    metrics: toReportMetrics(metrics),
    sufficiency: periodSufficiency(period.start, metrics.readings, metrics.intervalMinutes, options),
    ranges: rangesOf(metrics),
    agp: agpCurves,
    daily: dailyTraces(
      period.times,
      period.mgdl,
      firstDateOf(end, Math.min(days, OVERLAY_DAYS), timeZone),
      Math.min(days, OVERLAY_DAYS),
      timeZone,
    ),
    timeZone,
  };
}
