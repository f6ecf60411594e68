import type { Element } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { EXT, extensionOf, extensionsOf } from './extensions.ts';
import { itemText, localized, optionDisplay, questionnaireTitle } from './text.ts';

const translated = (...translations: [lang: string, content: string][]): Element => ({
  extension: translations.map(([lang, content]) => ({
    url: EXT.translation,
    extension: [
      { url: 'lang', valueCode: lang },
      { url: 'content', valueString: content },
    ],
  })),
});

describe('extensions', () => {
  it('names the canonical URLs', () => {
    expect(EXT.translation).toBe('http://hl7.org/fhir/StructureDefinition/translation');
    expect(EXT.calculatedExpression).toBe(
      'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression',
    );
    expect(EXT.scoringModel).toBe('https://topfit.nl/fhir/StructureDefinition/scoring-model');
  });

  it('finds extensions by URL, and none on an element without them', () => {
    const element = {
      extension: [{ url: 'a', valueInteger: 1 }, { url: 'b' }, { url: 'a', valueInteger: 2 }],
    };
    expect(extensionsOf(element, 'a').map((extension) => extension.valueInteger)).toEqual([1, 2]);
    expect(extensionOf(element, 'a')?.valueInteger).toBe(1);
    expect(extensionOf(element, 'c')).toBeUndefined();
    expect(extensionsOf(undefined, 'a')).toEqual([]);
  });
});

describe('localized texts', () => {
  it('takes the translation for the locale from the _x element', () => {
    expect(localized('Lengte', translated(['en', 'Height']), 'en')).toBe('Height');
  });

  it('falls back to the plain value without a translation for the locale', () => {
    expect(localized('Lengte', translated(['de', 'Größe']), 'en')).toBe('Lengte');
    expect(localized('Lengte', undefined, 'en')).toBe('Lengte');
    expect(localized('Lengte', translated(['en', 'Height']), 'nl')).toBe('Lengte');
    expect(localized(undefined, undefined, 'nl')).toBeUndefined();
  });

  it('counts a regional language tag as its language', () => {
    expect(localized('Lengte', translated(['en-GB', 'Height']), 'en')).toBe('Height');
  });

  it('reads item texts, titles and option displays', () => {
    expect(
      itemText({ linkId: 'a', type: 'string', text: 'Naam', _text: translated(['en', 'Name']) }, 'en'),
    ).toBe('Name');
    const questionnaire = { resourceType: 'Questionnaire', status: 'active', title: 'Vragen' } as const;
    expect(questionnaireTitle({ ...questionnaire, _title: translated(['en', 'Questions']) }, 'en')).toBe(
      'Questions',
    );
    expect(questionnaireTitle(questionnaire, 'en')).toBe('Vragen');
    expect(optionDisplay({ code: 'm', display: 'Man', _display: translated(['en', 'Male']) }, 'en')).toBe(
      'Male',
    );
    expect(optionDisplay({ code: 'm' }, 'en')).toBeUndefined();
  });
});
