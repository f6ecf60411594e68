import type { Resource } from '@medplum/fhirtypes';
import type { FastifyRequest } from 'fastify';
import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import type { Database, Db } from '../../platform/db/index.ts';
import { exportRows, type TableExport } from '../../platform/export/index.ts';
import { createMeasurementReader } from '../measurements/index.ts';
import { toCgmObservations } from './fhir.ts';
import { insightsRoutes } from './routes.ts';
import { createInsightsService } from './service.ts';
import { createInsightsStore } from './store.ts';

export type { ReportAnswer, ReportDays } from './model.ts';
export { insightsRules } from './policy.ts';
/** The glucose report's query and answer, for modules that serve it on their own routes (a study's team). */
export { reportAnswer as glucoseReportAnswer, reportQuery as glucoseReportQuery } from './schemas.ts';
export { createInsightsSeeder, type InsightsSeeder, type SeedTrace } from './seed.ts';
export type { InsightsService } from './service.ts';
export { cgmWear, glucoseSummaryWithin } from './store.ts';

/**
 * How many participants' summary jobs one worker takes at a time: one read and one write for all of them, while
 * a batch's readings (up to 91 days each) stay a few tens of megabytes.
 */
export const GLUCOSE_SUMMARY_BATCH = 50;

/** The participant's glucose summaries for their GDPR export. */
export function createInsightsExporter(db: Db) {
  const store = createInsightsStore(db);
  return async (participantId: string): Promise<TableExport[]> => [
    {
      table: 'glucose_summaries',
      description: {
        nl: 'Samenvattingen van uw glucosemetingen over 14 en 90 dagen (zoals tijd in gebied en gemiddelde), met het rekenmodel en de versie.',
        en: 'Summaries of your glucose readings over 14 and 90 days (such as time in range and the mean), with the model and its version.',
      },
      rows: exportRows((await store.summariesOf(participantId)).map((summary) => ({ ...summary }))),
    },
  ];
}

/** The participant's glucose summaries as FHIR Observations (HL7 CGM IG), for their export's Bundle. */
export function createInsightsFhirExporter(db: Db) {
  const store = createInsightsStore(db);
  return async (participantId: string): Promise<Resource[]> =>
    (await store.summariesOf(participantId)).flatMap(toCgmObservations);
}

/** Erasure: deletes the participant's glucose summaries; reports the rows removed. */
export function createInsightsEraser(db: Db) {
  const store = createInsightsStore(db);
  return (participantId: string) => store.erase(participantId);
}

/** Glucose reports (API and PDF), stored summaries and their FHIR form, and trends of steps and weight. */
export function createInsightsModule(deps: {
  database: Database;
  access: AccessPolicy;
  /** The IANA time zones of those of the participants who are members. */
  timeZonesOf: (participantIds: string[]) => Promise<Map<string, string>>;
  requireActor: (request: FastifyRequest) => Actor;
  clock?: () => Date;
}) {
  const insights = createInsightsService({
    store: createInsightsStore(deps.database.db),
    access: deps.access,
    reader: createMeasurementReader(deps.database),
    timeZonesOf: deps.timeZonesOf,
    clock: deps.clock ?? (() => new Date()),
  });
  return {
    service: insights,
    routes: insightsRoutes({ insights, requireActor: deps.requireActor }),
  };
}
