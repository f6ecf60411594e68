import type {
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireItemEnableWhen,
  QuestionnaireResponse,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';
import { answersByLinkId, flattenItems } from './items.ts';
import { compareValues, readValue, sameValue, type Value } from './values.ts';

type AnswersOf = (linkId: string) => readonly QuestionnaireResponseItemAnswer[];

const ORDER_HOLDS: Record<string, (order: number) => boolean> = {
  '>': (order) => order > 0,
  '<': (order) => order < 0,
  '>=': (order) => order >= 0,
  '<=': (order) => order <= 0,
};

/** One enableWhen, by the R4 definitions of its operator (questionnaire-enable-operator). */
function conditionHolds(
  condition: QuestionnaireItemEnableWhen,
  answers: readonly QuestionnaireResponseItemAnswer[],
) {
  if (condition.operator === 'exists') {
    const answered = answers.length > 0;
    return answered === condition.answerBoolean;
  }
  const expected = readValue(condition, 'answer');
  if (!expected) return false;
  const given = answers.flatMap((answer) => readValue(answer, 'value') ?? []);
  const equal = (value: Value) => sameValue(value, expected);
  if (condition.operator === '=') return given.some(equal);
  // "True if no answer has a value that is equal": so also true while the question is unanswered.
  if (condition.operator === '!=') return !given.some(equal);
  const holds = ORDER_HOLDS[condition.operator];
  if (!holds) return false;
  return given.some((value) => {
    const order = compareValues(value, expected);
    return order !== undefined && holds(order);
  });
}

function conditionsHold(item: QuestionnaireItem, answersOf: AnswersOf): boolean {
  const conditions = item.enableWhen ?? [];
  if (conditions.length === 0) return true;
  const holds = (condition: QuestionnaireItemEnableWhen) =>
    conditionHolds(condition, answersOf(condition.question));
  return item.enableBehavior === 'any' ? conditions.some(holds) : conditions.every(holds);
}

function collectEnabled(
  items: readonly QuestionnaireItem[] | undefined,
  answersOf: AnswersOf,
  into: Set<string>,
) {
  for (const item of items ?? []) {
    if (!conditionsHold(item, answersOf)) continue;
    into.add(item.linkId);
    collectEnabled(item.item, answersOf, into);
  }
}

/** Answers as the conditions see them: a question that is not enabled counts as unanswered (R4). */
const answersWithin =
  (answers: Map<string, QuestionnaireResponseItemAnswer[]>, enabled: Set<string>): AnswersOf =>
  (linkId) =>
    enabled.has(linkId) ? (answers.get(linkId) ?? []) : [];

const sameSet = (a: Set<string>, b: Set<string>) =>
  a.size === b.size && [...a].every((linkId) => b.has(linkId));

/**
 * The linkIds of the enabled items: an item is enabled when its own enableWhen conditions hold and its parent
 * is enabled. Disabling a question hides its answers, which can switch other items in turn, so the set is
 * recomputed until it is stable.
 */
export function enabledLinkIds(questionnaire: Questionnaire, response: QuestionnaireResponse): Set<string> {
  const answers = answersByLinkId(response);
  let enabled = new Set(flattenItems(questionnaire.item).map((item) => item.linkId));
  // Conditions that depend on each other in a cycle may never settle: the bound ends those.
  for (let pass = 0, passes = enabled.size + 1; pass < passes; pass++) {
    const next = new Set<string>();
    collectEnabled(questionnaire.item, answersWithin(answers, enabled), next);
    if (sameSet(next, enabled)) return next;
    enabled = next;
  }
  return enabled;
}

/**
 * Whether the item's own enableWhen conditions hold (its parents are not considered: see `enabledLinkIds`).
 * The question a condition names is found anywhere in the response by linkId.
 */
export function isEnabled(
  item: QuestionnaireItem,
  response: QuestionnaireResponse,
  questionnaire: Questionnaire,
): boolean {
  return conditionsHold(
    item,
    answersWithin(answersByLinkId(response), enabledLinkIds(questionnaire, response)),
  );
}
