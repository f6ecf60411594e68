import type {
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireResponseItem,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';
import { itemText, type Locale } from './text.ts';

/** Only the `value[x]` of an initial value or an answer option: the shape of an answer. */
const valuePart = (element: object): QuestionnaireResponseItemAnswer =>
  Object.fromEntries(Object.entries(element).filter(([key]) => key.startsWith('value')));

/** The answers an item starts with: its `initial[]` values, then its answer options marked initialSelected. */
export function initialAnswers(item: QuestionnaireItem): QuestionnaireResponseItemAnswer[] {
  const selected = (item.answerOption ?? []).filter((option) => option.initialSelected);
  return [...(item.initial ?? []), ...selected].map(valuePart);
}

function skeleton(
  items: QuestionnaireItem[] | undefined,
  locale: Locale | undefined,
): QuestionnaireResponseItem[] {
  return (items ?? [])
    .filter((item) => item.type !== 'display')
    .map((item) => {
      const text = locale ? itemText(item, locale) : item.text;
      const labelled = { linkId: item.linkId, ...(text !== undefined ? { text } : {}) };
      if (item.type === 'group') return { ...labelled, item: skeleton(item.item, locale) };
      const answer = initialAnswers(item);
      return answer.length > 0 ? { ...labelled, answer } : labelled;
    });
}

/**
 * The response items to start answering from: one per group and question (display items carry no answer),
 * nested as the questionnaire's groups, with the text in the locale when one is given and the initial answers
 * filled in. Children of a question belong under its answers in R4, so they are left to the renderer.
 */
export function initialItems(questionnaire: Questionnaire, locale?: Locale): QuestionnaireResponseItem[] {
  return skeleton(questionnaire.item, locale);
}
