import type { Questionnaire, QuestionnaireResponse, RiskAssessment } from '@medplum/fhirtypes';
import type { QuestionnaireRecord, ResponseRecord, ScoreRecord } from './model.ts';

/** The stored resource with the platform's bookkeeping (id, version, status) as FHIR states it. */
export function toQuestionnaire(record: QuestionnaireRecord): Questionnaire {
  return {
    ...record.resource,
    resourceType: 'Questionnaire',
    id: record.id,
    url: record.url,
    version: String(record.version),
    status: record.status,
  };
}

/** The canonical reference to the exact version a response answered: `url|version`. */
export const canonicalOf = (questionnaire: Pick<QuestionnaireRecord, 'url' | 'version'>) =>
  `${questionnaire.url}|${questionnaire.version}`;

export function toQuestionnaireResponse(
  response: ResponseRecord,
  questionnaire: Pick<QuestionnaireRecord, 'url' | 'version'>,
): QuestionnaireResponse {
  return {
    resourceType: 'QuestionnaireResponse',
    id: response.id,
    questionnaire: canonicalOf(questionnaire),
    status: response.status,
    subject: { reference: `Patient/${response.participantId}` },
    author: { reference: `Patient/${response.participantId}` },
    ...(response.authoredAt ? { authored: response.authoredAt.toISOString() } : {}),
    item: response.items,
  };
}

const MODEL_NAMES: Record<string, string> = {
  findrisc: 'FINDRISC (Finnish Diabetes Risk Score)',
  ada: 'ADA/CDC type 2 diabetes risk test',
};

/** Scoring models that predict a risk (WHO-5 measures well-being, so it is no RiskAssessment). */
export const isRiskModel = (model: string) => model in MODEL_NAMES;

/**
 * A risk score as a FHIR R4 RiskAssessment: the model and its version as `method`, the response it came
 * from as `basis`, and the prediction (FINDRISC's approximate 10-year probability of type 2 diabetes).
 */
export function toRiskAssessment(score: ScoreRecord): RiskAssessment {
  return {
    resourceType: 'RiskAssessment',
    id: score.id,
    status: 'final',
    subject: { reference: `Patient/${score.participantId}` },
    occurrenceDateTime: score.computedAt.toISOString(),
    method: {
      coding: [
        {
          system: 'https://topfit.nl/fhir/CodeSystem/risk-model',
          code: score.model,
          version: score.modelVersion,
          display: MODEL_NAMES[score.model] ?? score.model,
        },
      ],
    },
    code: { text: 'Type 2 diabetes mellitus' },
    basis: [{ reference: `QuestionnaireResponse/${score.responseId}` }],
    prediction: [
      {
        outcome: {
          coding: [
            { system: 'http://snomed.info/sct', code: '44054006', display: 'Diabetes mellitus type 2' },
          ],
        },
        qualitativeRisk: {
          coding: [{ system: 'https://topfit.nl/fhir/CodeSystem/risk-category', code: score.category }],
        },
        ...(score.probability !== null ? { probabilityDecimal: score.probability } : {}),
        ...(score.model === 'findrisc'
          ? { whenRange: { high: { value: 10, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' } } }
          : {}),
      },
    ],
    note: [
      { text: `Score ${score.score} (${score.model} ${score.modelVersion}). A self-test, not a diagnosis.` },
    ],
  };
}
