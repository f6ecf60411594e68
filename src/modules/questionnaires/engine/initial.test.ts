import type { Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { EXT } from './extensions.ts';
import { initialAnswers, initialItems } from './initial.ts';

/** The item with an English translation of its text. */
const inEnglish = (item: QuestionnaireItem, content: string): QuestionnaireItem =>
  Object.assign(item, { _text: english(content) });

const english = (content: string) => ({
  extension: [
    {
      url: EXT.translation,
      extension: [
        { url: 'lang', valueCode: 'en' },
        { url: 'content', valueString: content },
      ],
    },
  ],
});

const questionnaire: Questionnaire = {
  resourceType: 'Questionnaire',
  status: 'active',
  item: [
    inEnglish(
      {
        linkId: 'page',
        type: 'group',
        text: 'Over u',
        item: [
          { linkId: 'intro', type: 'display', text: 'Lees dit eerst' },
          { linkId: 'country', type: 'string', text: 'Land', initial: [{ valueString: 'Nederland' }] },
          {
            linkId: 'sport',
            type: 'choice',
            repeats: true,
            answerOption: [
              { valueCoding: { code: 'run' }, initialSelected: true },
              { valueCoding: { code: 'swim' } },
              { valueCoding: { code: 'walk' }, initialSelected: true },
            ],
          },
          { linkId: 'sub', type: 'group', item: [inEnglish({ linkId: 'age', type: 'integer' }, 'Age')] },
        ],
      },
      'About you',
    ),
  ],
};

describe('initial response items', () => {
  it('mirrors the groups, leaves out display items and fills in initial values and selected options', () => {
    expect(initialItems(questionnaire)).toEqual([
      {
        linkId: 'page',
        text: 'Over u',
        item: [
          { linkId: 'country', text: 'Land', answer: [{ valueString: 'Nederland' }] },
          { linkId: 'sport', answer: [{ valueCoding: { code: 'run' } }, { valueCoding: { code: 'walk' } }] },
          { linkId: 'sub', item: [{ linkId: 'age' }] },
        ],
      },
    ]);
  });

  it('gives the texts in the locale asked for', () => {
    const [page] = initialItems(questionnaire, 'en');
    expect(page?.text).toBe('About you');
    expect(page?.item?.[0]?.text).toBe('Land');
    expect(page?.item?.[2]?.item?.[0]?.text).toBe('Age');
  });

  it('takes only the value of an initial value or option as the answer', () => {
    expect(
      initialAnswers({
        linkId: 'x',
        type: 'choice',
        initial: [{ id: 'i', valueInteger: 1 }],
        answerOption: [{ id: 'o', valueInteger: 2, initialSelected: true, extension: [] }],
      }),
    ).toEqual([{ valueInteger: 1 }, { valueInteger: 2 }]);
  });

  it('gives an empty questionnaire no items', () => {
    expect(initialItems({ resourceType: 'Questionnaire', status: 'draft' })).toEqual([]);
  });
});
