import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Config } from './config.ts';
import { DEMO_DOMAIN } from './demo/index.ts';
import { migrationSources } from './migrations.ts';
import {
  coachingRules,
  createCaseloadRelation,
  createCoachingEraser,
  createCoachingExporter,
  createCoachingModule,
} from './modules/coaching/index.ts';
import {
  consentBundle,
  consentRules,
  createConsentChecker,
  createConsentEraser,
  createConsentExporter,
  createConsentModule,
} from './modules/consent/index.ts';
import {
  createIdentityModule,
  identityRules,
  registerAuthentication,
  requireActor,
} from './modules/identity/index.ts';
import {
  createInsightsEraser,
  createInsightsExporter,
  createInsightsFhirExporter,
  createInsightsModule,
  GLUCOSE_SUMMARY_BATCH,
  insightsRules,
} from './modules/insights/index.ts';
import {
  createMeasurementEraser,
  createMeasurementExporter,
  createMeasurementsModule,
  GLUCOSE_SUMMARY_QUEUE,
  measurementRules,
} from './modules/measurements/index.ts';
import {
  createMembership,
  createParticipantCheck,
  createParticipantEraser,
  createParticipantsModule,
  ERASE_QUEUE,
  participantRules,
} from './modules/participants/index.ts';
import {
  createQuestionnaireEraser,
  createQuestionnaireExporter,
  createQuestionnaireFhirExporter,
  createQuestionnairesModule,
  libraryInstruments,
  questionnaireRules,
  REMINDER_QUEUE,
} from './modules/questionnaires/index.ts';
import {
  createEligibilityEraser,
  createResearchEraser,
  createResearchExporter,
  createResearchModule,
  createStudyRelation,
  researchRules,
} from './modules/research/index.ts';
import { createAccessPolicy } from './platform/access/index.ts';
import { createAudit, createAuditExporter } from './platform/audit/index.ts';
import { auditRoutes, auditRules } from './platform/audit/routes.ts';
import { createChangeExporter } from './platform/changes/index.ts';
import { type Database, migrate, openDatabase } from './platform/db/index.ts';
import { createHttpServer } from './platform/http/index.ts';
import { createJobs } from './platform/jobs/index.ts';
import { createMailer } from './platform/mail/index.ts';
import { outboxRoutes, outboxRules } from './platform/mail/outbox-routes.ts';
import { createTasks } from './platform/tasks/index.ts';

export const WEB_ROOT = fileURLToPath(new URL('../web/dist/', import.meta.url));

export interface BuildOptions {
  /** An open, migrated database to use instead of the configured one (tests). */
  database?: Database;
  /** Serve the built web app from this folder (default: web/dist when it exists). */
  webRoot?: string | null;
  clock?: () => Date;
  /** How often job workers look for work (default 2 s; tests use less). */
  jobPollingSeconds?: number;
}

/**
 * The platform: database → migrations → mail → modules → HTTP, stopped in reverse by `close()`.
 * No globals: tests build as many as they like.
 */
export async function buildApp(config: Config, options: BuildOptions = {}) {
  const ownsDatabase = !options.database;
  const database = options.database ?? (await openDatabase(config.database));
  try {
    if (ownsDatabase) await migrate(database, migrationSources);
    const secret = config.secret ?? platformSecret(config.dataDir);
    const http = await createHttpServer({
      logLevel: config.logLevel,
      trustProxy: config.trustProxy,
      cookieSecret: secret,
      secureCookies: config.session.secureCookies,
      webRoot: options.webRoot === null ? undefined : (options.webRoot ?? WEB_ROOT),
      ready: async () => {
        await sql`SELECT 1`.execute(database.db);
        return true;
      },
    });
    const mailer = await createMailer({
      smtpUrl: config.mail.smtpUrl,
      from: config.mail.from,
      capturePort: config.mail.capturePort,
      db: database.db,
      logger: http.log,
    });
    const tasks = createTasks(http.log);
    const jobs = await createJobs(database, http.log, options.jobPollingSeconds);
    const audit = createAudit(database.db);
    const access = createAccessPolicy(
      {
        rules: {
          ...identityRules,
          ...participantRules,
          ...consentRules,
          ...questionnaireRules,
          ...measurementRules,
          ...insightsRules,
          ...coachingRules,
          ...researchRules,
          ...auditRules,
          ...outboxRules,
        },
        relations: {
          caseload: createCaseloadRelation(database.db),
          study: createStudyRelation(database.db),
        },
        consent: createConsentChecker(database.db),
      },
      audit,
    );
    const identity = createIdentityModule({
      db: database.db,
      access,
      audit,
      mailer,
      tasks,
      secret,
      publicUrl: config.publicUrl,
      session: config.session,
      demoSignIns: config.demo.signIns ? { domain: DEMO_DOMAIN } : null,
      ...(options.clock ? { clock: options.clock } : {}),
    });

    const consent = createConsentModule({
      db: database.db,
      access,
      audit,
      publicUrl: config.publicUrl,
      participantExists: createParticipantCheck(database.db),
      contactOf: identity.contactOf,
      mailer,
      tasks,
      requireActor,
      ...(options.clock ? { clock: options.clock } : {}),
    });

    const participants = createParticipantsModule({
      db: database.db,
      access,
      audit,
      consent: consent.service,
      findAccounts: identity.findAccounts,
      exporters: [
        identity.exportFor,
        createConsentExporter(database.db),
        createQuestionnaireExporter(database.db),
        createMeasurementExporter(database),
        createInsightsExporter(database.db),
        createCoachingExporter(database.db),
        createResearchExporter(database.db),
        createAuditExporter(database.db),
        createChangeExporter(database.db),
      ],
      jobs,
      endSessions: identity.endSessions,
      erasers: [
        createInsightsEraser(database.db),
        createCoachingEraser(database.db),
        createResearchEraser(database.db),
        createMeasurementEraser(database),
        createQuestionnaireEraser(database.db),
        createConsentEraser(database.db),
        createParticipantEraser(database.db),
        createEligibilityEraser(database.db),
        async (participantId) => {
          const contact = await identity.contactOf(participantId);
          const removed = contact && mailer.outbox ? await mailer.outbox.forget(contact.email) : 0;
          return [{ table: 'mail_capture', removed }];
        },
        identity.tombstone,
      ],
      fhirExporters: [createQuestionnaireFhirExporter(database.db), createInsightsFhirExporter(database.db)],
      consentBundle: async (actor) =>
        consentBundle(actor.accountId, await consent.service.state(actor, actor.accountId), config.publicUrl),
      requireActor,
      smallCellMinimum: config.smallCellMinimum,
      ...(options.clock ? { clock: options.clock } : {}),
    });

    const membership = createMembership(database.db);
    const questionnaires = createQuestionnairesModule({
      db: database.db,
      access,
      audit,
      mailer,
      publicUrl: config.publicUrl,
      isMember: membership.isMember,
      mailableContact: async (participantId) =>
        (await membership.wantsMail(participantId)) ? identity.contactOf(participantId) : undefined,
      requireActor,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const measurements = createMeasurementsModule({
      database,
      access,
      isMember: membership.isMember,
      timeZoneOf: membership.timeZone,
      imported: async (participantId) => {
        await jobs.send(GLUCOSE_SUMMARY_QUEUE, { participantId }, { key: participantId });
      },
      requireActor,
      maxUploadBytes: config.maxUploadBytes,
      allowInternalAddresses: config.nightscoutPrivateAddresses,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const insights = createInsightsModule({
      database,
      access,
      timeZonesOf: membership.timeZones,
      requireActor,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const consentChecker = createConsentChecker(database.db);
    const coaching = createCoachingModule({
      db: database.db,
      access,
      isMember: membership.isMember,
      isCoach: async (accountId) => (await identity.rolesOf(accountId)).includes('coach'),
      displayNameOf: async (accountId) => (await identity.contactOf(accountId))?.displayName,
      sharing: async (participantIds) => consentChecker('coach_sharing', participantIds),
      requireActor,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const research = createResearchModule({
      database,
      access,
      secret,
      isMember: membership.isMember,
      isResearcher: async (accountId) => (await identity.rolesOf(accountId)).includes('researcher'),
      smallCellMinimum: config.smallCellMinimum,
      glucoseReport: insights.service.report,
      requireActor,
      extracts: { dir: path.join(config.dataDir, 'extracts'), days: config.extractDays },
      rolesOf: identity.rolesOf,
      jobs,
      publicUrl: config.publicUrl,
      mailer,
      mailableContact: async (participantId) =>
        (await membership.wantsMail(participantId)) ? identity.contactOf(participantId) : undefined,
      invitationMailsPerMinute: config.invitationMailsPerMinute,
      activeQuestionnaires: () => questionnaires.service.inUse(),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    for (const instrument of await libraryInstruments()) {
      await questionnaires.service.installLibraryInstrument(instrument);
    }

    await jobs.work<{ participantId: string }>(ERASE_QUEUE, async (job) => {
      // Mail still on its way (a consent receipt sent just before leaving) lands before it is forgotten.
      await tasks.drain();
      return participants.service.erase(job.participantId);
    });
    // Imports arriving together (a night's Nightscout pulls, a study's upload day) are summarised together.
    await jobs.workInBatches<{ participantId: string }>(
      GLUCOSE_SUMMARY_QUEUE,
      GLUCOSE_SUMMARY_BATCH,
      async (batch) => {
        await insights.service.recomputeMany(batch.map((job) => job.participantId));
      },
    );
    await research.work();
    await jobs.work(REMINDER_QUEUE, () => questionnaires.service.sendDueReminders());
    await jobs.schedule(REMINDER_QUEUE, '0 9 * * *');

    registerAuthentication(http, identity.auth, identity.apiTokens);
    await http.register(identity.routes);
    await http.register(consent.routes);
    await http.register(participants.routes);
    await http.register(questionnaires.routes);
    await http.register(measurements.routes);
    await http.register(insights.routes);
    await http.register(coaching.routes);
    await http.register(research.routes);
    await http.register(auditRoutes({ audit, access, requireActor }));
    if (mailer.outbox) await http.register(outboxRoutes({ outbox: mailer.outbox, access, requireActor }));
    await http.ready();

    return {
      http,
      database,
      mailer,
      audit,
      access,
      identity,
      consent: consent.service,
      participants: participants.service,
      questionnaires: questionnaires.service,
      measurements: measurements.service,
      insights: insights.service,
      coaching: coaching.service,
      research: research.service,
      dataAccess: research.dataAccess,
      news: research.news,
      recruitment: research.recruitment,
      studyTasks: research.tasks,
      jobs,
      tasks,
      config,
      /** Stops accepting requests, lets those in flight finish, then closes mail and the database. */
      async close() {
        const closing = http.close();
        // A connection kept alive after its last answer would hold the close open until the client lets
        // go; requests still running are waited for, connections that fall idle are closed as they do.
        const reaper = setInterval(() => http.server.closeIdleConnections(), 100);
        await closing.finally(() => clearInterval(reaper));
        await tasks.drain();
        await jobs.stop();
        await mailer.close();
        if (ownsDatabase) await database.close();
      },
    };
  } catch (error) {
    if (ownsDatabase) await database.close();
    throw error;
  }
}

export type App = Awaited<ReturnType<typeof buildApp>>;

/** The generated platform key in the data folder, for installations that set no TOPFIT_SECRET. */
function platformSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
