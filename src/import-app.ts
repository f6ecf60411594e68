import { pino } from 'pino';
import type { Config } from './config.ts';
import { migrationSources } from './migrations.ts';
import {
  createMeasurementImports,
  GLUCOSE_SUMMARY_QUEUE,
  measurementRules,
} from './modules/measurements/index.ts';
import { createMembership } from './modules/participants/index.ts';
import { createAccessPolicy } from './platform/access/index.ts';
import { createAudit } from './platform/audit/index.ts';
import { migrate, openDatabase } from './platform/db/index.ts';
import { createJobs } from './platform/jobs/index.ts';

/**
 * What `topfit import` needs of the platform, and no more: the database (migrated, as `buildApp` leaves it),
 * the access policy's measurement rules with the audit log, membership, the job queue (to ask for the
 * participant's summaries, which the running platform computes) and the measurement service itself — the
 * same service an upload goes through. The whole platform (HTTP server, mail, every module) held some 60 MB
 * of memory that an import of a gigabyte needs for itself. Stopped by `close()`.
 */
export async function buildImportApp(config: Config) {
  const database = await openDatabase(config.database);
  try {
    await migrate(database, migrationSources);
    // Written to stderr: `topfit import --json` keeps stdout for its summary.
    const log = pino({ level: config.logLevel }, pino.destination(2));
    const jobs = await createJobs(database, log);
    const access = createAccessPolicy({ rules: measurementRules, relations: {} }, createAudit(database.db));
    const membership = createMembership(database.db);
    const measurements = createMeasurementImports({
      database,
      access,
      isMember: membership.isMember,
      timeZoneOf: membership.timeZone,
      imported: async (participantId) => {
        await jobs.send(GLUCOSE_SUMMARY_QUEUE, { participantId }, { key: participantId });
      },
      allowInternalAddresses: config.nightscoutPrivateAddresses,
    });
    return {
      measurements,
      async close() {
        await jobs.stop();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
