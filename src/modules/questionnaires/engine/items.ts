import type {
  Coding,
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireItemAnswerOption,
  QuestionnaireResponseItem,
  QuestionnaireResponseItemAnswer,
  ValueSet,
  ValueSetComposeIncludeConceptDesignation,
} from '@medplum/fhirtypes';
import { EXT } from './extensions.ts';
import type { WithElement } from './text.ts';

/** The item types the engine supports: those of FHIR R4 without attachment and reference. */
export const ITEM_TYPES = [
  'group',
  'display',
  'boolean',
  'decimal',
  'integer',
  'date',
  'dateTime',
  'time',
  'string',
  'text',
  'url',
  'choice',
  'open-choice',
  'quantity',
] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/** Items and all their descendants, depth-first in questionnaire order. */
export function flattenItems(items: readonly QuestionnaireItem[] | undefined): QuestionnaireItem[] {
  return (items ?? []).flatMap((item) => [item, ...flattenItems(item.item)]);
}

/** The item with this linkId at any depth. */
export const findItem = (questionnaire: Questionnaire, linkId: string): QuestionnaireItem | undefined =>
  flattenItems(questionnaire.item).find((item) => item.linkId === linkId);

type LocalizedCoding = Coding & WithElement<'display'>;

/**
 * The choices of an item as codings: its answerOptions (strings and integers become codes), or the concepts
 * of the contained value set its `answerValueSet: '#id'` names. External value sets give no options here.
 */
export function answerOptions(item: QuestionnaireItem, questionnaire: Questionnaire): Coding[] {
  if (item.answerOption) return item.answerOption.flatMap(optionCoding);
  const valueSet = containedValueSet(questionnaire, item.answerValueSet);
  return valueSet ? valueSetCodings(valueSet) : [];
}

function optionCoding(option: QuestionnaireItemAnswerOption & WithElement<'valueString'>): LocalizedCoding[] {
  if (option.valueCoding) return [option.valueCoding];
  if (option.valueString !== undefined) {
    const translations = option._valueString ? { _display: option._valueString } : {};
    return [{ code: option.valueString, display: option.valueString, ...translations }];
  }
  if (option.valueInteger !== undefined) {
    return [{ code: String(option.valueInteger), display: String(option.valueInteger) }];
  }
  return [];
}

function containedValueSet(
  questionnaire: Questionnaire,
  reference: string | undefined,
): ValueSet | undefined {
  if (!reference?.startsWith('#')) return undefined;
  return questionnaire.contained?.find(
    (resource): resource is ValueSet =>
      resource.resourceType === 'ValueSet' && resource.id === reference.slice(1),
  );
}

interface Concept {
  system?: string;
  code?: string;
  display?: string;
  designation?: ValueSetComposeIncludeConceptDesignation[];
  contains?: Concept[];
}

/** The expansion when the value set carries one, else the concepts its compose lists. */
function valueSetCodings(valueSet: ValueSet): LocalizedCoding[] {
  if (valueSet.expansion) return flattenContains(valueSet.expansion.contains).map(conceptCoding);
  return (valueSet.compose?.include ?? []).flatMap((include) =>
    (include.concept ?? []).map((concept) => conceptCoding({ ...concept, system: include.system })),
  );
}

const flattenContains = (contains: Concept[] | undefined): Concept[] =>
  (contains ?? []).flatMap((concept) => [concept, ...flattenContains(concept.contains)]);

/** A concept as a coding; its language designations become translations of the display. */
function conceptCoding({ system, code, display, designation }: Concept): LocalizedCoding {
  const translations = (designation ?? []).flatMap(({ language, value }) =>
    language
      ? [
          {
            url: EXT.translation,
            extension: [
              { url: 'lang', valueCode: language },
              { url: 'content', valueString: value },
            ],
          },
        ]
      : [],
  );
  return {
    system,
    code,
    display,
    ...(translations.length > 0 ? { _display: { extension: translations } } : {}),
  };
}

/** A response item with its JSON pointer in the response. */
export interface LocatedItem {
  item: QuestionnaireResponseItem;
  pointer: string;
}

type ResponseNode = { item?: QuestionnaireResponseItem[]; answer?: QuestionnaireResponseItemAnswer[] };

/** The response items directly below a response or a response item: its `item[]`, then its `answer[].item[]`. */
export function childItems(node: ResponseNode, pointer = ''): LocatedItem[] {
  const direct = (node.item ?? []).map((item, index) => ({ item, pointer: `${pointer}/item/${index}` }));
  const underAnswers = (node.answer ?? []).flatMap((answer, a) =>
    (answer.item ?? []).map((item, index) => ({ item, pointer: `${pointer}/answer/${a}/item/${index}` })),
  );
  return [...direct, ...underAnswers];
}

/** Every item of a response at any depth, depth-first. */
export function responseItems(node: ResponseNode, pointer = ''): LocatedItem[] {
  return childItems(node, pointer).flatMap((located) => [
    located,
    ...responseItems(located.item, located.pointer),
  ]);
}

/** The answers given to each linkId, wherever the item sits in the response. */
export function answersByLinkId(response: ResponseNode): Map<string, QuestionnaireResponseItemAnswer[]> {
  const answers = new Map<string, QuestionnaireResponseItemAnswer[]>();
  for (const { item } of responseItems(response)) {
    answers.set(item.linkId, [...(answers.get(item.linkId) ?? []), ...(item.answer ?? [])]);
  }
  return answers;
}
