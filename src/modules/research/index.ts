import type { FastifyRequest } from 'fastify';
import type { AccessPolicy, Actor, RelationResolver, Role } from '../../platform/access/index.ts';
import type { Database, Db } from '../../platform/db/index.ts';
import { exportRows, type TableExport } from '../../platform/export/index.ts';
import type { Jobs } from '../../platform/jobs/index.ts';
import type { Mailer } from '../../platform/mail/index.ts';
import { createSecretBox } from '../../platform/secrets/index.ts';
import { createDataAccessService, EXTRACT_EXPIRY_QUEUE, EXTRACT_QUEUE } from './data-access.ts';
import { createNewsService, NEWS_MAIL_QUEUE } from './news.ts';
import { createRecruitmentService, INVITATION_MAIL_QUEUE, INVITATION_REMINDER_QUEUE } from './recruitment.ts';
import { type GlucoseReportReader, researchRoutes } from './routes.ts';
import { createResearchService } from './service.ts';
import { createResearchStore } from './store.ts';
import { createTaskStore } from './task-store.ts';
import { createTaskService, TASK_SWEEP_QUEUE } from './tasks.ts';

export type { DataAccessService } from './data-access.ts';
export type { NewsService } from './news.ts';
export { researchRules } from './policy.ts';
export type { RecruitmentService } from './recruitment.ts';
export type { ResearchService, StudyForParticipant, StudySubject } from './service.ts';
export type { TaskService } from './tasks.ts';

/**
 * The `study` relation of the access policy (built before the module): the subjects taking part (enrolled,
 * or completed) in a study whose team the actor is on.
 */
export function createStudyRelation(db: Db): RelationResolver {
  const store = createResearchStore(db);
  return (actor, subjects) => store.inStudiesOf(actor.accountId, subjects);
}

/** The participant's studies (status and signed consent) for their GDPR export. */
export function createResearchExporter(db: Db) {
  const store = createResearchStore(db);
  const tasks = createTaskStore(db);
  return async (participantId: string): Promise<TableExport[]> => [
    {
      table: 'study_participants',
      description: {
        nl: 'De studies waaraan u meedoet of meedeed: uw status, en de versie en vingerafdruk (SHA-256) van de toestemming die u ondertekende.',
        en: 'The studies you take or took part in: your status, and the version and fingerprint (SHA-256) of the consent you signed.',
      },
      rows: exportRows(
        (await store.participationsOf(participantId)).map((row) => ({
          study_id: row.study_id,
          status: row.status,
          consent_version: row.consent_version,
          consent_sha256: row.consent_sha256,
          signed_at: row.signed_at,
          withdrawn_at: row.withdrawn_at,
        })),
      ),
    },
    {
      table: 'study_news_mailings',
      description: {
        nl: 'Nieuws uit studies dat wij u per e-mail stuurden, en wanneer (leeg: u wilde geen e-mail).',
        en: 'News from studies we e-mailed you, and when (empty: you wanted no e-mail).',
      },
      rows: exportRows(await store.mailingsOf(participantId)),
    },
    {
      table: 'study_invitations',
      description: {
        nl: 'De studies waarvoor u bent uitgenodigd: wanneer, of we u mailden en herinnerden, en uw antwoord.',
        en: 'The studies you were invited to: when, whether we mailed and reminded you, and your answer.',
      },
      rows: exportRows(
        (await store.invitationsOf(participantId)).map((row) => ({
          study_id: row.study_id,
          invited_at: row.invited_at,
          mailed_at: row.mailed_at,
          reminded_at: row.reminded_at,
          response: row.response,
          responded_at: row.responded_at,
        })),
      ),
    },
    {
      table: 'study_tasks',
      description: {
        nl: 'Uw taken in studies: wat, wanneer het kon, en wanneer het gedaan was of verviel.',
        en: 'Your tasks in studies: what, when it could be done, and when it was done or cancelled.',
      },
      rows: exportRows(
        (await tasks.allTasksOf(participantId)).map((row) => ({
          study_id: row.study_id,
          timepoint: row.timepoint,
          occurrence: row.occurrence,
          opens_at: row.opens_at,
          closes_at: row.closes_at,
          data_days: row.data_days,
          completed_at: row.completed_at,
          cancelled_at: row.cancelled_at,
        })),
      ),
    },
    {
      table: 'study_task_notifications',
      description: {
        nl: 'De berichten over uw taken: wanneer gemaild (of waarom niet) en wanneer u de link opende.',
        en: 'The messages about your tasks: when mailed (or why not) and when you opened the link.',
      },
      rows: exportRows(
        (await tasks.notificationsOf(participantId)).map((row) => ({
          task_id: row.task_id,
          kind: row.kind,
          created_at: row.created_at,
          delivery: row.delivery,
          mailed_at: row.mailed_at,
          opened_at: row.opened_at,
        })),
      ),
    },
    {
      table: 'eligibility_facts',
      description: {
        nl: 'Wat studies tellen om te zien wie mee kan doen, afgeleid van uw profiel, toestemmingen, FINDRISC-scores en glucoseoverzicht. Onderzoekers zien alleen aantallen, nooit u.',
        en: 'What studies count to see who can take part, derived from your profile, consents, FINDRISC scores and glucose summary. Researchers see only numbers, never you.',
      },
      rows: exportRows(await store.eligibilityFactsOf(participantId)),
    },
  ];
}

/** Erasure: deletes the participant's study participations; reports the rows removed. */
export function createResearchEraser(db: Db) {
  const store = createResearchStore(db);
  const tasks = createTaskStore(db);
  // Tasks first: they refer to the participations.
  return async (participantId: string) => [
    ...(await tasks.erase(participantId)),
    ...(await store.erase(participantId)),
  ];
}

/**
 * Erasure, after every module whose tables the eligibility facts derive from has erased the participant: their
 * facts and what was announced about them.
 */
export function createEligibilityEraser(db: Db) {
  const store = createResearchStore(db);
  return (participantId: string) => store.forgetEligibility(participantId);
}

/** Research on the panel: studies, their teams, e-consent enrolment, and the `study` relation. */
export function createResearchModule(deps: {
  database: Database;
  access: AccessPolicy;
  /** The platform secret: the studies' pseudonym keys are sealed under a key derived from it. */
  secret: string;
  isMember: (participantId: string) => Promise<boolean>;
  isResearcher: (accountId: string) => Promise<boolean>;
  smallCellMinimum: number;
  glucoseReport: GlucoseReportReader;
  requireActor: (request: FastifyRequest) => Actor;
  /** Where extracts are written, and how many days they stay. */
  extracts: { dir: string; days: number };
  rolesOf: (accountId: string) => Promise<Role[]>;
  jobs: Jobs;
  publicUrl: string;
  mailer: Pick<Mailer, 'send'>;
  /** Where to write to a member who wants e-mail from the Citizen Lab. */
  mailableContact: (participantId: string) => Promise<{ email: string; locale: 'nl' | 'en' } | undefined>;
  /** Invitation e-mails per minute, at most. */
  invitationMailsPerMinute: number;
  /** The questionnaires in use now (a schedule asks for these, by canonical URL). */
  activeQuestionnaires: () => Promise<{ id: string; url: string }[]>;
  clock?: () => Date;
}) {
  const store = createResearchStore(deps.database.db);
  const keys = createSecretBox(deps.secret, 'study-pseudonym-keys');
  const clock = deps.clock ?? (() => new Date());
  const research = createResearchService({
    store,
    access: deps.access,
    keys,
    clock,
    isMember: deps.isMember,
    isResearcher: deps.isResearcher,
    smallCellMinimum: deps.smallCellMinimum,
    activeQuestionnaireUrls: async () => new Set((await deps.activeQuestionnaires()).map((q) => q.url)),
    // The schedule starts on enrolment; `tasks` is made below and only called after both exist.
    onEnrolled: (participantId, studyId) => tasks.start(participantId, studyId),
  });
  const tasks = createTaskService({
    tasks: createTaskStore(deps.database.db),
    studies: store,
    access: deps.access,
    takingPart: research.takingPart,
    clock,
    secret: deps.secret,
    publicUrl: deps.publicUrl,
    activeQuestionnaires: deps.activeQuestionnaires,
    mailableContact: deps.mailableContact,
    send: (message) => deps.mailer.send(message),
  });
  const dataAccess = createDataAccessService({
    database: deps.database,
    store,
    access: deps.access,
    keys,
    clock,
    extractsDir: deps.extracts.dir,
    extractDays: deps.extracts.days,
    rolesOf: deps.rolesOf,
    queueExtract: async (extractId) => {
      await deps.jobs.send(EXTRACT_QUEUE, { extractId }, { key: extractId });
    },
  });
  const news = createNewsService({
    store,
    access: deps.access,
    clock,
    publicUrl: deps.publicUrl,
    mailableContact: deps.mailableContact,
    send: (message) => deps.mailer.send(message),
    queueMailing: async (newsId) => {
      await deps.jobs.send(NEWS_MAIL_QUEUE, { newsId }, { key: newsId });
    },
  });
  const recruitment = createRecruitmentService({
    store,
    access: deps.access,
    clock,
    secret: deps.secret,
    publicUrl: deps.publicUrl,
    smallCellMinimum: deps.smallCellMinimum,
    mailsPerMinute: deps.invitationMailsPerMinute,
    mailableContact: deps.mailableContact,
    send: (message) => deps.mailer.send(message),
    queueMailing: async (batchId, delaySeconds, round) => {
      await deps.jobs.send(
        INVITATION_MAIL_QUEUE,
        { batchId, round },
        { key: `${batchId}:${round}`, startAfterSeconds: delaySeconds },
      );
    },
  });
  return {
    service: research,
    dataAccess,
    news,
    recruitment,
    tasks,
    routes: researchRoutes({
      research,
      dataAccess,
      news,
      recruitment,
      tasks,
      glucoseReport: deps.glucoseReport,
      requireActor: deps.requireActor,
    }),
    /**
     * Runs extracts, news and invitation mailings in this process; deletes expired extracts every hour, sends
     * invitation reminders every day, and sweeps the schedules' tasks every quarter of an hour.
     */
    async work() {
      await deps.jobs.work<{ extractId: string }>(EXTRACT_QUEUE, (job) =>
        dataAccess.runExtract(job.extractId).then(() => ({})),
      );
      await deps.jobs.work(EXTRACT_EXPIRY_QUEUE, async () => ({
        expired: await dataAccess.expireExtracts(),
      }));
      await deps.jobs.schedule(EXTRACT_EXPIRY_QUEUE, '17 * * * *');
      await deps.jobs.work<{ newsId: string }>(NEWS_MAIL_QUEUE, (job) => news.mail(job.newsId));
      await deps.jobs.work<{ batchId: string; round: number }>(INVITATION_MAIL_QUEUE, (job) =>
        recruitment.mailBatch(job.batchId, job.round),
      );
      await deps.jobs.work(INVITATION_REMINDER_QUEUE, () => recruitment.sendReminders());
      await deps.jobs.schedule(INVITATION_REMINDER_QUEUE, '0 10 * * *');
      await deps.jobs.work(TASK_SWEEP_QUEUE, () => tasks.sweep());
      await deps.jobs.schedule(TASK_SWEEP_QUEUE, '*/15 * * * *');
    },
  };
}
