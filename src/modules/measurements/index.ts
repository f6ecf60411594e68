import type { FastifyRequest } from 'fastify';
import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import type { BulkSession, Database } from '../../platform/db/index.ts';
import { exportRows, type TableExport } from '../../platform/export/index.ts';
import { MGDL_PER_MMOL } from '../../science/glucose/units.ts';
import { CODES, type ObservationCode } from './codes.ts';
import { detectFormat, IMPORTERS } from './importers/index.ts';
import { measurementRoutes } from './routes.ts';
import { createMeasurementService } from './service.ts';
import { createMeasurementStore, type GlucoseReadings, type SeedStream } from './store.ts';

export { CANONICAL_UNIT, CODES, isObservationCode, type ObservationCode } from './codes.ts';
export { fileSource } from './importers/file-source.ts';
export { IMPORT_FORMATS, ImportFileError, type ImportFormat, type ImportSource } from './importers/types.ts';
export type { ImportRecord } from './model.ts';
export { measurementRules } from './policy.ts';
export type { MeasurementService } from './service.ts';
export {
  dailyStepsWithin,
  dataDaysWithin,
  observationsWithin,
  type SeedStream,
  stepsParticipants,
} from './store.ts';

/** The queue whose job recomputes a participant's glucose summaries after an import. */
export const GLUCOSE_SUMMARY_QUEUE = 'glucose-summaries';

/** Codes whose daily value is the day's total; the others report the day's last value. */
const SUMMED_DAILY = new Set<ObservationCode>([CODES.steps]);

function inMgdl({ times, mmol }: GlucoseReadings) {
  const mgdl = new Float64Array(mmol.length);
  for (let i = 0; i < mmol.length; i++) mgdl[i] = (mmol[i] as number) * MGDL_PER_MMOL;
  return { times, mgdl };
}

/**
 * Reading measurements back, for the modules that turn them into insights. It does not check access: the
 * caller (insights, research) decides with its own action in the access policy before it reads.
 */
export function createMeasurementReader(database: Database) {
  const store = createMeasurementStore(database);
  return {
    /**
     * For each participant with continuous CGM readings: the latest (where a report ends), and the readings of
     * the `days` days up to and including it, sorted, in mg/dL as the glucose science takes them; read for all
     * in one statement.
     */
    async recentGlucose(participantIds: string[], days: number) {
      const recent = await store.recentGlucose(participantIds, days);
      return new Map(
        Array.from(
          recent,
          ([id, readings]) => [id, { latest: readings.latest, ...inMgdl(readings) }] as const,
        ),
      );
    },
    /** Per local date: the total (steps) or the day's last value (weight, waist), for [from, to). */
    daily: (participantId: string, code: ObservationCode, from: Date, to: Date, timeZone: string) =>
      store.daily(participantId, code, from, to, timeZone, SUMMED_DAILY.has(code)),
  };
}

export type MeasurementReader = ReturnType<typeof createMeasurementReader>;

/** The participant's observations and imports for their GDPR export. */
export function createMeasurementExporter(database: Database) {
  const store = createMeasurementStore(database);
  return async (participantId: string): Promise<TableExport[]> => {
    const [observations, imports] = await Promise.all([
      store.observationsOf(participantId),
      store.imports(participantId, 10_000),
    ]);
    return [
      {
        table: 'observations',
        description: {
          nl: 'Uw metingen (glucose, stappen, gewicht, …) met de tijd, de waarde in de standaardeenheid, de waarde zoals het bestand die schreef, en het apparaat.',
          en: 'Your measurements (glucose, steps, weight, …) with the time, the value in the standard unit, the value as the file wrote it, and the device.',
        },
        rows: exportRows(observations),
      },
      {
        table: 'observation_imports',
        description: {
          nl: 'De bestanden die u heeft ingelezen, met wat er gelezen, opgeslagen, overgeslagen en afgewezen is.',
          en: 'The files you imported, with what was read, stored, skipped and rejected.',
        },
        rows: exportRows(imports.map(({ participantId: _p, ...rest }) => ({ ...rest }))),
      },
    ];
  };
}

/** Bulk writes of observations for synthetic populations (src/demo). */
export function createMeasurementSeeder(database: Database) {
  const store = createMeasurementStore(database);
  return {
    observations: (session: BulkSession, streams: readonly SeedStream[]) => store.seed(session, streams),
  };
}

/** Erasure: deletes the participant's observations and imports; reports the rows per table. */
export function createMeasurementEraser(database: Database) {
  const store = createMeasurementStore(database);
  return (participantId: string) => store.erase(participantId);
}

/** What the measurement service needs, for the platform and for `topfit import` alike. */
export interface MeasurementServiceOptions {
  database: Database;
  access: AccessPolicy;
  isMember: (participantId: string) => Promise<boolean>;
  timeZoneOf: (participantId: string) => Promise<string | undefined>;
  imported: (participantId: string) => Promise<void>;
  /** Nightscout pulls may reach private-network addresses (off unless the operator allows it). */
  allowInternalAddresses?: boolean;
  clock?: () => Date;
}

/** The measurement service alone, without its HTTP routes: for `topfit import` (see src/import-app.ts). */
export function createMeasurementImports(deps: MeasurementServiceOptions) {
  return createMeasurementService({
    store: createMeasurementStore(deps.database),
    access: deps.access,
    importers: IMPORTERS,
    detectFormat,
    isMember: deps.isMember,
    timeZoneOf: deps.timeZoneOf,
    imported: deps.imported,
    allowInternalAddresses: deps.allowInternalAddresses ?? false,
    clock: deps.clock ?? (() => new Date()),
  });
}

/** Measurements: importing device files and batches, storing observations once, reading them back. */
export function createMeasurementsModule(
  deps: MeasurementServiceOptions & {
    requireActor: (request: FastifyRequest) => Actor;
    maxUploadBytes: number;
  },
) {
  const measurements = createMeasurementImports(deps);
  return {
    service: measurements,
    routes: measurementRoutes({
      measurements,
      requireActor: deps.requireActor,
      maxUploadBytes: deps.maxUploadBytes,
    }),
  };
}
