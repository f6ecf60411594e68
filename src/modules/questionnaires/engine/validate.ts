import type {
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';
import type { z } from 'zod';
import { calculate, calculatedExpressionOf } from './calculate.ts';
import { enabledLinkIds } from './enable-when.ts';
import { EXT, extensionOf, extensionsOf } from './extensions.ts';
import { initialAnswers } from './initial.ts';
import { answerOptions, answersByLinkId, childItems, type LocatedItem, responseItems } from './items.ts';
import { jsonPointer } from './parse.ts';
import { responseShape } from './shape.ts';
import { itemText } from './text.ts';
import {
  compareValues,
  isDate,
  isDateTime,
  isFiniteNumber,
  isQuantity,
  isTime,
  matchesCoding,
  readValue,
  sameValue,
  type Value,
} from './values.ts';

export type IssueCode =
  | 'required'
  | 'type'
  | 'option'
  | 'min_value'
  | 'max_value'
  | 'max_length'
  | 'min_length'
  | 'repeats'
  | 'read_only'
  | 'not_enabled'
  | 'unknown_item'
  | 'group_answer'
  | 'calculated';

export interface ResponseIssue {
  linkId: string;
  /** JSON pointer into the response, e.g. '/item/1/item/0/answer/0'. */
  pointer: string;
  code: IssueCode;
  /** In English, naming the question. */
  message: string;
}

type Answer = QuestionnaireResponseItemAnswer;

interface Context {
  questionnaire: Questionnaire;
  submit: boolean;
  enabled: Set<string>;
  calculated: Map<string, Answer[]>;
  issues: ResponseIssue[];
}

const label = (item: QuestionnaireItem) => `"${itemText(item, 'en') ?? item.linkId}"`;

/** Records an issue with a question; the message starts with the question's label. */
function report(context: Context, item: QuestionnaireItem, pointer: string, code: IssueCode, phrase: string) {
  context.issues.push({ linkId: item.linkId, pointer, code, message: `${label(item)} ${phrase}` });
}

/** A problem with one answer's value: a phrase that follows the question's label. */
type Problem = { code: IssueCode; message: string } | undefined;
type AnswerCheck = (answer: Answer, item: QuestionnaireItem, questionnaire: Questionnaire) => Problem;

const expectValue =
  (key: keyof Answer, fits: (value: unknown) => boolean, what: string): AnswerCheck =>
  (answer) =>
    fits(answer[key]) ? undefined : { code: 'type', message: `needs ${what} (${key}).` };

const isText = (value: unknown) => typeof value === 'string' && value.trim() !== '';
const isInteger = (value: unknown) => Number.isInteger(value) && Math.abs(value as number) <= 2 ** 31 - 1;

/** Whether a value is among the item's options: answerOption values, or codings of a contained value set. */
function isOption(value: Value, item: QuestionnaireItem, questionnaire: Questionnaire) {
  const options = item.answerOption
    ? item.answerOption.flatMap((option) => readValue(option, 'value') ?? [])
    : answerOptions(item, questionnaire).map((coding): Value => ({ kind: 'coding', value: coding }));
  return options.some((option) => option.kind === value.kind && sameValue(value, option));
}

function checkChoice(open: boolean): AnswerCheck {
  return (answer, item, questionnaire) => {
    if (open && isText(answer.valueString)) return undefined;
    const value = readValue(answer, 'value');
    if (!value || !['coding', 'string', 'number'].includes(value.kind)) {
      return { code: 'type', message: open ? 'needs an option or a text.' : 'needs one of the options.' };
    }
    // An external value set cannot be expanded here, so its codes are taken as given.
    const checkable = item.answerOption !== undefined || item.answerValueSet?.startsWith('#');
    return !checkable || isOption(value, item, questionnaire)
      ? undefined
      : { code: 'option', message: 'is answered with a value that is not one of the options.' };
  };
}

function checkQuantity(answer: Answer, item: QuestionnaireItem): Problem {
  const quantity = answer.valueQuantity;
  if (!isQuantity(quantity))
    return { code: 'type', message: 'needs a quantity with a numeric value (valueQuantity).' };
  const units = [...extensionsOf(item, EXT.unitOption), ...extensionsOf(item, EXT.unit)].flatMap(
    (extension) => extension.valueCoding ?? [],
  );
  const unit = { system: quantity.system, code: quantity.code ?? quantity.unit };
  return units.length === 0 || units.some((option) => matchesCoding(unit, option))
    ? undefined
    : { code: 'type', message: `needs one of the units ${units.map((option) => option.code).join(', ')}.` };
}

const TYPE_CHECKS: Partial<Record<string, AnswerCheck>> = {
  boolean: expectValue('valueBoolean', (value) => typeof value === 'boolean', 'yes or no'),
  decimal: expectValue('valueDecimal', isFiniteNumber, 'a number'),
  integer: expectValue('valueInteger', isInteger, 'a whole number'),
  date: expectValue('valueDate', isDate, 'a date: YYYY, YYYY-MM or YYYY-MM-DD'),
  dateTime: expectValue('valueDateTime', isDateTime, 'a date, or a date and time with a time zone'),
  time: expectValue('valueTime', isTime, 'a time: hh:mm:ss'),
  string: expectValue('valueString', isText, 'a text'),
  text: expectValue('valueString', isText, 'a text'),
  url: expectValue('valueUri', isText, 'a URL'),
  choice: checkChoice(false),
  'open-choice': checkChoice(true),
  quantity: checkQuantity,
};

const show = (value: Value) =>
  value.kind === 'quantity'
    ? `${value.value.value} ${value.value.unit ?? value.value.code ?? ''}`.trim()
    : String(value.value);

function checkBounds(context: Context, item: QuestionnaireItem, answer: Answer, pointer: string) {
  const given = readValue(answer, 'value');
  if (!given) return;
  const bound = (url: string) => {
    const extension = extensionOf(item, url);
    return extension && readValue(extension, 'value');
  };
  const [min, max] = [bound(EXT.minValue), bound(EXT.maxValue)];
  if (min && (compareValues(given, min) ?? 0) < 0) {
    report(context, item, pointer, 'min_value', `is below the minimum of ${show(min)}.`);
  }
  if (max && (compareValues(given, max) ?? 0) > 0) {
    report(context, item, pointer, 'max_value', `is above the maximum of ${show(max)}.`);
  }
}

function checkLength(context: Context, item: QuestionnaireItem, answer: Answer, pointer: string) {
  const text = answer.valueString ?? answer.valueUri;
  if (typeof text !== 'string') return;
  // Characters as people count them: code points, not UTF-16 units.
  const length = [...text].length;
  const minLength = extensionOf(item, EXT.minLength)?.valueInteger;
  if (item.maxLength !== undefined && length > item.maxLength) {
    report(context, item, pointer, 'max_length', `is longer than ${item.maxLength} characters.`);
  }
  if (minLength !== undefined && length < minLength) {
    report(context, item, pointer, 'min_length', `is shorter than ${minLength} characters.`);
  }
}

function checkAnswer(context: Context, item: QuestionnaireItem, answer: Answer, pointer: string) {
  const values = Object.keys(answer).filter((key) => key.startsWith('value'));
  const problem =
    values.length === 1
      ? TYPE_CHECKS[item.type]?.(answer, item, context.questionnaire)
      : { code: 'type' as const, message: 'needs exactly one value[x] per answer.' };
  if (problem) return report(context, item, pointer, problem.code, problem.message);
  checkBounds(context, item, answer, pointer);
  checkLength(context, item, answer, pointer);
}

const sameAnswers = (given: Answer[], expected: Answer[]) =>
  given.length === expected.length &&
  given.every((answer, index) => {
    const [a, b] = [readValue(answer, 'value'), readValue(expected[index] ?? {}, 'value')];
    return a !== undefined && b !== undefined && sameValue(a, b);
  });

/** A read-only item may only carry what the questionnaire gives it: its calculation, or its initial value. */
function checkReadOnly(context: Context, item: QuestionnaireItem, answers: Answer[], pointer: string) {
  if (calculatedExpressionOf(item) !== undefined) {
    if (!sameAnswers(answers, context.calculated.get(item.linkId) ?? [])) {
      report(context, item, pointer, 'calculated', 'differs from its calculated value.');
    }
  } else if (!sameAnswers(answers, initialAnswers(item))) {
    report(context, item, pointer, 'read_only', 'is read-only and cannot be answered.');
  }
}

function checkAnswers(context: Context, item: QuestionnaireItem, answers: Answer[], pointer: string) {
  if (item.type === 'group')
    return report(context, item, pointer, 'group_answer', 'is a group: answer its questions.');
  if (item.type === 'display')
    return report(context, item, pointer, 'type', 'is a text and takes no answer.');
  if (!context.enabled.has(item.linkId)) {
    return report(context, item, pointer, 'not_enabled', 'does not apply given the other answers.');
  }
  if (answers.length > 1 && !item.repeats) {
    report(context, item, `${pointer}/answer/1`, 'repeats', 'takes one answer only.');
  }
  if (item.readOnly) return checkReadOnly(context, item, answers, pointer);
  for (const [index, answer] of answers.entries()) {
    checkAnswer(context, item, answer, `${pointer}/answer/${index}`);
  }
}

/** Required applies to enabled questions the participant can answer; a group needs one answered question. */
const mustBeAnswered = (context: Context, item: QuestionnaireItem) =>
  context.submit &&
  item.required === true &&
  !item.readOnly &&
  item.type !== 'display' &&
  context.enabled.has(item.linkId);

function reportRequired(context: Context, item: QuestionnaireItem, pointer: string) {
  const what = item.type === 'group' ? 'needs at least one answered question' : 'needs an answer';
  report(context, item, pointer, 'required', `${what}.`);
}

/** A question or group missing from the response; a missing group is checked as an empty one. */
function checkMissing(context: Context, item: QuestionnaireItem, pointer: string) {
  if (mustBeAnswered(context, item)) reportRequired(context, item, pointer);
  if (item.type === 'group') for (const child of item.item ?? []) checkMissing(context, child, pointer);
}

function checkItem(context: Context, item: QuestionnaireItem, { item: given, pointer }: LocatedItem) {
  const answers = given.answer ?? [];
  if (answers.length > 0) checkAnswers(context, item, answers, pointer);
  const answered =
    item.type === 'group'
      ? responseItems(given).some((located) => located.item.answer?.length)
      : answers.length > 0;
  if (!answered && mustBeAnswered(context, item)) reportRequired(context, item, pointer);
  checkChildren(context, item.item ?? [], given, pointer);
}

function checkChildren(
  context: Context,
  items: QuestionnaireItem[],
  node: Pick<QuestionnaireResponseItem, 'item' | 'answer'>,
  pointer: string,
) {
  const children = childItems(node, pointer);
  for (const { item: given, pointer: at } of children) {
    if (!items.some((item) => item.linkId === given.linkId)) {
      const message = `"${given.linkId}" is not a question at this place in the questionnaire.`;
      context.issues.push({ linkId: given.linkId, pointer: at, code: 'unknown_item', message });
    }
  }
  for (const item of items) {
    const matches = children.filter((child) => child.item.linkId === item.linkId);
    if (matches.length === 0) checkMissing(context, item, `${pointer}/item`);
    // Only a repeating group occurs more than once; a repeating question takes several answers instead.
    const extra = item.type === 'group' && item.repeats ? [] : matches.slice(1);
    for (const { pointer: at } of extra) report(context, item, at, 'repeats', 'occurs more than once.');
    for (const match of matches) checkItem(context, item, match);
  }
}

/** The linkId of the innermost item on a path through raw JSON, or '' above the items. */
function linkIdOn(json: unknown, path: readonly PropertyKey[]): string {
  let [node, linkId] = [json, ''];
  for (const key of path) {
    if (typeof node !== 'object' || node === null) break;
    node = (node as Record<PropertyKey, unknown>)[key];
    const found =
      typeof node === 'object' && node !== null ? (node as { linkId?: unknown }).linkId : undefined;
    if (typeof found === 'string') linkId = found;
  }
  return linkId;
}

function malformed(response: unknown, issue: z.core.$ZodIssue): ResponseIssue {
  const pointer = jsonPointer(issue.path);
  const code = issue.path.at(-1) === 'linkId' ? 'unknown_item' : 'type';
  const message = `The response is malformed at "${pointer}": ${issue.message}`;
  return { linkId: linkIdOn(response, issue.path), pointer, code, message };
}

/**
 * Every issue of a response against its questionnaire, each with a JSON pointer into the response. Draft mode
 * leaves out missing required answers only. Takes any JSON and never throws: a response that is not even
 * shaped like one (items in arrays, each with a linkId) gets only those shape issues.
 */
export function validateResponse(
  questionnaire: Questionnaire,
  response: QuestionnaireResponse | { item?: QuestionnaireResponseItem[] },
  options: {
    mode?: 'submit' | 'draft';
    /** `calculate(questionnaire, response)`, when the caller has it already (it is not cheap). */
    calculated?: QuestionnaireResponse;
  } = {},
): ResponseIssue[] {
  const shaped = responseShape.safeParse(response);
  if (!shaped.success) return shaped.error.issues.map((issue) => malformed(response, issue));
  const full: QuestionnaireResponse = {
    resourceType: 'QuestionnaireResponse',
    status: 'in-progress',
    item: shaped.data.item,
  };
  const context: Context = {
    questionnaire,
    submit: options.mode !== 'draft',
    enabled: enabledLinkIds(questionnaire, full),
    calculated: answersByLinkId(options.calculated ?? calculate(questionnaire, full)),
    issues: [],
  };
  checkChildren(context, questionnaire.item ?? [], full, '');
  return context.issues;
}
