import type {
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
} from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calculate, calculatedExpressionOf } from './calculate.ts';
import { EXT } from './extensions.ts';
import { answersByLinkId } from './items.ts';

const BMI =
  "(%resource.item.where(linkId='body').item.where(linkId='weight').answer.value / ((%resource.item.where(linkId='body').item.where(linkId='height').answer.value / 100).power(2))).round(1)";

const calculated = (
  linkId: string,
  type: QuestionnaireItem['type'],
  expression: string,
): QuestionnaireItem => ({
  linkId,
  type,
  readOnly: true,
  extension: [{ url: EXT.calculatedExpression, valueExpression: { language: 'text/fhirpath', expression } }],
});

const questionnaire = (...body: QuestionnaireItem[]): Questionnaire => ({
  resourceType: 'Questionnaire',
  status: 'active',
  item: [
    {
      linkId: 'body',
      type: 'group',
      item: [{ linkId: 'height', type: 'decimal' }, { linkId: 'weight', type: 'decimal' }, ...body],
    },
  ],
});

const response = (
  height?: number,
  weight?: number,
  ...rest: QuestionnaireResponseItem[]
): QuestionnaireResponse => ({
  resourceType: 'QuestionnaireResponse',
  status: 'in-progress',
  item: [
    {
      linkId: 'body',
      item: [
        ...(height === undefined ? [] : [{ linkId: 'height', answer: [{ valueDecimal: height }] }]),
        ...(weight === undefined ? [] : [{ linkId: 'weight', answer: [{ valueDecimal: weight }] }]),
        ...rest,
      ],
    },
  ],
});

const answerOf = (result: QuestionnaireResponse, linkId: string) => answersByLinkId(result).get(linkId);

describe('calculated expressions (SDC calculatedExpression, FHIRPath)', () => {
  it('reads the FHIRPath of an item, and nothing for another language', () => {
    expect(calculatedExpressionOf(calculated('bmi', 'decimal', BMI))).toBe(BMI);
    const cql: QuestionnaireItem = {
      linkId: 'x',
      type: 'decimal',
      extension: [
        { url: EXT.calculatedExpression, valueExpression: { language: 'text/cql', expression: 'x' } },
      ],
    };
    expect(calculatedExpressionOf(cql)).toBeUndefined();
    expect(calculatedExpressionOf({ linkId: 'y', type: 'decimal' })).toBeUndefined();
  });

  it('calculates the BMI from height and weight, rounded to one decimal', () => {
    const result = calculate(questionnaire(calculated('bmi', 'decimal', BMI)), response(170, 80));
    expect(answerOf(result, 'bmi')).toEqual([{ valueDecimal: 27.7 }]);
    expect(
      answerOf(calculate(questionnaire(calculated('bmi', 'decimal', BMI)), response(180, 81)), 'bmi'),
    ).toEqual([{ valueDecimal: 25 }]);
  });

  it('adds a missing calculated item in questionnaire order, and leaves the input untouched', () => {
    const input = response(170, 80, { linkId: 'waist', answer: [{ valueDecimal: 90 }] });
    const form = questionnaire(calculated('bmi', 'decimal', BMI), { linkId: 'waist', type: 'decimal' });
    const result = calculate(form, input);
    expect(result.item?.[0]?.item?.map((item) => item.linkId)).toEqual(['height', 'weight', 'bmi', 'waist']);
    expect(input.item?.[0]?.item?.map((item) => item.linkId)).toEqual(['height', 'weight', 'waist']);
  });

  it('adds the groups a calculated item sits in when the response lacks them', () => {
    const form = questionnaire(calculated('constant', 'integer', '42'));
    const result = calculate(form, { resourceType: 'QuestionnaireResponse', status: 'in-progress' });
    expect(result.item).toEqual([
      { linkId: 'body', item: [{ linkId: 'constant', answer: [{ valueInteger: 42 }] }] },
    ]);
  });

  it('replaces a stale answer, and removes it when there is no result', () => {
    const form = questionnaire(calculated('bmi', 'decimal', BMI));
    const stale = { linkId: 'bmi', answer: [{ valueDecimal: 99 }] };
    expect(answerOf(calculate(form, response(170, 80, stale)), 'bmi')).toEqual([{ valueDecimal: 27.7 }]);
    const result = calculate(form, response(170, undefined, stale));
    expect(result.item?.[0]?.item?.find((item) => item.linkId === 'bmi')).toEqual({ linkId: 'bmi' });
  });

  it('lets calculations build on each other, in any order', () => {
    const form = questionnaire(
      calculated(
        'obese',
        'boolean',
        "%resource.item.where(linkId='body').item.where(linkId='bmi').answer.value >= 30",
      ),
      calculated('bmi', 'decimal', BMI),
    );
    expect(answerOf(calculate(form, response(170, 95)), 'obese')).toEqual([{ valueBoolean: true }]);
    expect(answerOf(calculate(form, response(170, 60)), 'obese')).toEqual([{ valueBoolean: false }]);
  });

  it('types the result by the item type, and gives no answer when it does not fit', () => {
    const form = questionnaire(
      calculated('text', 'string', '1 + 2'),
      calculated('whole', 'integer', '7 / 2'),
      calculated('fraction', 'decimal', '7 / 2'),
      calculated('day', 'date', '@2024-05-01'),
      calculated('weight-kg', 'quantity', "80 'kg'"),
      calculated('many', 'integer', '(1 | 2)'),
    );
    const result = calculate(form, response());
    expect(answerOf(result, 'text')).toEqual([{ valueString: '3' }]);
    expect(answerOf(result, 'whole')).toBeUndefined();
    expect(answerOf(result, 'fraction')).toEqual([{ valueDecimal: 3.5 }]);
    expect(answerOf(result, 'day')).toEqual([{ valueDate: '2024-05-01' }]);
    expect(answerOf(result, 'weight-kg')).toEqual([{ valueQuantity: { value: 80, unit: 'kg' } }]);
    expect(answerOf(result, 'many')).toBeUndefined();
  });

  it('leaves an item unanswered when its expression fails, without throwing', () => {
    const form = questionnaire(calculated('broken', 'decimal', '((('), calculated('bmi', 'decimal', BMI));
    const result = calculate(form, response(170, 80));
    expect(answerOf(result, 'broken')).toBeUndefined();
    expect(answerOf(result, 'bmi')).toEqual([{ valueDecimal: 27.7 }]);
  });

  it('gives a disabled calculated item no answer', () => {
    const bmi = {
      ...calculated('bmi', 'decimal', BMI),
      enableWhen: [{ question: 'height', operator: '>' as const, answerDecimal: 200 }],
    };
    const result = calculate(
      questionnaire(bmi),
      response(170, 80, { linkId: 'bmi', answer: [{ valueDecimal: 27.7 }] }),
    );
    expect(answerOf(result, 'bmi')).toEqual([]);
  });

  it('never throws, whatever the items hold (the service calculates before it validates)', () => {
    const withBmi = questionnaire(calculated('bmi', 'decimal', BMI));
    fc.assert(
      fc.property(
        fc.array(
          fc.record(
            {
              linkId: fc.constantFrom('body', 'height', 'weight', 'bmi'),
              item: fc.anything(),
              answer: fc.anything(),
            },
            { requiredKeys: ['linkId'] },
          ),
        ),
        (items) => {
          const sent = { resourceType: 'QuestionnaireResponse', status: 'completed', item: items };
          expect(() => calculate(withBmi, sent as QuestionnaireResponse)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });
});
