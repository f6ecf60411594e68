import type { Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { EXT } from './extensions.ts';
import {
  answerOptions,
  answersByLinkId,
  childItems,
  findItem,
  flattenItems,
  responseItems,
} from './items.ts';
import { optionDisplay } from './text.ts';

const questionnaire: Questionnaire = {
  resourceType: 'Questionnaire',
  status: 'active',
  contained: [
    {
      resourceType: 'ValueSet',
      id: 'composed',
      status: 'active',
      compose: {
        include: [
          {
            system: 'https://example.org/colours',
            concept: [
              { code: 'red', display: 'Rood', designation: [{ language: 'en', value: 'Red' }] },
              { code: 'blue', display: 'Blauw' },
            ],
          },
        ],
      },
    },
    {
      resourceType: 'ValueSet',
      id: 'expanded',
      status: 'active',
      expansion: {
        timestamp: '2024-01-01',
        contains: [
          { system: 's', code: 'a', contains: [{ system: 's', code: 'a1' }] },
          { system: 's', code: 'b' },
        ],
      },
    },
  ],
  item: [
    {
      linkId: 'g1',
      type: 'group',
      item: [
        { linkId: 'q1', type: 'string' },
        { linkId: 'g2', type: 'group', item: [{ linkId: 'q2', type: 'integer' }] },
      ],
    },
    { linkId: 'q3', type: 'boolean' },
  ],
};

const choice = (item: Partial<QuestionnaireItem>): QuestionnaireItem => ({
  linkId: 'c',
  type: 'choice',
  ...item,
});

describe('questionnaire items', () => {
  it('flattens depth-first in questionnaire order', () => {
    expect(flattenItems(questionnaire.item).map((item) => item.linkId)).toEqual([
      'g1',
      'q1',
      'g2',
      'q2',
      'q3',
    ]);
    expect(flattenItems(undefined)).toEqual([]);
  });

  it('finds an item at any depth', () => {
    expect(findItem(questionnaire, 'q2')?.type).toBe('integer');
    expect(findItem(questionnaire, 'nope')).toBeUndefined();
  });
});

describe('answer options', () => {
  it('turns codings, strings and integers into codings', () => {
    const item = choice({
      answerOption: [
        { valueCoding: { system: 's', code: 'x', display: 'X' } },
        { valueString: 'vrij' },
        { valueInteger: 3 },
      ],
    });
    expect(answerOptions(item, questionnaire)).toEqual([
      { system: 's', code: 'x', display: 'X' },
      { code: 'vrij', display: 'vrij' },
      { code: '3', display: '3' },
    ]);
  });

  it('keeps the translations of a string option', () => {
    const translation = {
      url: EXT.translation,
      extension: [
        { url: 'lang', valueCode: 'en' },
        { url: 'content', valueString: 'free' },
      ],
    };
    const translatedOption = { valueString: 'vrij', _valueString: { extension: [translation] } };
    const [option] = answerOptions(choice({ answerOption: [translatedOption] }), questionnaire);
    expect(option && optionDisplay(option, 'en')).toBe('free');
  });

  it('reads a bundled value set from its compose, with designations as translations', () => {
    const options = answerOptions(choice({ answerValueSet: '#composed' }), questionnaire);
    expect(options.map((option) => [option.system, option.code])).toEqual([
      ['https://example.org/colours', 'red'],
      ['https://example.org/colours', 'blue'],
    ]);
    expect(options.map((option) => optionDisplay(option, 'en'))).toEqual(['Red', 'Blauw']);
  });

  it('reads a bundled value set from its expansion, nested concepts included', () => {
    const options = answerOptions(choice({ answerValueSet: '#expanded' }), questionnaire);
    expect(options.map((option) => option.code)).toEqual(['a', 'a1', 'b']);
  });

  it('has no options for an external or missing value set', () => {
    expect(answerOptions(choice({ answerValueSet: 'http://loinc.org/vs/LL1-9' }), questionnaire)).toEqual([]);
    expect(answerOptions(choice({ answerValueSet: '#missing' }), questionnaire)).toEqual([]);
    expect(answerOptions(choice({}), questionnaire)).toEqual([]);
  });
});

describe('response items', () => {
  const response = {
    item: [
      { linkId: 'g1', item: [{ linkId: 'q1', answer: [{ valueString: 'a' }] }] },
      {
        linkId: 'q',
        answer: [{ valueBoolean: true, item: [{ linkId: 'child', answer: [{ valueInteger: 1 }] }] }],
      },
      { linkId: 'q1', answer: [{ valueString: 'b' }] },
    ],
  };

  it('locates children with JSON pointers, those nested under answers too', () => {
    expect(childItems(response.item[1] ?? {}, '/item/1').map((located) => located.pointer)).toEqual([
      '/item/1/answer/0/item/0',
    ]);
    expect(responseItems(response).map(({ item, pointer }) => [item.linkId, pointer])).toEqual([
      ['g1', '/item/0'],
      ['q1', '/item/0/item/0'],
      ['q', '/item/1'],
      ['child', '/item/1/answer/0/item/0'],
      ['q1', '/item/2'],
    ]);
  });

  it('gathers the answers to each linkId from anywhere in the response', () => {
    const answers = answersByLinkId(response);
    expect(answers.get('q1')).toEqual([{ valueString: 'a' }, { valueString: 'b' }]);
    expect(answers.get('child')).toEqual([{ valueInteger: 1 }]);
    expect(answers.get('g1')).toEqual([]);
  });
});
