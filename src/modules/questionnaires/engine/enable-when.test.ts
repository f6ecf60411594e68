import type {
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireItemEnableWhen,
  QuestionnaireResponse,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { enabledLinkIds, isEnabled } from './enable-when.ts';

type Condition = Omit<QuestionnaireItemEnableWhen, 'question'>;

const respond = (answers: Record<string, QuestionnaireResponseItemAnswer[]>): QuestionnaireResponse => ({
  resourceType: 'QuestionnaireResponse',
  status: 'in-progress',
  item: Object.entries(answers).map(([linkId, answer]) => ({ linkId, answer })),
});

/** Whether a follow-up on question `q` is enabled given q's answers. */
function enabledBy(condition: Condition, answers: QuestionnaireResponseItemAnswer[]) {
  const followUp: QuestionnaireItem = {
    linkId: 'follow-up',
    type: 'string',
    enableWhen: [{ question: 'q', ...condition }],
  };
  const questionnaire: Questionnaire = {
    resourceType: 'Questionnaire',
    status: 'active',
    item: [{ linkId: 'q', type: 'string' }, followUp],
  };
  return isEnabled(followUp, respond({ q: answers }), questionnaire);
}

const coding = (code: string, system = 'https://topfit.nl/fhir/CodeSystem/sex') => ({ system, code });
const kg = (value: number) => ({ value, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' });

// [operator, enableWhen answer, given answer, enabled]
const CASES: [string, Condition, QuestionnaireResponseItemAnswer, boolean][] = [
  ['boolean =', { operator: '=', answerBoolean: true }, { valueBoolean: true }, true],
  ['boolean = (other value)', { operator: '=', answerBoolean: true }, { valueBoolean: false }, false],
  ['boolean !=', { operator: '!=', answerBoolean: true }, { valueBoolean: false }, true],
  ['boolean has no order', { operator: '>', answerBoolean: false }, { valueBoolean: true }, false],
  ['decimal =', { operator: '=', answerDecimal: 1.5 }, { valueDecimal: 1.5 }, true],
  ['decimal >', { operator: '>', answerDecimal: 1.5 }, { valueDecimal: 1.6 }, true],
  ['decimal > (equal)', { operator: '>', answerDecimal: 1.5 }, { valueDecimal: 1.5 }, false],
  ['decimal >=', { operator: '>=', answerDecimal: 1.5 }, { valueDecimal: 1.5 }, true],
  ['decimal <', { operator: '<', answerDecimal: 1.5 }, { valueDecimal: 1.4 }, true],
  ['decimal < (above)', { operator: '<', answerDecimal: 1.5 }, { valueDecimal: 2 }, false],
  ['decimal <=', { operator: '<=', answerDecimal: 1.5 }, { valueDecimal: 1.5 }, true],
  ['integer =', { operator: '=', answerInteger: 3 }, { valueInteger: 3 }, true],
  ['integer !=', { operator: '!=', answerInteger: 3 }, { valueInteger: 3 }, false],
  ['integer >', { operator: '>', answerInteger: 3 }, { valueInteger: 4 }, true],
  ['integer <', { operator: '<', answerInteger: 3 }, { valueInteger: 4 }, false],
  ['integer against a decimal answer', { operator: '>=', answerInteger: 3 }, { valueDecimal: 3.5 }, true],
  ['date =', { operator: '=', answerDate: '2024-05-01' }, { valueDate: '2024-05-01' }, true],
  ['date >', { operator: '>', answerDate: '2024-05-01' }, { valueDate: '2024-05-02' }, true],
  ['date <', { operator: '<', answerDate: '2024-05-01' }, { valueDate: '2024-04-30' }, true],
  ['date <= (later)', { operator: '<=', answerDate: '2024-05-01' }, { valueDate: '2025-01-01' }, false],
  [
    'dateTime =',
    { operator: '=', answerDateTime: '2024-05-01T10:00:00Z' },
    { valueDateTime: '2024-05-01T12:00:00+02:00' },
    true,
  ],
  [
    'dateTime >',
    { operator: '>', answerDateTime: '2024-05-01T10:00:00Z' },
    { valueDateTime: '2024-05-01T10:00:01Z' },
    true,
  ],
  [
    'dateTime < a date',
    { operator: '<', answerDateTime: '2024-05-01T10:00:00Z' },
    { valueDateTime: '2024-05-01' },
    true,
  ],
  ['string =', { operator: '=', answerString: 'ja' }, { valueString: 'ja' }, true],
  ['string != (same)', { operator: '!=', answerString: 'ja' }, { valueString: 'ja' }, false],
  ['string !=', { operator: '!=', answerString: 'ja' }, { valueString: 'nee' }, true],
  ['string >', { operator: '>', answerString: 'b' }, { valueString: 'c' }, true],
  ['Coding =', { operator: '=', answerCoding: coding('female') }, { valueCoding: coding('female') }, true],
  [
    'Coding = (other code)',
    { operator: '=', answerCoding: coding('female') },
    { valueCoding: coding('male') },
    false,
  ],
  [
    'Coding = (other system)',
    { operator: '=', answerCoding: coding('female') },
    { valueCoding: coding('female', 'x') },
    false,
  ],
  [
    'Coding without system',
    { operator: '=', answerCoding: { code: 'female' } },
    { valueCoding: coding('female') },
    true,
  ],
  ['Coding !=', { operator: '!=', answerCoding: coding('female') }, { valueCoding: coding('male') }, true],
  ['Coding has no order', { operator: '>', answerCoding: coding('a') }, { valueCoding: coding('b') }, false],
  ['Quantity =', { operator: '=', answerQuantity: kg(80) }, { valueQuantity: kg(80) }, true],
  ['Quantity >', { operator: '>', answerQuantity: kg(80) }, { valueQuantity: kg(81) }, true],
  ['Quantity <=', { operator: '<=', answerQuantity: kg(80) }, { valueQuantity: kg(81) }, false],
  [
    'Quantity in another unit',
    { operator: '=', answerQuantity: kg(80) },
    { valueQuantity: { value: 80, code: 'g' } },
    false,
  ],
  ['a value of another type', { operator: '=', answerInteger: 1 }, { valueString: '1' }, false],
  ['exists true', { operator: 'exists', answerBoolean: true }, { valueString: 'x' }, true],
  ['exists false', { operator: 'exists', answerBoolean: false }, { valueString: 'x' }, false],
];

describe('enableWhen operators (FHIR R4 questionnaire-enable-operator)', () => {
  it.each(CASES)('%s', (_name, condition, answer, enabled) => {
    expect(enabledBy(condition, [answer])).toBe(enabled);
  });

  it('is true for = when any of several answers matches, and for != only when none does', () => {
    const answers = [{ valueCoding: coding('a') }, { valueCoding: coding('b') }];
    expect(enabledBy({ operator: '=', answerCoding: coding('b') }, answers)).toBe(true);
    expect(enabledBy({ operator: '!=', answerCoding: coding('b') }, answers)).toBe(false);
    expect(enabledBy({ operator: '>', answerInteger: 5 }, [{ valueInteger: 1 }, { valueInteger: 9 }])).toBe(
      true,
    );
  });

  it('treats an unanswered question: exists false holds, != holds, every other operator fails', () => {
    expect(enabledBy({ operator: 'exists', answerBoolean: false }, [])).toBe(true);
    expect(enabledBy({ operator: 'exists', answerBoolean: true }, [])).toBe(false);
    expect(enabledBy({ operator: '!=', answerBoolean: true }, [])).toBe(true);
    for (const operator of ['=', '>', '<', '>=', '<='] as const) {
      expect(enabledBy({ operator, answerInteger: 1 }, [])).toBe(false);
    }
  });
});

describe('enableBehavior', () => {
  const questionnaire = (enableBehavior?: 'all' | 'any'): Questionnaire => ({
    resourceType: 'Questionnaire',
    status: 'active',
    item: [
      { linkId: 'a', type: 'boolean' },
      { linkId: 'b', type: 'boolean' },
      {
        linkId: 'c',
        type: 'string',
        enableBehavior,
        enableWhen: [
          { question: 'a', operator: '=', answerBoolean: true },
          { question: 'b', operator: '=', answerBoolean: true },
        ],
      },
    ],
  });
  const enabledWith = (a: boolean, b: boolean, behavior?: 'all' | 'any') =>
    enabledLinkIds(
      questionnaire(behavior),
      respond({ a: [{ valueBoolean: a }], b: [{ valueBoolean: b }] }),
    ).has('c');

  it('all: every condition must hold (also the default)', () => {
    expect(enabledWith(true, true, 'all')).toBe(true);
    expect(enabledWith(true, false, 'all')).toBe(false);
    expect(enabledWith(true, false)).toBe(false);
    expect(enabledWith(true, true)).toBe(true);
  });

  it('any: one condition is enough', () => {
    expect(enabledWith(true, false, 'any')).toBe(true);
    expect(enabledWith(false, true, 'any')).toBe(true);
    expect(enabledWith(false, false, 'any')).toBe(false);
  });
});

describe('enabled items of a questionnaire', () => {
  const questionnaire: Questionnaire = {
    resourceType: 'Questionnaire',
    status: 'active',
    item: [
      {
        linkId: 'about',
        type: 'group',
        item: [
          { linkId: 'smokes', type: 'boolean' },
          {
            linkId: 'sex',
            type: 'choice',
            answerOption: [{ valueCoding: coding('male') }, { valueCoding: coding('female') }],
          },
        ],
      },
      {
        linkId: 'smoking',
        type: 'group',
        enableWhen: [{ question: 'smokes', operator: '=', answerBoolean: true }],
        item: [
          { linkId: 'per-day', type: 'integer' },
          {
            linkId: 'heavy',
            type: 'group',
            enableWhen: [{ question: 'per-day', operator: '>=', answerInteger: 20 }],
            item: [{ linkId: 'years', type: 'integer' }],
          },
        ],
      },
      {
        linkId: 'pregnant',
        type: 'boolean',
        enableWhen: [{ question: 'sex', operator: '=', answerCoding: coding('female') }],
      },
      // Depends on a question inside a group that can be disabled.
      {
        linkId: 'quit-advice',
        type: 'display',
        enableWhen: [{ question: 'years', operator: 'exists', answerBoolean: true }],
      },
    ],
  };
  const response = (smokes: boolean): QuestionnaireResponse => ({
    resourceType: 'QuestionnaireResponse',
    status: 'in-progress',
    item: [
      {
        linkId: 'about',
        item: [
          { linkId: 'smokes', answer: [{ valueBoolean: smokes }] },
          { linkId: 'sex', answer: [{ valueCoding: coding('female') }] },
        ],
      },
      {
        linkId: 'smoking',
        item: [
          { linkId: 'per-day', answer: [{ valueInteger: 25 }] },
          { linkId: 'heavy', item: [{ linkId: 'years', answer: [{ valueInteger: 10 }] }] },
        ],
      },
    ],
  });

  it('finds the question a condition names anywhere in the response', () => {
    const enabled = enabledLinkIds(questionnaire, response(true));
    expect([...enabled].sort()).toEqual(
      ['about', 'heavy', 'per-day', 'pregnant', 'quit-advice', 'sex', 'smokes', 'smoking', 'years'].sort(),
    );
  });

  it('disables the children of a disabled group, at every depth', () => {
    const enabled = enabledLinkIds(questionnaire, response(false));
    for (const linkId of ['smoking', 'per-day', 'heavy', 'years']) expect(enabled.has(linkId)).toBe(false);
  });

  it('counts the answers of a disabled question as absent, for the items that depend on it', () => {
    expect(enabledLinkIds(questionnaire, response(false)).has('quit-advice')).toBe(false);
  });

  it('judges one item by its own conditions, not by its parents', () => {
    const years = questionnaire.item?.[1]?.item?.[1]?.item?.[0];
    const heavy = questionnaire.item?.[1]?.item?.[1];
    if (!years || !heavy) throw new Error('fixture');
    expect(isEnabled(years, response(false), questionnaire)).toBe(true);
    // per-day sits in the disabled smoking group, so its 25 does not count.
    expect(isEnabled(heavy, response(false), questionnaire)).toBe(false);
    expect(isEnabled(heavy, response(true), questionnaire)).toBe(true);
  });

  it('settles conditions that depend on each other in a cycle', () => {
    const cyclic: Questionnaire = {
      resourceType: 'Questionnaire',
      status: 'active',
      item: [
        {
          linkId: 'a',
          type: 'boolean',
          enableWhen: [{ question: 'b', operator: 'exists', answerBoolean: false }],
        },
        {
          linkId: 'b',
          type: 'boolean',
          enableWhen: [{ question: 'a', operator: 'exists', answerBoolean: false }],
        },
      ],
    };
    const answered = respond({ a: [{ valueBoolean: true }], b: [{ valueBoolean: true }] });
    expect(enabledLinkIds(cyclic, answered)).toBeInstanceOf(Set);
  });
});
