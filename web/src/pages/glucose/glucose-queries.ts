import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, queryString } from '../../api.ts';
import type {
  GlucoseReport,
  GlucoseReportDays,
  GlucoseReportUnavailable,
  Locale,
  Trend,
} from '../../api-types.ts';
import { measurementsKey } from '../measurements/measurement-queries.ts';
import type { GlucoseUnit } from './glucose-format.ts';

/**
 * GET /me/glucose/report (or, for a coach, /participants/{id}/glucose/report): the report of the last `days` days
 * up to the latest reading, or why there is none.
 */
export function useGlucoseReport(days: GlucoseReportDays, participantId?: string) {
  const path = participantId
    ? `/participants/${encodeURIComponent(participantId)}/glucose/report`
    : '/me/glucose/report';
  return useQuery({
    queryKey: [...measurementsKey, 'glucose-report', participantId ?? 'me', days],
    queryFn: () => api.get<GlucoseReport | GlucoseReportUnavailable>(`${path}${queryString({ days })}`),
    // Another period keeps the charts in place until the new one is there.
    placeholderData: keepPreviousData,
  });
}

/** GET /me/trends: steps (a total a day) or weight (the day's last value). */
export function useTrend(code: Trend['code'], days: GlucoseReportDays) {
  return useQuery({
    queryKey: [...measurementsKey, 'trend', code, days],
    queryFn: () => api.get<Trend>(`/me/trends${queryString({ code, days })}`),
    placeholderData: keepPreviousData,
  });
}

/** The one-page PDF for the GP: a plain link, so the browser saves or opens what the server sends. */
export const glucosePdfUrl = (days: GlucoseReportDays, unit: GlucoseUnit, lang: Locale): string =>
  `/api/v1/me/glucose/report.pdf${queryString({ days, unit: unit === 'mg/dL' ? 'mgdl' : 'mmol', lang })}`;
