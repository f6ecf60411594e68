import type { AgpProfile, GlucoseMetrics } from '../../science/glucose/index.ts';

/** The periods a glucose report may cover, in local days ending with the day of the latest reading. */
export const REPORT_DAYS = [7, 14, 30, 90] as const;
export type ReportDays = (typeof REPORT_DAYS)[number];

/** The periods whose summaries are stored after every import: the consensus's 14 days, and a quarter. */
export const SUMMARY_DAYS = [14, 90] as const;

/** {@link GlucoseMetrics} as the API and the stored summaries carry them: the times as ISO 8601. */
export type ReportMetrics = Omit<GlucoseMetrics, 'firstTime' | 'lastTime'> & {
  firstTime: string;
  lastTime: string;
};

/**
 * Percentages of readings per consensus range (Battelino 2019), each reading in exactly one of the five:
 * very low < 54, low 54–69, in range 70–180, high 181–250, very high > 250 mg/dL. Time in tight range
 * (70–140) is part of in range.
 */
export interface TimeInRanges {
  veryLow: number;
  low: number;
  inRange: number;
  high: number;
  veryHigh: number;
  tightInRange: number;
}

/** An AGP percentile per time-of-day bin; null for a bin without readings (JSON has no NaN). */
export type AgpCurves = { minutes: number[] } & Record<
  Exclude<keyof AgpProfile, 'minutes'>,
  (number | null)[]
>;

export interface DailyTrace {
  /** The local date, YYYY-MM-DD. */
  date: string;
  /** [minute of the local day, mg/dL]: the mean of the readings in each 5-minute slot of the local clock. */
  points: [number, number][];
}

export interface GlucoseReport {
  available: true;
  /** From the local midnight that begins the first day to the latest reading. */
  period: { start: string; end: string; days: number };
  metrics: ReportMetrics;
  sufficiency: {
    sufficient: boolean;
    days: number;
    activePercent: number;
    requiredDays: number;
    requiredActivePercent: number;
  };
  ranges: TimeInRanges;
  agp: AgpCurves;
  daily: DailyTrace[];
  timeZone: string;
}

export interface NoReport {
  available: false;
  reason: 'no_data' | 'no_consent';
}

export type ReportAnswer = GlucoseReport | NoReport;

/** A stored summary of one period, recomputed after every import. */
export interface SummaryRecord {
  participantId: string;
  id: string;
  days: number;
  periodStart: Date;
  periodEnd: Date;
  timeZone: string;
  metrics: ReportMetrics;
  model: string;
  modelVersion: string;
  computedAt: Date;
}

/** The consensus ranges of a trace's metrics; each a difference of the cumulative percentages. */
export function rangesOf(
  metrics: Pick<GlucoseMetrics, Extract<keyof GlucoseMetrics, `percent${string}`>>,
): TimeInRanges {
  return {
    veryLow: metrics.percentBelow54,
    low: metrics.percentBelow70 - metrics.percentBelow54,
    inRange: metrics.percentIn70to180,
    high: metrics.percentAbove180 - metrics.percentAbove250,
    veryHigh: metrics.percentAbove250,
    tightInRange: metrics.percentIn70to140,
  };
}
