import type {
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireResponseItem,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXT } from './extensions.ts';
import { validateResponse } from './validate.ts';

type Answer = QuestionnaireResponseItemAnswer;

const UCUM = 'http://unitsofmeasure.org';
const COLOURS = 'https://example.org/colours';
const BMI =
  "(%resource.item.where(linkId='body').item.where(linkId='weight').answer.value / ((%resource.item.where(linkId='body').item.where(linkId='height').answer.value / 100).power(2))).round(1)";

const min = (value: Record<string, unknown>) => ({ url: EXT.minValue, ...value });
const max = (value: Record<string, unknown>) => ({ url: EXT.maxValue, ...value });
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

const kinds: QuestionnaireItem[] = [
  { linkId: 'intro', type: 'display', text: 'Welkom' },
  { linkId: 'boolean', type: 'boolean' },
  { linkId: 'decimal', type: 'decimal', extension: [min({ valueDecimal: 100 }), max({ valueDecimal: 250 })] },
  { linkId: 'integer', type: 'integer', extension: [min({ valueInteger: 0 }), max({ valueInteger: 7 })] },
  {
    linkId: 'date',
    type: 'date',
    extension: [min({ valueDate: '2000-01-01' }), max({ valueDate: '2030-12-31' })],
  },
  { linkId: 'dateTime', type: 'dateTime' },
  { linkId: 'time', type: 'time' },
  { linkId: 'string', type: 'string', maxLength: 5, extension: [{ url: EXT.minLength, valueInteger: 2 }] },
  { linkId: 'text', type: 'text' },
  { linkId: 'url', type: 'url' },
  {
    linkId: 'choice',
    type: 'choice',
    answerOption: [
      { valueCoding: { system: COLOURS, code: 'red' } },
      { valueCoding: { system: COLOURS, code: 'blue' } },
    ],
  },
  { linkId: 'choice-uncoded', type: 'choice', answerOption: [{ valueCoding: { code: 'yes' } }] },
  { linkId: 'choice-integer', type: 'choice', answerOption: [{ valueInteger: 1 }, { valueInteger: 2 }] },
  { linkId: 'choice-bundled', type: 'choice', answerValueSet: '#colours' },
  { linkId: 'choice-external', type: 'choice', answerValueSet: 'http://loinc.org/vs/LL1-9' },
  {
    linkId: 'many',
    type: 'choice',
    repeats: true,
    answerOption: [{ valueString: 'a' }, { valueString: 'b' }],
  },
  { linkId: 'open-choice', type: 'open-choice', answerOption: [{ valueString: 'walking' }] },
  {
    linkId: 'quantity',
    type: 'quantity',
    extension: [
      { url: EXT.unitOption, valueCoding: { system: UCUM, code: 'kg' } },
      { url: EXT.unitOption, valueCoding: { system: UCUM, code: 'g' } },
      min({ valueDecimal: 1 }),
    ],
  },
  {
    linkId: 'quantity-unit',
    type: 'quantity',
    extension: [{ url: EXT.unit, valueCoding: { system: UCUM, code: 'cm' } }],
  },
  { linkId: 'fixed', type: 'string', readOnly: true, initial: [{ valueString: 'v1' }] },
];

const form: Questionnaire = {
  resourceType: 'Questionnaire',
  status: 'active',
  contained: [
    {
      resourceType: 'ValueSet',
      id: 'colours',
      status: 'active',
      compose: { include: [{ system: COLOURS, concept: [{ code: 'green' }] }] },
    },
  ],
  item: [
    { linkId: 'kinds', type: 'group', item: kinds },
    {
      linkId: 'body',
      type: 'group',
      item: [
        {
          linkId: 'height',
          type: 'decimal',
          text: 'Lengte',
          _text: english('Height'),
          required: true,
          extension: [min({ valueDecimal: 100 })],
        } as QuestionnaireItem,
        { linkId: 'weight', type: 'decimal', required: true },
        {
          linkId: 'bmi',
          type: 'decimal',
          readOnly: true,
          required: true,
          extension: [
            {
              url: EXT.calculatedExpression,
              valueExpression: { language: 'text/fhirpath', expression: BMI },
            },
          ],
        },
      ],
    },
    {
      linkId: 'smoking',
      type: 'group',
      required: true,
      item: [
        { linkId: 'smokes', type: 'boolean', required: true },
        {
          linkId: 'per-day',
          type: 'integer',
          required: true,
          enableWhen: [{ question: 'smokes', operator: '=', answerBoolean: true }],
        },
        {
          linkId: 'history',
          type: 'group',
          repeats: true,
          enableWhen: [{ question: 'smokes', operator: '=', answerBoolean: true }],
          item: [{ linkId: 'brand', type: 'string' }],
        },
      ],
    },
  ],
};

const item = (linkId: string, ...answer: Answer[]): QuestionnaireResponseItem => ({ linkId, answer });
const group = (linkId: string, ...children: QuestionnaireResponseItem[]) => ({ linkId, item: children });

/** The codes and pointers of the issues with one question in the `kinds` group, as a draft. */
const issuesWith = (linkId: string, ...answer: Answer[]) =>
  validateResponse(form, { item: [group('kinds', item(linkId, ...answer))] }, { mode: 'draft' }).map(
    (issue) => `${issue.code} ${issue.pointer}`,
  );

const body = (bmi = 27.7) =>
  group(
    'body',
    item('height', { valueDecimal: 170 }),
    item('weight', { valueDecimal: 80 }),
    item('bmi', { valueDecimal: bmi }),
  );
const smoking = (...children: QuestionnaireResponseItem[]) =>
  group('smoking', ...(children.length > 0 ? children : [item('smokes', { valueBoolean: false })]));

const codesOf = (response: unknown, mode: 'submit' | 'draft' = 'submit') =>
  validateResponse(form, response as { item?: QuestionnaireResponseItem[] }, { mode }).map(
    (issue) => `${issue.code} ${issue.linkId} ${issue.pointer}`,
  );

// [linkId, answer, the issue it gives ('' for none)]
const ANSWERS: [string, Answer, string][] = [
  ['boolean', { valueBoolean: false }, ''],
  ['boolean', { valueString: 'true' }, 'type'],
  ['decimal', { valueDecimal: 180 }, ''],
  ['decimal', { valueDecimal: 180.5 }, ''],
  ['decimal', { valueInteger: 180 }, 'type'],
  ['decimal', { valueDecimal: Number.NaN }, 'type'],
  ['decimal', { valueDecimal: 99.9 }, 'min_value'],
  ['decimal', { valueDecimal: 100 }, ''],
  ['decimal', { valueDecimal: 250 }, ''],
  ['decimal', { valueDecimal: 250.1 }, 'max_value'],
  ['integer', { valueInteger: 3 }, ''],
  ['integer', { valueInteger: 3.5 }, 'type'],
  ['integer', { valueDecimal: 3 }, 'type'],
  ['integer', { valueInteger: 2 ** 31 }, 'type'],
  ['integer', { valueInteger: -1 }, 'min_value'],
  ['integer', { valueInteger: 8 }, 'max_value'],
  ['date', { valueDate: '2024' }, ''],
  ['date', { valueDate: '2024-02' }, ''],
  ['date', { valueDate: '2024-02-29' }, ''],
  ['date', { valueDate: '2023-02-29' }, 'type'],
  ['date', { valueDate: '2024-13' }, 'type'],
  ['date', { valueDate: '24-01-01' }, 'type'],
  ['date', { valueDateTime: '2024-01-01' }, 'type'],
  ['date', { valueDate: '1999-12-31' }, 'min_value'],
  ['date', { valueDate: '2031-01-01' }, 'max_value'],
  ['dateTime', { valueDateTime: '2024-05-01' }, ''],
  ['dateTime', { valueDateTime: '2024-05-01T10:00:00+02:00' }, ''],
  ['dateTime', { valueDateTime: '2024-05-01T10:00:00.123Z' }, ''],
  ['dateTime', { valueDateTime: '2024-05-01T10:00:00' }, 'type'],
  ['dateTime', { valueDateTime: '2024-05T10:00:00Z' }, 'type'],
  ['time', { valueTime: '10:30:00' }, ''],
  ['time', { valueTime: '25:00:00' }, 'type'],
  ['string', { valueString: 'abc' }, ''],
  ['string', { valueString: '😀😀😀' }, ''],
  ['string', { valueString: 'abcdef' }, 'max_length'],
  ['string', { valueString: 'a' }, 'min_length'],
  ['string', { valueString: '  ' }, 'type'],
  ['string', { valueInteger: 1 }, 'type'],
  ['text', { valueString: 'twee\nregels' }, ''],
  ['url', { valueUri: 'https://topfit.nl' }, ''],
  ['url', { valueString: 'https://topfit.nl' }, 'type'],
  ['choice', { valueCoding: { system: COLOURS, code: 'red' } }, ''],
  ['choice', { valueCoding: { system: COLOURS, code: 'purple' } }, 'option'],
  ['choice', { valueCoding: { system: 'https://other.org', code: 'red' } }, 'option'],
  ['choice', { valueString: 'red' }, 'option'],
  ['choice', { valueBoolean: true }, 'type'],
  ['choice-uncoded', { valueCoding: { system: 'any', code: 'yes' } }, ''],
  ['choice-integer', { valueInteger: 2 }, ''],
  ['choice-integer', { valueInteger: 3 }, 'option'],
  ['choice-bundled', { valueCoding: { system: COLOURS, code: 'green' } }, ''],
  ['choice-bundled', { valueCoding: { system: COLOURS, code: 'red' } }, 'option'],
  ['choice-external', { valueCoding: { system: 'http://loinc.org', code: 'LA33-6' } }, ''],
  ['open-choice', { valueString: 'walking' }, ''],
  ['open-choice', { valueString: 'tango' }, ''],
  ['open-choice', { valueInteger: 5 }, 'option'],
  ['open-choice', { valueBoolean: true }, 'type'],
  ['quantity', { valueQuantity: { value: 5, unit: 'kg', system: UCUM, code: 'kg' } }, ''],
  ['quantity', { valueQuantity: { value: 5, unit: 'lb', system: UCUM, code: '[lb_av]' } }, 'type'],
  ['quantity', { valueQuantity: { value: 0.5, system: UCUM, code: 'kg' } }, 'min_value'],
  ['quantity', { valueQuantity: { unit: 'kg' } }, 'type'],
  ['quantity', { valueDecimal: 5 }, 'type'],
  ['quantity-unit', { valueQuantity: { value: 180, system: UCUM, code: 'cm' } }, ''],
  ['quantity-unit', { valueQuantity: { value: 180, system: UCUM, code: 'm' } }, 'type'],
  ['integer', {}, 'type'],
  ['integer', { valueInteger: 1, valueDecimal: 1 }, 'type'],
];

describe('validateResponse: answers by item type', () => {
  it.each(ANSWERS)('%s %j → %s', (linkId, answer, code) => {
    const index = kinds.findIndex((kind) => kind.linkId === linkId);
    expect(issuesWith(linkId, answer)).toEqual(code ? [`${code} /item/0/item/0/answer/0`] : []);
    expect(index).toBeGreaterThanOrEqual(0);
  });

  it('takes several answers only where the item repeats', () => {
    expect(issuesWith('many', { valueString: 'a' }, { valueString: 'b' })).toEqual([]);
    expect(issuesWith('boolean', { valueBoolean: true }, { valueBoolean: false })).toEqual([
      'repeats /item/0/item/0/answer/1',
    ]);
  });

  it('never takes an answer on a display item or a group', () => {
    expect(issuesWith('intro', { valueString: 'x' })).toEqual(['type /item/0/item/0']);
    const response = { item: [{ linkId: 'kinds', answer: [{ valueString: 'x' }], item: [] }] };
    expect(codesOf(response, 'draft')).toEqual(['group_answer kinds /item/0']);
  });

  it('lets a read-only item carry its initial value only', () => {
    expect(issuesWith('fixed', { valueString: 'v1' })).toEqual([]);
    expect(issuesWith('fixed', { valueString: 'mine' })).toEqual(['read_only /item/0/item/0']);
  });
});

describe('validateResponse: the response as a whole', () => {
  it('accepts a complete response', () => {
    expect(codesOf({ item: [body(), smoking()] })).toEqual([]);
  });

  it('checks a calculated answer against the calculation', () => {
    expect(codesOf({ item: [body(22), smoking()] })).toEqual(['calculated bmi /item/0/item/2']);
  });

  it('reports missing required answers on submit, not in a draft', () => {
    const response = { item: [group('body', item('height', { valueDecimal: 170 }), item('weight'))] };
    expect(codesOf(response)).toEqual([
      'required weight /item/0/item/1',
      'required smoking /item',
      'required smokes /item',
    ]);
    expect(codesOf(response, 'draft')).toEqual([]);
  });

  it('requires a required group to hold at least one answer', () => {
    expect(codesOf({ item: [body(), group('smoking')] })).toEqual([
      'required smoking /item/1',
      'required smokes /item/1/item',
    ]);
  });

  it('requires only enabled questions, and answers only to enabled ones', () => {
    const smoker = { item: [body(), smoking(item('smokes', { valueBoolean: true }))] };
    expect(codesOf(smoker)).toEqual(['required per-day /item/1/item']);
    const nonSmoker = smoking(
      item('smokes', { valueBoolean: false }),
      item('per-day', { valueInteger: 10 }),
      group('history', item('brand', { valueString: 'x' })),
    );
    expect(codesOf({ item: [body(), nonSmoker] })).toEqual([
      'not_enabled per-day /item/1/item/1',
      'not_enabled brand /item/1/item/2/item/0',
    ]);
  });

  it('lets a repeating group occur more than once, and no other item', () => {
    const answers = [
      item('smokes', { valueBoolean: true }),
      item('per-day', { valueInteger: 10 }),
      group('history', item('brand', { valueString: 'a' })),
      group('history', item('brand', { valueString: 'b' })),
    ];
    expect(codesOf({ item: [body(), smoking(...answers)] })).toEqual([]);
    const twice = smoking(...answers, item('smokes', { valueBoolean: true }));
    expect(codesOf({ item: [body(), twice] })).toEqual(['repeats smokes /item/1/item/4']);
  });

  it('reports items the questionnaire does not have there', () => {
    const response = {
      item: [
        body(),
        smoking(),
        item('nonsense', { valueString: 'x' }),
        item('height', { valueDecimal: 170 }),
      ],
    };
    expect(codesOf(response)).toEqual(['unknown_item nonsense /item/2', 'unknown_item height /item/3']);
  });

  it('reports every issue, not only the first, and names the question in English', () => {
    const issues = validateResponse(form, {
      item: [
        group('body', item('height', { valueDecimal: 50 }), item('weight', { valueString: 'heavy' })),
        group('kinds', item('integer', { valueInteger: 1 }, { valueInteger: 99 })),
      ],
    });
    expect(issues.map((issue) => `${issue.code} ${issue.pointer}`)).toEqual([
      'repeats /item/1/item/0/answer/1',
      'max_value /item/1/item/0/answer/1',
      'min_value /item/0/item/0/answer/0',
      'type /item/0/item/1/answer/0',
      'required /item',
      'required /item',
    ]);
    expect(issues.find((issue) => issue.code === 'min_value')?.message).toBe(
      '"Height" is below the minimum of 100.',
    );
  });

  it('answers a response that is not shaped like one with the places where it breaks', () => {
    expect(codesOf({ item: 'x' })).toEqual(['type  /item']);
    expect(codesOf({ item: [{ answer: [] }] })).toEqual(['unknown_item  /item/0/linkId']);
    expect(codesOf({ item: [{ linkId: 'body', item: [{ linkId: 'height', answer: 170 }] }] })).toEqual([
      'type height /item/0/item/0/answer',
    ]);
    expect(codesOf(null)).toEqual(['type  ']);
  });
});

describe('validateResponse on any input (property)', () => {
  it('never throws on arbitrary JSON and always returns an array', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        expect(Array.isArray(validateResponse(form, json as never))).toBe(true);
      }),
    );
  });

  const linkIds = [
    ...new Set([
      'body',
      'height',
      'weight',
      'bmi',
      'smoking',
      'smokes',
      'per-day',
      'history',
      'brand',
      ...kinds.map((kind) => kind.linkId),
    ]),
  ];
  const VALUE_KEYS = [
    'valueBoolean',
    'valueDecimal',
    'valueInteger',
    'valueString',
    'valueCoding',
    'valueQuantity',
    'valueDate',
  ];

  /** Response items nested at most `depth` deep, with known or arbitrary linkIds and arbitrary answers. */
  const responseItem = (depth: number): fc.Arbitrary<unknown> => {
    const children = depth === 0 ? fc.constant([]) : fc.array(responseItem(depth - 1), { maxLength: 3 });
    const answer = fc
      .record({ item: children }, { requiredKeys: [] })
      .chain((nested) =>
        fc
          .dictionary(fc.constantFrom(...VALUE_KEYS), fc.jsonValue(), { maxKeys: 2 })
          .map((value) => ({ ...value, ...nested })),
      );
    return fc.record(
      {
        linkId: fc.oneof(fc.constantFrom(...linkIds), fc.string()),
        answer: fc.array(answer, { maxLength: 2 }),
        item: children,
      },
      { requiredKeys: ['linkId'] },
    );
  };

  it('never throws on responses with known linkIds and arbitrary answers', () => {
    fc.assert(
      fc.property(
        fc.array(responseItem(2), { maxLength: 4 }),
        fc.constantFrom('submit', 'draft' as const),
        (item, mode) => {
          const issues = validateResponse(form, { item } as never, { mode });
          expect(Array.isArray(issues)).toBe(true);
        },
      ),
    );
  });
});
