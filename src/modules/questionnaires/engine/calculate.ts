import {
  evalFhirPathTyped,
  type FhirPathAtom,
  parseFhirPath,
  type TypedValue,
  toTypedValue,
} from '@medplum/core';
import type {
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';
import { enabledLinkIds } from './enable-when.ts';
import { EXT, extensionOf } from './extensions.ts';
import { flattenItems, responseItems } from './items.ts';
import { responseShape } from './shape.ts';
import { isCoding, isDate, isDateTime, isFiniteNumber, isQuantity, isTime } from './values.ts';

/** Calculations may read each other's results; this many passes settle any chain a questionnaire needs. */
const MAX_PASSES = 5;

/** The FHIRPath of an item's SDC calculatedExpression, if it has one. */
export function calculatedExpressionOf(item: QuestionnaireItem): string | undefined {
  const expression = extensionOf(item, EXT.calculatedExpression)?.valueExpression;
  return expression?.language === 'text/fhirpath' ? expression.expression : undefined;
}

type Answer = QuestionnaireResponseItemAnswer;

const text = (value: unknown): Answer | undefined =>
  ['string', 'number', 'boolean'].includes(typeof value) ? { valueString: String(value) } : undefined;

/** How a FHIRPath result becomes an answer, by item type; a result that does not fit gives no answer. */
const ANSWER_OF: Partial<Record<string, (value: unknown) => Answer | undefined>> = {
  boolean: (value) => (typeof value === 'boolean' ? { valueBoolean: value } : undefined),
  decimal: (value) => (isFiniteNumber(value) ? { valueDecimal: value } : undefined),
  integer: (value) => (Number.isInteger(value) ? { valueInteger: value as number } : undefined),
  date: (value) => (isDate(value) ? { valueDate: value } : undefined),
  dateTime: (value) => (isDateTime(value) ? { valueDateTime: value } : undefined),
  time: (value) => (isTime(value) ? { valueTime: value } : undefined),
  string: text,
  text,
  url: (value) => (typeof value === 'string' ? { valueUri: value } : undefined),
  quantity: (value) => (isQuantity(value) ? { valueQuantity: value } : undefined),
  choice: (value) => (isCoding(value) ? { valueCoding: value } : undefined),
  'open-choice': (value) =>
    isCoding(value) ? { valueCoding: value } : typeof value === 'string' ? { valueString: value } : undefined,
};

// Parsing an expression costs more than evaluating it; questionnaires reuse a handful of expressions.
const parsedExpressions = new Map<string, FhirPathAtom | null>();
function parsed(expression: string): FhirPathAtom | null {
  let atom = parsedExpressions.get(expression);
  if (atom === undefined) {
    try {
      atom = parseFhirPath(expression);
    } catch {
      atom = null;
    }
    if (parsedExpressions.size > 1000) parsedExpressions.clear();
    parsedExpressions.set(expression, atom);
  }
  return atom;
}

function evaluate(expression: string, response: QuestionnaireResponse): TypedValue[] {
  const atom = parsed(expression);
  if (!atom) return [];
  try {
    const resource = toTypedValue(response);
    return evalFhirPathTyped(atom, [resource], { '%resource': resource });
  } catch {
    return [];
  }
}

/** The answers a result gives: none when it is empty, has several values for a single answer, or does not fit. */
function answersFrom(item: QuestionnaireItem, results: TypedValue[]): Answer[] {
  if (results.length > 1 && !item.repeats) return [];
  const answers = results.map((result) => ANSWER_OF[item.type]?.(result.value));
  return answers.every((answer) => answer !== undefined) ? answers : [];
}

/** The questionnaire items from the top down to the item with this linkId. */
function pathTo(items: QuestionnaireItem[] | undefined, linkId: string): QuestionnaireItem[] {
  for (const item of items ?? []) {
    if (item.linkId === linkId) return [item];
    const below = pathTo(item.item, linkId);
    if (below.length > 0) return [item, ...below];
  }
  return [];
}

/** The child of a response node for a questionnaire item, added in questionnaire order when missing. */
function childFor(
  node: { item?: QuestionnaireResponseItem[] },
  siblings: QuestionnaireItem[],
  wanted: QuestionnaireItem,
): QuestionnaireResponseItem {
  const items = node.item ?? [];
  const existing = items.find((item) => item.linkId === wanted.linkId);
  if (existing) return existing;
  const rank = (linkId: string) => siblings.findIndex((sibling) => sibling.linkId === linkId);
  const after = items.findIndex((item) => rank(item.linkId) > rank(wanted.linkId));
  const child = { linkId: wanted.linkId };
  items.splice(after === -1 ? items.length : after, 0, child);
  node.item = items;
  return child;
}

/** Finds or adds (with its groups) the response item for a calculated item; nesting under groups only. */
function itemFor(response: QuestionnaireResponse, questionnaire: Questionnaire, linkId: string) {
  let node: { item?: QuestionnaireResponseItem[] } = response;
  let siblings = questionnaire.item ?? [];
  for (const step of pathTo(questionnaire.item, linkId)) {
    node = childFor(node, siblings, step);
    siblings = step.item ?? [];
  }
  return node as QuestionnaireResponseItem;
}

function setAnswers(
  response: QuestionnaireResponse,
  questionnaire: Questionnaire,
  linkId: string,
  answers: Answer[],
) {
  const targets = responseItems(response)
    .map((located) => located.item)
    .filter((item) => item.linkId === linkId);
  if (targets.length === 0 && answers.length > 0) targets.push(itemFor(response, questionnaire, linkId));
  for (const target of targets) {
    if (answers.length > 0) target.answer = answers;
    else delete target.answer;
  }
}

/**
 * A copy of the response with every enabled item that has a calculatedExpression answered with its result
 * (evaluated with `%resource` = the response), and disabled ones unanswered. A failing expression or a result
 * that does not fit the item's type leaves the item unanswered; this never throws.
 */
export function calculate(
  questionnaire: Questionnaire,
  response: QuestionnaireResponse,
): QuestionnaireResponse {
  const calculated = flattenItems(questionnaire.item).flatMap((item) => {
    const expression = calculatedExpressionOf(item);
    return expression === undefined ? [] : [{ item, expression }];
  });
  const result = structuredClone(response);
  // Calculations read the response's structure; a response not shaped like one has nothing to calculate.
  if (calculated.length === 0 || !responseShape.safeParse(response).success) return result;
  let previous = '';
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const enabled = enabledLinkIds(questionnaire, result);
    const results = calculated.map(({ item, expression }) =>
      enabled.has(item.linkId) ? answersFrom(item, evaluate(expression, result)) : [],
    );
    // Stable when a pass computes what the one before it did: no calculation depends on a changed one.
    const fingerprint = JSON.stringify(results);
    if (fingerprint === previous) break;
    previous = fingerprint;
    calculated.forEach(({ item }, index) => {
      setAnswers(result, questionnaire, item.linkId, results[index] ?? []);
    });
  }
  return result;
}
