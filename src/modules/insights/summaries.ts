import { randomUUID } from 'node:crypto';
import { GLUCOSE_METRICS_MODEL } from '../../science/glucose/index.ts';
import { SUMMARY_DAYS, type SummaryRecord } from './model.ts';
import { periodMetrics } from './report.ts';

/**
 * The stored summaries of a participant's readings: the consensus metrics of the 14 and the 90 local days
 * ending with the day of the latest reading. None without readings.
 * @param readings ascending epoch ms and mg/dL, as the measurement reader returns them
 */
export function summarize(
  participantId: string,
  readings: { times: Float64Array; mgdl: Float64Array },
  timeZone: string,
  computedAt: Date,
): SummaryRecord[] {
  const { times, mgdl } = readings;
  if (times.length === 0) return [];
  const end = times[times.length - 1] as number;
  return SUMMARY_DAYS.map((days) => {
    const { start, metrics } = periodMetrics(times, mgdl, { days, timeZone, end });
    return {
      participantId,
      id: randomUUID(),
      days,
      periodStart: new Date(start),
      periodEnd: new Date(end),
      timeZone,
      metrics,
      model: GLUCOSE_METRICS_MODEL.id,
      modelVersion: GLUCOSE_METRICS_MODEL.version,
      computedAt,
    };
  });
}
