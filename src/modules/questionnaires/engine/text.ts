import type { Coding, Element, Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';
import { EXT, extensionOf, extensionsOf } from './extensions.ts';

export type Locale = 'nl' | 'en';

/** FHIR JSON keeps a primitive's extensions in a sibling `_name` property, which the medplum types leave out. */
export type WithElement<Name extends string> = { [Key in `_${Name}`]?: Element };

/**
 * The text of a string primitive in the locale: the translation extension on its `_x` element when it has
 * one for that language (`en-GB` counts as `en`), else the plain value.
 */
export function localized(
  value: string | undefined,
  element: Element | undefined,
  locale: Locale,
): string | undefined {
  const translation = extensionsOf(element, EXT.translation).find(
    (extension) => extensionOf(extension, 'lang')?.valueCode?.split('-')[0] === locale,
  );
  return extensionOf(translation, 'content')?.valueString ?? value;
}

/** The item's question or heading text in the locale. */
export const itemText = (item: QuestionnaireItem & WithElement<'text'>, locale: Locale) =>
  localized(item.text, item._text, locale);

/** The questionnaire's title in the locale. */
export const questionnaireTitle = (questionnaire: Questionnaire & WithElement<'title'>, locale: Locale) =>
  localized(questionnaire.title, questionnaire._title, locale);

/** An answer option's label in the locale (`display` with its `_display` translations). */
export const optionDisplay = (coding: Coding & WithElement<'display'>, locale: Locale) =>
  localized(coding.display, coding._display, locale);
