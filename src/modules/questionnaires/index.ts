import { readdir, readFile } from 'node:fs/promises';
import type { Resource } from '@medplum/fhirtypes';
import type { FastifyRequest } from 'fastify';
import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import type { Audit } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import { exportRows, type TableExport } from '../../platform/export/index.ts';
import type { Mailer } from '../../platform/mail/index.ts';
import { isRiskModel, toQuestionnaireResponse, toRiskAssessment } from './fhir.ts';
import { reminderMail } from './mails.ts';
import { questionnaireRoutes } from './routes.ts';
import { createQuestionnaireService } from './service.ts';
import { createQuestionnaireStore } from './store.ts';

export { questionnaireRules } from './policy.ts';
export {
  createQuestionnaireSeeder,
  FINDRISC_URL,
  type QuestionnaireSeeder,
  type SeedFindrisc,
} from './seed.ts';
export type { QuestionnaireService } from './service.ts';
export { completedWithin, scoreReach, scoresWithin } from './store.ts';

/** The queue whose daily job reminds participants of questionnaires that are due again. */
export const REMINDER_QUEUE = 'questionnaire-reminders';

const LIBRARY = new URL('./library/', import.meta.url);

/** The shipped instruments (FINDRISC, ADA, WHO-5, …) as FHIR Questionnaire JSON. */
export async function libraryInstruments(): Promise<unknown[]> {
  const files = (await readdir(LIBRARY)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(files.map(async (file) => JSON.parse(await readFile(new URL(file, LIBRARY), 'utf8'))));
}

/** The participant's questionnaire data for their GDPR export. */
export function createQuestionnaireExporter(db: Db) {
  const store = createQuestionnaireStore(db);
  return async (participantId: string): Promise<TableExport[]> => {
    const [responses, scores, reminders] = await Promise.all([
      store.responsesOf(participantId),
      store.scoresOf(participantId),
      store.remindersOf(participantId),
    ]);
    return [
      {
        table: 'questionnaire_responses',
        description: {
          nl: 'Uw antwoorden op vragenlijsten, ingevuld en in concept, met de versie van de vragenlijst.',
          en: 'Your answers to questionnaires, submitted and draft, with the version of the questionnaire.',
        },
        rows: exportRows(responses.map((r) => ({ ...r }))),
      },
      {
        table: 'questionnaire_scores',
        description: {
          nl: 'De uitkomsten die uit uw antwoorden berekend zijn (zoals uw diabetesrisico), met het model en de versie.',
          en: 'The results computed from your answers (such as your diabetes risk), with the model and its version.',
        },
        rows: exportRows(scores.map((r) => ({ ...r }))),
      },
      {
        table: 'questionnaire_reminders',
        description: {
          nl: 'Herinneringen dat een vragenlijst opnieuw ingevuld kon worden.',
          en: 'Reminders that a questionnaire could be filled in again.',
        },
        rows: exportRows(reminders),
      },
    ];
  };
}

/** The participant's completed responses and risk scores as FHIR resources, for their export's Bundle. */
export function createQuestionnaireFhirExporter(db: Db) {
  const store = createQuestionnaireStore(db);
  return async (participantId: string): Promise<Resource[]> => {
    const [responses, scores, questionnaires] = await Promise.all([
      store.completedResponses(participantId),
      store.scoresOf(participantId),
      store.questionnaires(),
    ]);
    const byId = new Map(questionnaires.map((q) => [q.id, q]));
    return [
      ...responses.flatMap((response) => {
        const questionnaire = byId.get(response.questionnaireId);
        return questionnaire ? [toQuestionnaireResponse(response, questionnaire)] : [];
      }),
      ...scores.filter((score) => isRiskModel(score.model)).map(toRiskAssessment),
    ];
  };
}

/** Erasure: deletes the participant's responses, scores and reminders; reports the rows per table. */
export function createQuestionnaireEraser(db: Db) {
  const store = createQuestionnaireStore(db);
  return (participantId: string) => store.erase(participantId);
}

/** FHIR Questionnaires, the instrument library, responses, scoring and reminders. */
export function createQuestionnairesModule(deps: {
  db: Db;
  access: AccessPolicy;
  audit: Audit;
  mailer: Mailer;
  publicUrl: string;
  isMember: (participantId: string) => Promise<boolean>;
  /** The address and language of a participant who wants e-mail, if they do. */
  mailableContact: (participantId: string) => Promise<{ email: string; locale: 'nl' | 'en' } | undefined>;
  requireActor: (request: FastifyRequest) => Actor;
  clock?: () => Date;
}) {
  const questionnaires = createQuestionnaireService({
    store: createQuestionnaireStore(deps.db),
    access: deps.access,
    audit: deps.audit,
    clock: deps.clock ?? (() => new Date()),
    isMember: deps.isMember,
    async sendReminder(participantId, questionnaire) {
      const contact = await deps.mailableContact(participantId);
      if (!contact) return false;
      await deps.mailer.send(
        reminderMail(
          contact.email,
          contact.locale,
          questionnaire.title[contact.locale],
          `${deps.publicUrl}/questionnaires/${questionnaire.id}`,
        ),
      );
      return true;
    },
  });
  return {
    service: questionnaires,
    routes: questionnaireRoutes({ questionnaires, requireActor: deps.requireActor }),
  };
}
