import { randomUUID } from 'node:crypto';
import type {
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireResponseItem,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';
import { type BulkSession, copyRow } from '../../platform/db/index.ts';
import type { FamilyHistory, FindriscAgeBand, Sex } from '../../science/index.ts';
import { scoreResponse } from './scoring.ts';

export const FINDRISC_URL = 'https://topfit.nl/fhir/Questionnaire/findrisc';

/** A FINDRISC form a synthetic citizen filled in: the answers as the form asks them. */
export interface SeedFindrisc {
  participantId: string;
  authoredAt: Date;
  ageBand: FindriscAgeBand;
  sex: Sex;
  heightCm: number;
  weightKg: number;
  waistCm: number;
  dailyActivity: boolean;
  dailyVegetables: boolean;
  bpMedication: boolean;
  highGlucose: boolean;
  familyHistory: FamilyHistory;
}

type Answer = string | number | boolean;

/** Answers for the items of a questionnaire, shaped like a response the web app submits. */
function responseItems(items: QuestionnaireItem[] | undefined, answers: Record<string, Answer>) {
  const out: QuestionnaireResponseItem[] = [];
  for (const item of items ?? []) {
    if (item.type === 'group') {
      const children = responseItems(item.item, answers);
      if (children.length > 0) out.push({ linkId: item.linkId, item: children });
      continue;
    }
    const value = answers[item.linkId];
    if (value === undefined) continue;
    let answer: QuestionnaireResponseItemAnswer;
    if (item.type === 'choice') {
      const option = item.answerOption?.find((o) => o.valueCoding?.code === value)?.valueCoding;
      if (!option) throw new Error(`"${String(value)}" is not an option of ${item.linkId}`);
      answer = { valueCoding: { system: option.system, code: option.code, display: option.display } };
    } else if (item.type === 'boolean') {
      answer = { valueBoolean: value as boolean };
    } else {
      answer = { valueDecimal: value as number };
    }
    out.push({ linkId: item.linkId, answer: [answer] });
  }
  return out;
}

/**
 * Bulk writes of completed questionnaires for synthetic populations (src/demo), inside the caller's
 * transaction: each response is built from the active version of the instrument and scored by the same
 * function that scores a submission, so a demo score is what the form would have given.
 */
export function createQuestionnaireSeeder() {
  let findrisc: { id: string; resource: Questionnaire } | undefined;
  return {
    async findrisc(session: BulkSession, forms: readonly SeedFindrisc[]): Promise<void> {
      if (forms.length === 0) return;
      if (!findrisc) {
        const { rows } = await session.query<{ id: string; resource: Questionnaire }>(
          `SELECT id, resource FROM questionnaires WHERE url = $1 AND status = 'active'`,
          [FINDRISC_URL],
        );
        findrisc = rows[0];
        if (!findrisc) throw new Error('FINDRISC is not installed: install the library before the demo');
      }
      const questionnaire = findrisc;
      const responses: string[] = [];
      const scores: string[] = [];
      for (const form of forms) {
        const items = responseItems(questionnaire.resource.item, {
          'age-band': form.ageBand,
          sex: form.sex,
          height: form.heightCm,
          weight: form.weightKg,
          bmi: Math.round((form.weightKg / (form.heightCm / 100) ** 2) * 10) / 10,
          waist: form.waistCm,
          activity: form.dailyActivity,
          vegetables: form.dailyVegetables,
          'bp-medication': form.bpMedication,
          'high-glucose': form.highGlucose,
          'family-history': form.familyHistory,
        });
        const score = scoreResponse('findrisc', items);
        const at = form.authoredAt.toISOString();
        const responseId = randomUUID();
        responses.push(
          copyRow([
            form.participantId,
            responseId,
            questionnaire.id,
            FINDRISC_URL,
            'completed',
            JSON.stringify(items),
            at,
            at,
            at,
          ]),
        );
        scores.push(
          copyRow([
            form.participantId,
            randomUUID(),
            responseId,
            score.model,
            score.modelVersion,
            score.score,
            score.category,
            score.probability,
            JSON.stringify(score.input),
            JSON.stringify(score.result),
            at,
          ]),
        );
      }
      await session.copyRows(
        'questionnaire_responses',
        [
          'participant_id',
          'id',
          'questionnaire_id',
          'questionnaire_url',
          'status',
          'items',
          'created_at',
          'updated_at',
          'authored_at',
        ],
        responses,
      );
      await session.copyRows(
        'questionnaire_scores',
        [
          'participant_id',
          'id',
          'response_id',
          'model',
          'model_version',
          'score',
          'category',
          'probability',
          'input',
          'result',
          'computed_at',
        ],
        scores,
      );
    },
  };
}

export type QuestionnaireSeeder = ReturnType<typeof createQuestionnaireSeeder>;
