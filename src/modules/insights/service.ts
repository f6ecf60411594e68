import type { Bundle, Observation } from '@medplum/fhirtypes';
import type { AccessPolicy, Actor, Purpose } from '../../platform/access/index.ts';
import { DomainError } from '../../platform/errors/index.ts';
import { DEFAULT_TIME_ZONE } from '../../science/glucose/local-time.ts';
import type { MeasurementReader } from '../measurements/index.ts';
import { addDays, localDateOf, startOfLocalDay } from './calendar.ts';
import { cgmSummaryBundle } from './fhir.ts';
import { type ReportAnswer, type ReportDays, SUMMARY_DAYS, type SummaryRecord } from './model.ts';
import { type GlucoseUnit, type ReportLanguage, renderGlucosePdf } from './pdf.ts';
import { glucoseReport } from './report.ts';
import type { InsightsStore } from './store.ts';
import { summarize } from './summaries.ts';
import { TRENDS, type Trend } from './trends.ts';

export interface InsightsDeps {
  store: InsightsStore;
  access: AccessPolicy;
  reader: Pick<MeasurementReader, 'recentGlucose' | 'daily'>;
  /** The participants' IANA zones; a participant who is not a member is absent (then Europe/Amsterdam). */
  timeZonesOf: (participantIds: string[]) => Promise<Map<string, string>>;
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
    (await deps.timeZonesOf([participantId])).get(participantId) ?? DEFAULT_TIME_ZONE;

  /** Why someone reads another's glucose when the route does not say: by the role that could allow it. */
  const purposeOf = (actor: Actor, participantId: string): Purpose =>
    actor.accountId === participantId
      ? 'self_service'
      : actor.roles.includes('coach')
        ? 'coaching'
        : actor.roles.includes('researcher')
          ? 'research'
          : 'support';

  const requireGlucoseRead = (
    actor: Actor,
    participantId: string,
    purpose = purposeOf(actor, participantId),
  ) => access.require(actor, { action: 'glucose.read', purpose, subject: participantId });

  /**
   * The report; `purpose` is given by routes that know why it is read (a study team's route: research), which
   * the audit log keeps.
   */
  async function report(
    actor: Actor,
    participantId: string,
    days: ReportDays,
    purpose?: Purpose,
  ): Promise<ReportAnswer> {
    try {
      await requireGlucoseRead(actor, participantId, purpose);
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
    // A day more than the period: where its first local day begins depends on the zone.
    const recent = (await reader.recentGlucose([participantId], days + 1)).get(participantId);
    if (!recent || recent.times.length === 0) return { available: false, reason: 'no_data' };
    const timeZone = await timeZoneOf(participantId);
    return glucoseReport(recent.times, recent.mgdl, { days, timeZone, end: recent.latest.getTime() });
  }

  async function recomputeMany(participantIds: string[]): Promise<{ stored: number; removed: number }> {
    const ids = [...new Set(participantIds)];
    const decisions = await Promise.all(
      ids.map((id) =>
        access.check(forTheParticipant(id), {
          action: 'glucose.compute',
          purpose: 'self_service',
          subject: id,
        }),
      ),
    );
    const allowed = ids.filter((_, i) => decisions[i]?.allowed);
    // A day more than the longest period: where its first local day begins depends on the zone.
    const readings = await reader.recentGlucose(allowed, Math.max(...SUMMARY_DAYS) + 1);
    const zones = await deps.timeZonesOf([...readings.keys()]);
    const computedAt = clock();
    const summaries = new Map<string, SummaryRecord[]>(ids.map((id) => [id, []]));
    for (const [id, recent] of readings) {
      summaries.set(id, summarize(id, recent, zones.get(id) ?? DEFAULT_TIME_ZONE, computedAt));
    }
    return store.replaceMany(summaries);
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
    recompute: (participantId: string) => recomputeMany([participantId]),

    /** `recompute` for many participants at once: one read of everyone's readings, one write of the results. */
    recomputeMany,
  };
}

export type InsightsService = ReturnType<typeof createInsightsService>;
