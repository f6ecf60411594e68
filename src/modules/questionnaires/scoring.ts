import type { QuestionnaireResponseItem, QuestionnaireResponseItemAnswer } from '@medplum/fhirtypes';
import {
  ADA_MODEL,
  type AdaAgeBand,
  adaRiskTest,
  bmiOf,
  type FamilyHistory,
  FINDRISC_MODEL,
  type FindriscAgeBand,
  findrisc,
  type Sex,
  WHO5_MODEL,
  who5,
} from '../../science/index.ts';

export const SCORING_MODELS = ['findrisc', 'ada', 'who5'] as const;
export type ScoringModel = (typeof SCORING_MODELS)[number];

export const isScoringModel = (value: unknown): value is ScoringModel =>
  SCORING_MODELS.includes(value as ScoringModel);

/** A model's outcome for one completed response, as stored and as shown to the participant. */
export interface Score {
  model: ScoringModel;
  modelVersion: string;
  score: number;
  category: string;
  /** The model's probability of the outcome where it gives one (FINDRISC: ~10-year risk). */
  probability: number | null;
  /** The answers the model used (FINDRISC also keeps height and weight, for the what-if). */
  input: Record<string, unknown>;
  result: Record<string, unknown>;
}

/** What a model needs from a questionnaire: linkId → the answer type it reads. */
const NEEDS: Record<ScoringModel, Record<string, 'code' | 'boolean' | 'number'>> = {
  findrisc: {
    'age-band': 'code',
    sex: 'code',
    height: 'number',
    weight: 'number',
    waist: 'number',
    activity: 'boolean',
    vegetables: 'boolean',
    'bp-medication': 'boolean',
    'high-glucose': 'boolean',
    'family-history': 'code',
  },
  ada: {
    'age-band': 'code',
    sex: 'code',
    'family-history': 'boolean',
    'high-blood-pressure': 'boolean',
    'physically-active': 'boolean',
    height: 'number',
    weight: 'number',
  },
  who5: { 'who5-1': 'code', 'who5-2': 'code', 'who5-3': 'code', 'who5-4': 'code', 'who5-5': 'code' },
};

const ITEM_TYPES: Record<'code' | 'boolean' | 'number', string[]> = {
  code: ['choice'],
  boolean: ['boolean'],
  number: ['decimal', 'integer', 'quantity'],
};

/**
 * Why a questionnaire cannot be scored by a model (empty when it can): the items the model reads must be
 * there with a fitting type. Checked before a questionnaire that names a model is activated.
 */
export function scoringMismatches(
  model: ScoringModel,
  items: { linkId: string; type: string }[],
): { linkId: string; message: string }[] {
  const byLinkId = new Map(items.map((item) => [item.linkId, item.type]));
  return Object.entries(NEEDS[model]).flatMap(([linkId, kind]) => {
    const type = byLinkId.get(linkId);
    if (type === undefined) return [{ linkId, message: `The ${model} score needs an item "${linkId}".` }];
    if (!ITEM_TYPES[kind].includes(type)) {
      return [
        { linkId, message: `The ${model} score needs "${linkId}" to be ${ITEM_TYPES[kind].join(' or ')}.` },
      ];
    }
    return [];
  });
}

/** Thrown when a completed response lacks an answer the model needs (the questionnaire does not fit it). */
export class ScoringInputError extends Error {}

function answersByLinkId(items: QuestionnaireResponseItem[] | undefined) {
  const answers = new Map<string, QuestionnaireResponseItemAnswer[]>();
  const visit = (list: QuestionnaireResponseItem[] | undefined) => {
    for (const item of list ?? []) {
      if (item.answer?.length) answers.set(item.linkId, item.answer);
      visit(item.item);
      for (const answer of item.answer ?? []) visit(answer.item);
    }
  };
  visit(items);
  return answers;
}

function reader(items: QuestionnaireResponseItem[] | undefined) {
  const answers = answersByLinkId(items);
  const first = (linkId: string) => answers.get(linkId)?.[0];
  return {
    code(linkId: string): string {
      const code = first(linkId)?.valueCoding?.code;
      if (code === undefined) throw new ScoringInputError(`No answer to "${linkId}".`);
      return code;
    },
    boolean(linkId: string, whenUnanswered?: boolean): boolean {
      const value = first(linkId)?.valueBoolean;
      if (value !== undefined) return value;
      if (whenUnanswered !== undefined) return whenUnanswered;
      throw new ScoringInputError(`No answer to "${linkId}".`);
    },
    number(linkId: string): number {
      const answer = first(linkId);
      const value = answer?.valueDecimal ?? answer?.valueInteger ?? answer?.valueQuantity?.value;
      if (value === undefined) throw new ScoringInputError(`No answer to "${linkId}".`);
      return value;
    },
  };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], linkId: string): T {
  if (!allowed.includes(value as T))
    throw new ScoringInputError(`"${value}" is not an answer to "${linkId}".`);
  return value as T;
}

const SEXES: readonly Sex[] = ['male', 'female'];

/** Scores a completed response with a model, from the answers of the library's linkIds. */
export function scoreResponse(model: ScoringModel, items: QuestionnaireResponseItem[] | undefined): Score {
  const answers = reader(items);
  switch (model) {
    case 'findrisc': {
      const heightCm = answers.number('height');
      const weightKg = answers.number('weight');
      const input = {
        ageBand: oneOf<FindriscAgeBand>(
          answers.code('age-band'),
          ['under_45', '45_54', '55_64', 'over_64'],
          'age-band',
        ),
        sex: oneOf(answers.code('sex'), SEXES, 'sex'),
        bmi: bmiOf(weightKg, heightCm),
        waistCm: answers.number('waist'),
        dailyActivity: answers.boolean('activity'),
        dailyVegetables: answers.boolean('vegetables'),
        bpMedication: answers.boolean('bp-medication'),
        highGlucose: answers.boolean('high-glucose'),
        familyHistory: oneOf<FamilyHistory>(
          answers.code('family-history'),
          ['none', 'second_degree', 'first_degree'],
          'family-history',
        ),
      };
      const result = findrisc(input);
      return {
        model,
        modelVersion: FINDRISC_MODEL.version,
        score: result.score,
        category: result.category,
        probability: result.tenYearRiskPercent / 100,
        input: { ...input, heightCm, weightKg },
        result: { ...result },
      };
    }
    case 'ada': {
      const sex = oneOf(answers.code('sex'), SEXES, 'sex');
      const input = {
        ageBand: oneOf<AdaAgeBand>(
          answers.code('age-band'),
          ['under_40', '40_49', '50_59', '60_plus'],
          'age-band',
        ),
        sex,
        gestationalDiabetes: sex === 'female' && answers.boolean('gestational-diabetes', false),
        parentOrSiblingWithDiabetes: answers.boolean('family-history'),
        highBloodPressure: answers.boolean('high-blood-pressure'),
        physicallyActive: answers.boolean('physically-active'),
        bmi: bmiOf(answers.number('weight'), answers.number('height')),
      };
      const result = adaRiskTest(input);
      return {
        model,
        modelVersion: ADA_MODEL.version,
        score: result.score,
        category: result.highRisk ? 'high' : 'not_high',
        probability: null,
        input,
        result: { ...result },
      };
    }
    case 'who5': {
      const values = [1, 2, 3, 4, 5].map((n) => {
        const value = Number(answers.code(`who5-${n}`));
        if (!Number.isInteger(value) || value < 0 || value > 5) {
          throw new ScoringInputError(`"who5-${n}" needs an answer coded 0 to 5.`);
        }
        return value;
      });
      const result = who5(values);
      const category = result.likelyDepression
        ? 'likely_depression'
        : result.poorWellbeing
          ? 'poor_wellbeing'
          : 'good';
      return {
        model,
        modelVersion: WHO5_MODEL.version,
        score: result.percentage,
        category,
        probability: null,
        input: { answers: values },
        result: { ...result },
      };
    }
  }
}
