import type {
  Coding,
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireItemAnswerOption,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';
import type { TFunction } from 'i18next';
// The server's own engine (pure, browser-safe): the form shows, hides, calculates and checks exactly as the
// server will when the answers arrive.
import {
  answerOptions,
  answersByLinkId,
  calculate,
  calculatedExpressionOf,
  EXT,
  enabledLinkIds,
  extensionOf,
  flattenItems,
  initialItems,
  itemText,
  type Locale,
  localized,
  optionDisplay,
  type ResponseIssue,
  validateResponse,
  type WithElement,
} from '../../../../src/modules/questionnaires/engine/index.ts';

export { itemText, type Locale, type ResponseIssue, validateResponse };

export type Answer = QuestionnaireResponseItemAnswer;

/**
 * The form's state: the answers given so far, per question. A question is keyed by its linkId; inside an
 * instance of a repeating group, by the instance's path first ('medicines[1]/dose'). An instance's own path
 * ('medicines[1]', no answers) marks that it exists, so an instance just added still shows while empty.
 */
export type Answers = Readonly<Record<string, readonly Answer[]>>;

/** Where a question's answers are kept: its linkId after the instance path it sits in ('' outside any). */
export const answerPath = (prefix: string, linkId: string): string => `${prefix}${linkId}`;

/** The path that the questions of one instance of a repeating group start with: 'medicines[1]/'. */
export const instancePrefix = (prefix: string, linkId: string, index: number): string =>
  `${prefix}${linkId}[${index}]/`;

/** The index of the instance a key belongs to, for keys below `${prefix}${linkId}[`; else undefined. */
function instanceIndexOf(key: string, start: string): { index: number; rest: string } | undefined {
  if (!key.startsWith(start)) return undefined;
  const close = key.indexOf(']', start.length);
  const index = Number(key.slice(start.length, close));
  return close === -1 || !Number.isInteger(index) ? undefined : { index, rest: key.slice(close + 1) };
}

/** How many instances of a repeating group the form holds: always at least one. */
export function instanceCount(answers: Answers, prefix: string, linkId: string): number {
  const start = `${prefix}${linkId}[`;
  let count = 1;
  for (const key of Object.keys(answers)) {
    const found = instanceIndexOf(key, start);
    if (found) count = Math.max(count, found.index + 1);
  }
  return count;
}

/** The answers with one more (empty) instance of a repeating group. */
export const addInstance = (answers: Answers, prefix: string, linkId: string): Answers => ({
  ...answers,
  [instancePrefix(prefix, linkId, instanceCount(answers, prefix, linkId)).slice(0, -1)]: [],
});

/** The answers without one instance of a repeating group; the instances after it move up one place. */
export function removeInstance(answers: Answers, prefix: string, linkId: string, index: number): Answers {
  const start = `${prefix}${linkId}[`;
  const next: Record<string, readonly Answer[]> = {};
  for (const [key, given] of Object.entries(answers)) {
    const found = instanceIndexOf(key, start);
    if (!found || found.index < index) next[key] = given;
    else if (found.index > index) next[`${start}${found.index - 1}]${found.rest}`] = given;
  }
  return next;
}

/** An answer without the questions nested below it (the form keeps those under their own key). */
const valueOnly = ({ item: _nested, ...answer }: Answer): Answer => answer;

/** The answers held in response items (a draft, a stored response), keyed as the form keeps them. */
export function answersOf(
  questionnaire: Questionnaire,
  items: readonly QuestionnaireResponseItem[] | undefined,
): Answers {
  const answers: Record<string, Answer[]> = {};
  const collect = (
    questions: readonly QuestionnaireItem[] | undefined,
    given: readonly QuestionnaireResponseItem[],
    prefix: string,
  ) => {
    for (const item of questions ?? []) {
      const matches = given.filter((responseItem) => responseItem.linkId === item.linkId);
      if (item.type === 'group' && item.repeats) {
        // One response item per instance, as FHIR R4 has it.
        matches.forEach((match, index) => {
          const inner = instancePrefix(prefix, item.linkId, index);
          answers[inner.slice(0, -1)] = [];
          collect(item.item, match.item ?? [], inner);
        });
        continue;
      }
      for (const match of matches) {
        const values = match.answer ?? [];
        const key = answerPath(prefix, item.linkId);
        if (item.type !== 'group' && values.length > 0) {
          answers[key] = [...(answers[key] ?? []), ...values.map(valueOnly)];
        }
        collect(item.item, [...(match.item ?? []), ...values.flatMap((answer) => answer.item ?? [])], prefix);
      }
    }
  };
  collect(questionnaire.item, items ?? [], '');
  return answers;
}

/** Where a participant starts: the saved draft, or the questionnaire's initial answers. */
export const startingAnswers = (
  questionnaire: Questionnaire,
  draft: readonly QuestionnaireResponseItem[] | null | undefined,
): Answers => answersOf(questionnaire, draft ?? initialItems(questionnaire));

interface BuildOptions {
  /** Leave out what is not enabled (hidden questions drop their answers). */
  enabled?: ReadonlySet<string>;
  /** Include calculated items; otherwise the server works them out itself. */
  calculated?: boolean;
}

/** A response item as built from the form: its questionnaire item, its key and the prefix of what is below. */
interface Place {
  item: QuestionnaireItem;
  key: string;
  inner: string;
}

/**
 * The answers as QuestionnaireResponse.item, nested as the questionnaire's groups; questions below a question
 * go under its (first) answer, and a repeating group gives one item per instance, as FHIR R4 has it.
 * Unanswered questions and empty groups are left out. `places` gets each item's JSON pointer.
 */
function toResponseItems(
  questionnaire: Questionnaire,
  answers: Answers,
  options: BuildOptions = {},
  places = new Map<string, Place>(),
): QuestionnaireResponseItem[] {
  const build = (
    items: QuestionnaireItem[] | undefined,
    prefix: string,
    pointer: string,
  ): QuestionnaireResponseItem[] => {
    const built: QuestionnaireResponseItem[] = [];
    for (const item of items ?? []) {
      if (item.type === 'display') continue;
      if (options.enabled && !options.enabled.has(item.linkId)) continue;
      const at = `${pointer}/item/${built.length}`;
      if (item.type === 'group') {
        const count = item.repeats ? instanceCount(answers, prefix, item.linkId) : 1;
        for (let index = 0; index < count; index++) {
          const inner = item.repeats ? instancePrefix(prefix, item.linkId, index) : prefix;
          const here = `${pointer}/item/${built.length}`;
          const children = build(item.item, inner, here);
          if (children.length === 0) continue;
          const key = item.repeats ? inner.slice(0, -1) : answerPath(prefix, item.linkId);
          places.set(here, { item, key, inner });
          built.push({ linkId: item.linkId, item: children });
        }
        continue;
      }
      if (!options.calculated && isCalculated(item)) continue;
      const given = answers[answerPath(prefix, item.linkId)] ?? [];
      if (given.length === 0) continue;
      const children = build(item.item, prefix, `${at}/answer/0`);
      places.set(at, { item, key: answerPath(prefix, item.linkId), inner: prefix });
      built.push({
        linkId: item.linkId,
        answer: given.map((answer, index) =>
          index === 0 && children.length > 0 ? { ...answer, item: children } : { ...answer },
        ),
      });
    }
    return built;
  };
  return build(questionnaire.item, '', '');
}

/** The key of a linkId among these items and below, taking the first instance of repeating groups. */
function keyWithin(
  items: readonly QuestionnaireItem[] | undefined,
  linkId: string,
  prefix: string,
): string | undefined {
  for (const item of items ?? []) {
    if (item.linkId === linkId) return answerPath(prefix, linkId);
    const inner = item.type === 'group' && item.repeats ? instancePrefix(prefix, item.linkId, 0) : prefix;
    const found = keyWithin(item.item, linkId, inner);
    if (found) return found;
  }
  return undefined;
}

const asResponse = (item: QuestionnaireResponseItem[]): QuestionnaireResponse => ({
  resourceType: 'QuestionnaireResponse',
  status: 'in-progress',
  item,
});

/** What the form shows and sends for the answers given so far. */
export interface Evaluation {
  /** The linkIds of the items that apply (enableWhen), now. */
  enabled: Set<string>;
  /** The answers of calculated items (BMI), as the engine works them out now, per linkId. */
  calculated: Answers;
  /** What is saved and submitted: the enabled answers; calculated items are left to the server. */
  items: QuestionnaireResponseItem[];
  /** Each item of `items` by its JSON pointer. */
  places: ReadonlyMap<string, Place>;
}

export function evaluate(questionnaire: Questionnaire, answers: Answers): Evaluation {
  // Calculated answers first: a condition may depend on one (show a question when the BMI is above 30).
  const full = calculate(questionnaire, asResponse(toResponseItems(questionnaire, answers)));
  const enabled = enabledLinkIds(questionnaire, full);
  const worked = answersByLinkId(full);
  const calculated: Record<string, Answer[]> = {};
  for (const item of flattenItems(questionnaire.item)) {
    if (isCalculated(item) && enabled.has(item.linkId)) {
      calculated[item.linkId] = (worked.get(item.linkId) ?? []).map(valueOnly);
    }
  }
  const places = new Map<string, Place>();
  const items = toResponseItems(questionnaire, answers, { enabled }, places);
  return { enabled, calculated, items, places };
}

/**
 * The key of the question (or group instance) an issue is about, found through its JSON pointer into the
 * items sent: so a problem in the second medicine shows at the second medicine.
 */
export function issueKey(
  questionnaire: Questionnaire,
  evaluation: Evaluation,
  issue: { linkId: string; pointer?: string | undefined },
): string {
  const segments = (issue.pointer ?? '').split('/');
  for (let length = segments.length; length > 1; length--) {
    const place = evaluation.places.get(segments.slice(0, length).join('/'));
    if (!place) continue;
    if (place.item.linkId === issue.linkId) return place.key;
    return keyWithin(place.item.item, issue.linkId, place.inner) ?? issue.linkId;
  }
  return keyWithin(questionnaire.item, issue.linkId, '') ?? issue.linkId;
}

/** One page of the form: a top-level group, or a run of top-level questions outside any group. */
export interface FormPage {
  key: string;
  group: QuestionnaireItem | undefined;
  items: QuestionnaireItem[];
  /** Every linkId on the page, the group's own included. */
  linkIds: ReadonlySet<string>;
}

const pageOf = (group: QuestionnaireItem | undefined, items: QuestionnaireItem[]): FormPage => ({
  key: group?.linkId ?? items[0]?.linkId ?? 'page',
  group,
  items,
  linkIds: new Set([...(group ? [group.linkId] : []), ...flattenItems(items).map((item) => item.linkId)]),
});

/** The pages of a questionnaire: one per top-level group. */
export function pagesOf(questionnaire: Questionnaire): FormPage[] {
  const pages: FormPage[] = [];
  let loose: QuestionnaireItem[] = [];
  const flush = () => {
    if (loose.length > 0) pages.push(pageOf(undefined, loose));
    loose = [];
  };
  for (const item of questionnaire.item ?? []) {
    if (item.type === 'group') {
      flush();
      pages.push(pageOf(item, item.item ?? []));
    } else {
      loose.push(item);
    }
  }
  flush();
  return pages;
}

/** A page is shown while its group (or one of its questions) applies. */
export const isPageShown = (page: FormPage, enabled: ReadonlySet<string>): boolean =>
  page.group ? enabled.has(page.group.linkId) : page.items.some((item) => enabled.has(item.linkId));

/**
 * The issues of one page. `submit`: everything, required questions included; `draft`: only what is given
 * (a wrong number), so that moving back or saving for later never asks for the rest.
 */
export const pageIssues = (
  questionnaire: Questionnaire,
  items: QuestionnaireResponseItem[],
  page: FormPage,
  mode: 'submit' | 'draft',
): ResponseIssue[] =>
  validateResponse(questionnaire, { item: items }, { mode }).filter((issue) =>
    page.linkIds.has(issue.linkId),
  );

export const isCalculated = (item: QuestionnaireItem): boolean => calculatedExpressionOf(item) !== undefined;

/** The item's unit (questionnaire-unit), as shown: its display, else its code. */
export function unitOf(item: QuestionnaireItem): string | undefined {
  const coding = extensionOf(item, EXT.unit)?.valueCoding;
  return coding?.display ?? coding?.code;
}

/** The units a quantity may be given in: its unitOptions, else its one unit. */
export function unitOptionsOf(item: QuestionnaireItem): Coding[] {
  const options = (item.extension ?? [])
    .filter((extension) => extension.url === EXT.unitOption)
    .flatMap((extension) => extension.valueCoding ?? []);
  const unit = extensionOf(item, EXT.unit)?.valueCoding;
  return options.length > 0 ? options : unit ? [unit] : [];
}

/** A minValue or maxValue: a number, or a date for date questions. */
export function boundOf(item: QuestionnaireItem, which: 'min' | 'max'): number | string | undefined {
  const extension = extensionOf(item, which === 'min' ? EXT.minValue : EXT.maxValue);
  return (
    extension?.valueInteger ??
    extension?.valueDecimal ??
    extension?.valueQuantity?.value ??
    extension?.valueDate ??
    extension?.valueDateTime
  );
}

/** The help texts of a question: its display items. */
export const helpTextsOf = (item: QuestionnaireItem, locale: Locale): string[] =>
  (item.item ?? [])
    .filter((child) => child.type === 'display')
    .flatMap((child) => itemText(child, locale) ?? []);

/** The questionnaire-itemControl code (drop-down, radio-button, check-box …), if any. */
export const itemControlOf = (item: QuestionnaireItem): string | undefined =>
  extensionOf(item, EXT.itemControl)?.valueCodeableConcept?.coding?.[0]?.code;

/** A stable key for an answer value, to match answers with options. */
export function answerKey(answer: Answer): string {
  if (answer.valueCoding) return `coding:${answer.valueCoding.system ?? ''}|${answer.valueCoding.code ?? ''}`;
  if (answer.valueString !== undefined) return `string:${answer.valueString}`;
  if (answer.valueInteger !== undefined) return `integer:${answer.valueInteger}`;
  if (answer.valueDate !== undefined) return `date:${answer.valueDate}`;
  if (answer.valueTime !== undefined) return `time:${answer.valueTime}`;
  return JSON.stringify(answer);
}

/** One option of a choice question: its key, its label in the locale and the answer it gives. */
export interface ChoiceOption {
  key: string;
  label: string;
  answer: Answer;
}

const codingOnly = ({ system, code, display }: Coding): Coding => ({
  ...(system !== undefined ? { system } : {}),
  ...(code !== undefined ? { code } : {}),
  ...(display !== undefined ? { display } : {}),
});

function optionAnswer(option: QuestionnaireItemAnswerOption): Answer | undefined {
  if (option.valueCoding) return { valueCoding: codingOnly(option.valueCoding) };
  if (option.valueString !== undefined) return { valueString: option.valueString };
  if (option.valueInteger !== undefined) return { valueInteger: option.valueInteger };
  if (option.valueDate !== undefined) return { valueDate: option.valueDate };
  if (option.valueTime !== undefined) return { valueTime: option.valueTime };
  return undefined;
}

function optionLabel(
  option: QuestionnaireItemAnswerOption & WithElement<'valueString'>,
  locale: Locale,
): string {
  if (option.valueCoding) return optionDisplay(option.valueCoding, locale) ?? option.valueCoding.code ?? '';
  if (option.valueString !== undefined) {
    return localized(option.valueString, option._valueString, locale) ?? option.valueString;
  }
  return String(option.valueInteger ?? option.valueDate ?? option.valueTime ?? '');
}

/** The options of a choice question: its answerOptions, or the codes of the value set it names. */
export function choiceOptions(
  item: QuestionnaireItem,
  questionnaire: Questionnaire,
  locale: Locale,
): ChoiceOption[] {
  if (item.answerOption) {
    return item.answerOption.flatMap((option) => {
      const answer = optionAnswer(option);
      return answer ? [{ key: answerKey(answer), label: optionLabel(option, locale), answer }] : [];
    });
  }
  return answerOptions(item, questionnaire).map((coding) => {
    const answer = { valueCoding: codingOnly(coding) };
    return { key: answerKey(answer), label: optionDisplay(coding, locale) ?? coding.code ?? '', answer };
  });
}

/** Number, date and date-time formatting in the app's language. */
export interface Formats {
  number: (value: number) => string;
  /** A FHIR date: 2024, 2024-05 or 2024-05-03. */
  date: (value: string) => string;
  dateTime: (value: string) => string;
}

export function formatsFor(locale: Locale): Formats {
  const tag = locale === 'en' ? 'en-GB' : 'nl-NL';
  const number = new Intl.NumberFormat(tag, { maximumFractionDigits: 2 });
  // Dates without a time are calendar days: formatted in UTC, so no time zone moves them a day.
  const day = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'UTC' });
  const month = new Intl.DateTimeFormat(tag, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeStyle: 'short' });
  return {
    number: (value) => number.format(value),
    date: (value) => {
      const [year, monthPart, dayPart] = value.split('-').map(Number);
      if (year === undefined || Number.isNaN(year) || monthPart === undefined) return value;
      const at = Date.UTC(year, monthPart - 1, dayPart ?? 1);
      return dayPart === undefined ? month.format(at) : day.format(at);
    },
    dateTime: (value) => {
      const at = new Date(value);
      return Number.isNaN(at.getTime()) ? value : dateTime.format(at);
    },
  };
}

/** An answer in words, in the app's language: the option's label, yes or no, a number with its unit. */
export function answerText(
  answer: Answer,
  item: QuestionnaireItem,
  questionnaire: Questionnaire,
  locale: Locale,
  t: TFunction,
  formats: Formats,
): string {
  if (answer.valueBoolean !== undefined) return answer.valueBoolean ? t('common.yes') : t('common.no');
  const withUnit = (value: number, unit = unitOf(item)) =>
    unit ? `${formats.number(value)} ${unit}` : formats.number(value);
  if (answer.valueDecimal !== undefined) return withUnit(answer.valueDecimal);
  if (answer.valueQuantity?.value !== undefined) {
    return withUnit(answer.valueQuantity.value, answer.valueQuantity.unit ?? answer.valueQuantity.code);
  }
  if (answer.valueDate !== undefined) return formats.date(answer.valueDate);
  if (answer.valueDateTime !== undefined) return formats.dateTime(answer.valueDateTime);
  if (answer.valueTime !== undefined) return answer.valueTime.slice(0, 5);
  if (answer.valueUri !== undefined) return answer.valueUri;
  const option = choiceOptions(item, questionnaire, locale).find(
    (choice) => choice.key === answerKey(answer),
  );
  if (option) return option.label;
  if (answer.valueInteger !== undefined) return withUnit(answer.valueInteger);
  if (answer.valueString !== undefined) return answer.valueString;
  if (answer.valueCoding) return optionDisplay(answer.valueCoding, locale) ?? answer.valueCoding.code ?? '';
  return '';
}

/** A bound in words: a number with the item's unit, or a date. */
function boundText(item: QuestionnaireItem, which: 'min' | 'max', formats: Formats): string {
  const bound = boundOf(item, which);
  if (typeof bound === 'string') return formats.date(bound);
  if (bound === undefined) return '';
  const unit = unitOf(item);
  return unit ? `${formats.number(bound)} ${unit}` : formats.number(bound);
}

/** A problem with an answer (`ResponseIssue.code`, or a 422's `issue`), in plain words next to the question. */
function issueMessage(
  t: TFunction,
  code: string | undefined,
  item: QuestionnaireItem | undefined,
  formats: Formats,
): string {
  switch (code) {
    case 'required':
      return item?.type === 'group'
        ? t('questionnaire.issues.requiredGroup')
        : t('questionnaire.issues.required');
    case 'type':
      if (item?.type === 'integer') return t('questionnaire.issues.wholeNumber');
      if (item?.type === 'decimal' || item?.type === 'quantity') return t('questionnaire.issues.number');
      if (item?.type === 'date' || item?.type === 'dateTime') return t('questionnaire.issues.date');
      return t('questionnaire.issues.other');
    case 'option':
      return t('questionnaire.issues.option');
    case 'min_value':
      return item
        ? t('questionnaire.issues.min', { min: boundText(item, 'min', formats) })
        : t('questionnaire.issues.other');
    case 'max_value':
      return item
        ? t('questionnaire.issues.max', { max: boundText(item, 'max', formats) })
        : t('questionnaire.issues.other');
    case 'max_length':
      return t('questionnaire.issues.maxLength', { count: item?.maxLength ?? 0 });
    case 'min_length':
      return t('questionnaire.issues.minLength', {
        count: extensionOf(item, EXT.minLength)?.valueInteger ?? 0,
      });
    case 'repeats':
      return t('questionnaire.issues.repeats');
    default:
      return t('questionnaire.issues.other');
  }
}

/** An issue with a question, or with one instance of a repeating group: its linkId and its key in the form. */
export interface FieldIssue {
  linkId: string;
  key: string;
  code: string | undefined;
}

/** The first message per question (key) for a list of issues. */
export function fieldErrorsOf(
  questionnaire: Questionnaire,
  issues: readonly FieldIssue[],
  t: TFunction,
  formats: Formats,
): Record<string, string> {
  const items = new Map(flattenItems(questionnaire.item).map((item) => [item.linkId, item]));
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    if (errors[issue.key] !== undefined) continue;
    errors[issue.key] = issueMessage(t, issue.code, items.get(issue.linkId), formats);
  }
  return errors;
}

/** The questionnaire's description in the locale. */
export const descriptionOf = (questionnaire: Questionnaire & WithElement<'description'>, locale: Locale) =>
  localized(questionnaire.description, questionnaire._description, locale);

/** The questionnaire's copyright (licence and source) in the locale. */
export const copyrightOf = (questionnaire: Questionnaire & WithElement<'copyright'>, locale: Locale) =>
  localized(questionnaire.copyright, questionnaire._copyright, locale);
