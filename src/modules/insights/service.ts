import type { Bundle, Observation } from '@medplum/fhirtypes';
import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import { DomainError } from '../../platform/errors/index.ts';
import { DEFAULT_TIME_ZONE } from '../../science/glucose/local-time.ts';
import type { MeasurementReader } from '../measurements/index.ts';
import { addDays, localDateOf, startOfLocalDay } from './calendar.ts';
import { cgmSummaryBundle } from './fhir.ts';
import { type ReportAnswer, type ReportDays, SUMMARY_DAYS, type SummaryRecord } from './model.ts';
import { type GlucoseUnit, type ReportLanguage, renderGlucosePdf } from './pdf.ts';
import { glucoseReport, periodStart } from './report.ts';
import type { InsightsStore } from './store.ts';
import { summarize } from './summaries.ts';
import { TRENDS, type Trend } from './trends.ts';

export interface InsightsDeps {
  store: InsightsStore;
  access: AccessPolicy;
  reader: Pick<MeasurementReader, 'glucose' | 'latestGlucoseTime' | 'daily'>;
  /** The participant's IANA zone; undefined for someone who is not a member (then Europe/Amsterdam). */
  timeZoneOf: (participantId: string) => Promise<string | undefined>;
  clock: () => Date;
}

/** The platform processing a participant's own data for them (the job after an import), as the policy sees it. */
const forTheParticipant = (participantId: string): Actor => ({
  accountId: participantId,
  roles: [],
  mfaVerified: false,
});

export function createInsightsService(deps: InsightsDeps) {
  const { store, access, reader, clock } = deps;
  const timeZoneOf = async (participantId: string) =>
    (await deps.timeZoneOf(participantId)) ?? DEFAULT_TIME_ZONE;

  const requireGlucoseRead = (actor: Actor, participantId: string) =>
    access.require(actor, {
      action: 'glucose.read',
      purpose:
        actor.accountId === participantId
          ? 'self_service'
          : actor.roles.includes('coach')
            ? 'coaching'
            : 'support',
      subject: participantId,
    });

  async function report(actor: Actor, participantId: string, days: ReportDays): Promise<ReportAnswer> {
    try {
      await requireGlucoseRead(actor, participantId);
    } catch (error) {
      // The participant's own page explains what is missing; anyone else is simply refused.
      if (
        error instanceof DomainError &&
        error.code === 'consent_required' &&
        actor.accountId === participantId
      ) {
        return { available: false, reason: 'no_consent' };
      }
      throw error;
    }
    const latest = await reader.latestGlucoseTime(participantId);
    if (!latest) return { available: false, reason: 'no_data' };
    const timeZone = await timeZoneOf(participantId);
    const end = latest.getTime();
    const { times, mgdl } = await reader.glucose(
      participantId,
      new Date(periodStart(end, days, timeZone)),
      new Date(end + 1),
    );
    // Readings removed since the latest was looked up leave nothing to report.
    if (times.length === 0) return { available: false, reason: 'no_data' };
    return glucoseReport(times, mgdl, { days, timeZone, end });
  }

  return {
    /** The glucose report of the `days` local days ending with the day of the latest reading. */
    report,

    /** The participant's own report as one A4 page. */
    async pdf(
      actor: Actor,
      options: { days: ReportDays; unit: GlucoseUnit; lang: ReportLanguage },
    ): Promise<Buffer> {
      const answer = await report(actor, actor.accountId, options.days);
      if (!answer.available) {
        throw answer.reason === 'no_consent'
          ? new DomainError('consent_required', 'Allow personal insights to get a glucose report.')
          : new DomainError('not_found', 'There are no glucose readings to report yet.');
      }
      return renderGlucosePdf(answer, { unit: options.unit, lang: options.lang, generatedAt: clock() });
    },

    /** Daily steps (the day's total) or weight (the day's last) over the `days` local days up to today. */
    async trends(actor: Actor, participantId: string, trend: Trend, days: number) {
      await access.require(actor, {
        action: 'measurements.read',
        purpose: 'self_service',
        subject: participantId,
      });
      const timeZone = await timeZoneOf(participantId);
      const today = localDateOf(clock().getTime(), timeZone);
      const from = startOfLocalDay(addDays(today, 1 - days), timeZone);
      const to = startOfLocalDay(addDays(today, 1), timeZone);
      const { code, unit } = TRENDS[trend];
      const points = await reader.daily(participantId, code, new Date(from), new Date(to), timeZone);
      return { code: trend, unit, points };
    },

    /** The stored summaries (14 and 90 days), shortest period first. */
    async summaries(actor: Actor, participantId: string): Promise<SummaryRecord[]> {
      await requireGlucoseRead(actor, participantId);
      return store.summariesOf(participantId);
    },

    /** The stored summaries as FHIR Observations (HL7 CGM IG) in a Bundle of type collection. */
    async fhirSummaries(actor: Actor, participantId: string): Promise<Bundle<Observation>> {
      await requireGlucoseRead(actor, participantId);
      return cgmSummaryBundle(await store.summariesOf(participantId), clock());
    },

    /**
     * After an import: the summaries of the 14 and the 90 local days ending with the day of the latest reading,
     * replacing those stored before. Only while the participant allows personal insights; without that
     * consent, or without readings, the stored summaries are removed and nothing is computed.
     */
    async recompute(participantId: string): Promise<{ stored: number; removed: number }> {
      const { allowed } = await access.check(forTheParticipant(participantId), {
        action: 'glucose.compute',
        purpose: 'self_service',
        subject: participantId,
      });
      const latest = allowed ? await reader.latestGlucoseTime(participantId) : null;
      if (!latest) {
        const [erased] = await store.erase(participantId);
        return { stored: 0, removed: erased?.removed ?? 0 };
      }
      const timeZone = await timeZoneOf(participantId);
      const end = latest.getTime();
      const longest = Math.max(...SUMMARY_DAYS);
      const { times, mgdl } = await reader.glucose(
        participantId,
        new Date(periodStart(end, longest, timeZone)),
        new Date(end + 1),
      );
      const summaries = summarize(participantId, { times, mgdl }, timeZone, clock());
      await store.replace(participantId, summaries);
      return { stored: summaries.length, removed: 0 };
    },
  };
}

export type InsightsService = ReturnType<typeof createInsightsService>;
