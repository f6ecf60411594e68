import { z } from 'zod';
import { SCORING_MODELS } from './scoring.ts';

const bilingual = z.object({ nl: z.string(), en: z.string() });
const fhirResource = (what: string) => z.record(z.string(), z.unknown()).describe(what);

export const questionnaireSummary = z.object({
  id: z.uuid(),
  url: z.string().describe('The canonical url: the instrument across its versions.'),
  version: z.number().int(),
  status: z.enum(['draft', 'active', 'retired']),
  name: z.string().nullable(),
  title: bilingual,
  scoring: z.enum(SCORING_MODELS).nullable().describe('The model that scores a completed response.'),
  repeatMonths: z.number().int().nullable().describe('Asked again this many months after the last response.'),
  source: z.enum(['library', 'json', 'redcap']),
  itemCount: z
    .number()
    .int()
    .describe('Questions to answer (not counting groups, texts and calculated values).'),
  createdAt: z.date(),
  activatedAt: z.date().nullable(),
  retiredAt: z.date().nullable(),
});
export const questionnaireAnswer = questionnaireSummary.omit({ itemCount: true }).extend({
  resource: fhirResource('The FHIR R4 Questionnaire.'),
});
export const questionnaireList = z.object({ questionnaires: z.array(questionnaireSummary) });
export const listQuery = z.object({
  all: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: every version, drafts and retired ones too (authors only).'),
});
export const idParams = z.object({ id: z.uuid() });
export const importJsonBody = fhirResource('A FHIR R4 Questionnaire (JSON).');
export const importRedcapBody = z.object({
  csv: z.string().min(1).max(2_000_000).describe('The REDCap data dictionary, as exported (CSV).'),
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z][A-Za-z0-9_-]{1,62}$/)
    .describe('A short machine name; it makes the canonical url.'),
  title: z.string().trim().min(1).max(200).optional(),
  language: z.enum(['nl', 'en']).default('nl').describe('The language the dictionary is written in.'),
});
export const redcapAnswer = z.object({
  questionnaire: questionnaireAnswer,
  warnings: z.array(z.object({ line: z.number().int(), message: z.string() })),
});
export const activateBody = z.object({
  repeatMonths: z
    .number()
    .int()
    .min(1)
    .max(120)
    .nullable()
    .default(null)
    .describe('Ask participants again this many months after their last response (null: once).'),
});

const responseItems = z
  .array(z.looseObject({ linkId: z.string().min(1) }))
  .max(2000)
  .describe('QuestionnaireResponse.item: the answers, checked against the questionnaire.');
export const itemsBody = z.object({ item: responseItems });

export const responseAnswer = z.object({
  id: z.uuid(),
  questionnaireId: z.uuid(),
  questionnaireUrl: z.string(),
  status: z.enum(['in-progress', 'completed']),
  item: z.array(z.record(z.string(), z.unknown())),
  createdAt: z.date(),
  updatedAt: z.date(),
  authoredAt: z.date().nullable(),
});

export const scoreAnswer = z.object({
  id: z.uuid(),
  responseId: z.uuid(),
  model: z.enum(SCORING_MODELS),
  modelVersion: z.string(),
  score: z.number(),
  category: z.string(),
  probability: z.number().nullable(),
  input: z.record(z.string(), z.unknown()).describe('The answers the model used.'),
  result: z.record(z.string(), z.unknown()).describe('The model’s full result, e.g. points per factor.'),
  computedAt: z.date(),
});

export const submitAnswer = z.object({
  response: responseAnswer,
  score: scoreAnswer.nullable(),
  insightsOff: z
    .boolean()
    .describe('The questionnaire is scored, but personal insights are off: no score was computed.'),
});

export const taskList = z.object({
  tasks: z.array(
    z.object({
      questionnaire: questionnaireSummary,
      state: z.enum(['new', 'draft', 'done', 'due']),
      lastCompletedAt: z.date().nullable(),
      draftSavedAt: z.date().nullable(),
      dueAt: z.date().nullable(),
    }),
  ),
});

export const responseList = z.object({
  responses: z.array(z.object({ response: responseAnswer, questionnaire: questionnaireSummary })),
});
export const responseDetail = z.object({
  response: responseAnswer,
  questionnaire: questionnaireAnswer,
});
export const scoreList = z.object({ scores: z.array(scoreAnswer) });
export const scoresQuery = z.object({ model: z.enum(SCORING_MODELS).optional() });
