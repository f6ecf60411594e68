import { readdirSync, readFileSync } from 'node:fs';
import type { Questionnaire, QuestionnaireItem, QuestionnaireResponseItem } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { calculate, EXT, flattenItems, parseQuestionnaire, validateResponse } from '../engine/index.ts';
import { type ScoringModel, scoreResponse, scoringMismatches } from '../scoring.ts';

const LIBRARY = new URL('./', import.meta.url);
const NAMES = ['ada-risk-test', 'demographics', 'findrisc', 'lifestyle-screen', 'who5'];
const SCORING: Record<string, ScoringModel | undefined> = {
  findrisc: 'findrisc',
  'ada-risk-test': 'ada',
  who5: 'who5',
};
const ORDINAL_VALUE = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';
const BMI_EXPRESSION =
  "(%resource.item.where(linkId='body').item.where(linkId='weight').answer.value / ((%resource.item.where(linkId='body').item.where(linkId='height').answer.value / 100).power(2))).round(1)";

const raw = (name: string): unknown => JSON.parse(readFileSync(new URL(`${name}.json`, LIBRARY), 'utf8'));

function load(name: string): Questionnaire {
  const parsed = parseQuestionnaire(raw(name));
  if (!parsed.ok) throw new Error(`${name}.json does not parse: ${JSON.stringify(parsed.issues)}`);
  return parsed.questionnaire;
}

// Primitive extensions (`_text`, `_display`) are not in the medplum types, so the walk reads plain JSON.
type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);

/** The English translation of a primitive, from its `_name` element's translation extension. */
function english(owner: Json, name: string): string | undefined {
  const element = owner[`_${name}`];
  if (!isObject(element)) return undefined;
  const translation = list(element.extension).find(
    (ext) =>
      ext.url === EXT.translation &&
      list(ext.extension).some((part) => part.url === 'lang' && part.valueCode === 'en'),
  );
  const content = list(translation?.extension).find((part) => part.url === 'content')?.valueString;
  return typeof content === 'string' && content.trim() !== '' ? content : undefined;
}

/** JSON pointers of every text a participant or researcher reads that lacks Dutch or English. */
function untranslated(resource: Json): string[] {
  const missing: string[] = [];
  const need = (owner: Json, name: string, pointer: string) => {
    const dutch = owner[name];
    if (typeof dutch !== 'string' || dutch.trim() === '' || english(owner, name) === undefined) {
      missing.push(`${pointer}/${name}`);
    }
  };
  for (const name of ['title', 'description', 'copyright']) need(resource, name, '');
  const walk = (items: Json[], pointer: string) =>
    items.forEach((item, i) => {
      const at = `${pointer}/item/${i}`;
      need(item, 'text', at);
      list(item.answerOption).forEach((option, j) => {
        if (isObject(option.valueCoding))
          need(option.valueCoding, 'display', `${at}/answerOption/${j}/valueCoding`);
      });
      walk(list(item.item), at);
    });
  walk(list(resource.item), '');
  return missing;
}

const outline = (items: QuestionnaireItem[] | undefined): unknown[] =>
  (items ?? []).map((item) => [item.linkId, item.type, ...(item.item ? [outline(item.item)] : [])]);

const byLinkId = (questionnaire: Questionnaire, linkId: string): QuestionnaireItem => {
  const item = flattenItems(questionnaire.item ?? []).find((i) => i.linkId === linkId);
  if (!item) throw new Error(`no item ${linkId}`);
  return item;
};
const codesOf = (questionnaire: Questionnaire, linkId: string) =>
  (byLinkId(questionnaire, linkId).answerOption ?? []).map((option) => option.valueCoding?.code);

// Response builders: a page (group) of answered questions.
type Answer = NonNullable<QuestionnaireResponseItem['answer']>[number];
const page = (linkId: string, ...item: QuestionnaireResponseItem[]): QuestionnaireResponseItem => ({
  linkId,
  item,
});
const answered = (linkId: string, ...answer: Answer[]): QuestionnaireResponseItem => ({ linkId, answer });
const codingIn =
  (name: string) =>
  (code: string): Answer => ({ valueCoding: { system: `https://topfit.nl/fhir/CodeSystem/${name}`, code } });
const decimal = (valueDecimal: number): Answer => ({ valueDecimal });
const integer = (valueInteger: number): Answer => ({ valueInteger });
const bool = (valueBoolean: boolean): Answer => ({ valueBoolean });

function submitted(questionnaire: Questionnaire, item: QuestionnaireResponseItem[]) {
  const response = calculate(questionnaire, {
    resourceType: 'QuestionnaireResponse',
    status: 'completed',
    item,
  });
  return {
    items: response.item ?? [],
    issues: validateResponse(questionnaire, response, { mode: 'submit' }),
  };
}

function answerOf(items: QuestionnaireResponseItem[], linkId: string): QuestionnaireResponseItem | undefined {
  for (const item of items) {
    const found = item.linkId === linkId ? item : answerOf(item.item ?? [], linkId);
    if (found) return found;
  }
  return undefined;
}

describe('the instrument library', () => {
  it('holds exactly the five shipped instruments', () => {
    const files = readdirSync(LIBRARY).filter((file) => file.endsWith('.json'));
    expect(files.map((file) => file.replace(/\.json$/, '')).sort()).toEqual(NAMES);
  });

  describe.each(NAMES)('%s.json', (name) => {
    it('parses as a supported FHIR R4 Questionnaire', () => {
      const parsed = parseQuestionnaire(raw(name));
      expect(parsed.ok ? [] : parsed.issues).toEqual([]);
    });

    it('carries the metadata every library instrument needs, in Dutch', () => {
      expect(load(name)).toMatchObject({
        resourceType: 'Questionnaire',
        url: `https://topfit.nl/fhir/Questionnaire/${name}`,
        version: '1',
        status: 'active',
        language: 'nl',
        name: expect.stringMatching(/^[A-Z][A-Za-z0-9]*$/),
        publisher: expect.any(String),
      });
    });

    it('has an English translation of its title, description, copyright, every text and every option', () => {
      expect(untranslated(raw(name) as Json)).toEqual([]);
    });

    it('puts every question on a page: the top-level items are groups', () => {
      expect(
        (load(name).item ?? []).filter((item) => item.type !== 'group').map((item) => item.linkId),
      ).toEqual([]);
    });

    it('uses each linkId once', () => {
      const linkIds = flattenItems(load(name).item ?? []).map((item) => item.linkId);
      expect(linkIds.filter((linkId, i) => linkIds.indexOf(linkId) !== i)).toEqual([]);
    });

    it('codes its options in its own code system, each code once per question', () => {
      for (const item of flattenItems(load(name).item ?? [])) {
        const codings = (item.answerOption ?? []).map((option) => option.valueCoding);
        expect(
          codings.every((coding) => coding?.system === `https://topfit.nl/fhir/CodeSystem/${name}`),
        ).toBe(true);
        const codes = codings.map((coding) => coding?.code);
        expect(new Set(codes).size, item.linkId).toBe(codes.length);
      }
    });

    it('bounds every number a participant types with a minimum and a maximum of its own type', () => {
      for (const item of flattenItems(load(name).item ?? [])) {
        if ((item.type !== 'integer' && item.type !== 'decimal') || item.readOnly) continue;
        const kind = item.type === 'integer' ? 'valueInteger' : 'valueDecimal';
        const bound = (url: string) => item.extension?.find((ext) => ext.url === url)?.[kind];
        expect([typeof bound(EXT.minValue), typeof bound(EXT.maxValue)], item.linkId).toEqual([
          'number',
          'number',
        ]);
      }
    });

    it('names its scoring model when it has one, and fits what that model reads', () => {
      const questionnaire = load(name);
      const models = (questionnaire.extension ?? []).filter((ext) => ext.url === EXT.scoringModel);
      const model = SCORING[name];
      expect(models.map((ext) => ext.valueCode)).toEqual(model ? [model] : []);
      if (model) {
        const items = flattenItems(questionnaire.item ?? []).map(({ linkId, type }) => ({ linkId, type }));
        expect(scoringMismatches(model, items)).toEqual([]);
      }
    });
  });
});

describe('FINDRISC (Lindström & Tuomilehto, Diabetes Care 2003;26:725–731)', () => {
  const findrisc = load('findrisc');
  const code = codingIn('findrisc');

  it('has the pages and linkIds the scoring code reads, exactly', () => {
    expect(outline(findrisc.item)).toEqual([
      [
        'about-you',
        'group',
        [
          ['age-band', 'choice'],
          ['sex', 'choice'],
        ],
      ],
      [
        'body',
        'group',
        [
          ['height', 'decimal'],
          ['weight', 'decimal'],
          ['bmi', 'decimal'],
          ['waist', 'decimal', [['waist-help', 'display']]],
        ],
      ],
      [
        'lifestyle',
        'group',
        [
          ['activity', 'boolean'],
          ['vegetables', 'boolean'],
        ],
      ],
      [
        'health',
        'group',
        [
          ['bp-medication', 'boolean'],
          ['high-glucose', 'boolean'],
          ['family-history', 'choice'],
        ],
      ],
    ]);
  });

  it('offers the form’s answer bands as codes', () => {
    expect(codesOf(findrisc, 'age-band')).toEqual(['under_45', '45_54', '55_64', 'over_64']);
    expect(codesOf(findrisc, 'sex')).toEqual(['male', 'female']);
    expect(codesOf(findrisc, 'family-history')).toEqual(['none', 'second_degree', 'first_degree']);
  });

  it('requires every question; BMI is calculated, read-only and not asked', () => {
    const questions = flattenItems(findrisc.item ?? []).filter(
      (item) => !['group', 'display'].includes(item.type) && item.linkId !== 'bmi',
    );
    expect(questions.filter((item) => !item.required).map((item) => item.linkId)).toEqual([]);
    const bmi = byLinkId(findrisc, 'bmi');
    expect(bmi.readOnly).toBe(true);
    expect(bmi.required).toBeFalsy();
    expect(bmi.extension?.find((ext) => ext.url === EXT.calculatedExpression)?.valueExpression).toEqual({
      language: 'text/fhirpath',
      expression: BMI_EXPRESSION,
    });
  });

  it('codes the body measurements in LOINC', () => {
    const loinc = (linkId: string) => byLinkId(findrisc, linkId).code?.map((c) => `${c.system}|${c.code}`);
    expect(['height', 'weight', 'bmi', 'waist'].map(loinc)).toEqual([
      ['http://loinc.org|8302-2'],
      ['http://loinc.org|29463-7'],
      ['http://loinc.org|39156-5'],
      ['http://loinc.org|8280-0'],
    ]);
  });

  it('accepts a complete response, calculates the BMI and scores it: 12 points, moderate', () => {
    // 55–64 → 3, BMI 80 / 1.70² = 27.7 → 1, waist 85 cm (woman) → 3, not active daily → 2, grandparent → 3.
    const { items, issues } = submitted(findrisc, [
      page('about-you', answered('age-band', code('55_64')), answered('sex', code('female'))),
      page(
        'body',
        answered('height', decimal(170)),
        answered('weight', decimal(80)),
        answered('waist', decimal(85)),
      ),
      page('lifestyle', answered('activity', bool(false)), answered('vegetables', bool(true))),
      page(
        'health',
        answered('bp-medication', bool(false)),
        answered('high-glucose', bool(false)),
        answered('family-history', code('second_degree')),
      ),
    ]);
    expect(issues).toEqual([]);
    expect(answerOf(items, 'bmi')?.answer).toEqual([{ valueDecimal: 27.7 }]);
    expect(scoreResponse('findrisc', items)).toMatchObject({ score: 12, category: 'moderate' });
  });

  it('rejects a height and a waist outside the form’s plausible range', () => {
    const { issues } = submitted(findrisc, [
      page(
        'body',
        answered('height', decimal(99)),
        answered('weight', decimal(80)),
        answered('waist', decimal(251)),
      ),
    ]);
    expect(issues.filter((issue) => issue.code !== 'required').map((i) => [i.linkId, i.code])).toEqual([
      ['height', 'min_value'],
      ['waist', 'max_value'],
    ]);
  });
});

describe('ADA/CDC risk test (Bang et al., Ann Intern Med 2009;151:775–783)', () => {
  const ada = load('ada-risk-test');
  const code = codingIn('ada-risk-test');
  const response = (sex: 'male' | 'female', gestational?: boolean) => [
    page(
      'about-you',
      answered('age-band', code('50_59')),
      answered('sex', code(sex)),
      ...(gestational === undefined ? [] : [answered('gestational-diabetes', bool(gestational))]),
    ),
    page(
      'health',
      answered('family-history', bool(false)),
      answered('high-blood-pressure', bool(true)),
      answered('physically-active', bool(true)),
    ),
    page('body', answered('height', decimal(170)), answered('weight', decimal(80))),
  ];

  it('has the pages and linkIds the scoring code reads, exactly', () => {
    expect(outline(ada.item)).toEqual([
      [
        'about-you',
        'group',
        [
          ['age-band', 'choice'],
          ['sex', 'choice'],
          ['gestational-diabetes', 'boolean'],
        ],
      ],
      [
        'health',
        'group',
        [
          ['family-history', 'boolean'],
          ['high-blood-pressure', 'boolean'],
          ['physically-active', 'boolean'],
        ],
      ],
      [
        'body',
        'group',
        [
          ['height', 'decimal'],
          ['weight', 'decimal'],
          ['bmi', 'decimal'],
        ],
      ],
    ]);
    expect(codesOf(ada, 'age-band')).toEqual(['under_40', '40_49', '50_59', '60_plus']);
    expect(codesOf(ada, 'sex')).toEqual(['male', 'female']);
  });

  it('calculates BMI the same way as FINDRISC', () => {
    expect(
      byLinkId(ada, 'bmi').extension?.find((e) => e.url === EXT.calculatedExpression)?.valueExpression,
    ).toEqual({
      language: 'text/fhirpath',
      expression: BMI_EXPRESSION,
    });
  });

  it('asks women about gestational diabetes and scores a complete response: 5 points, high risk', () => {
    // 50–59 → 2, woman → 0, gestational diabetes → 1, high blood pressure → 1, BMI 27.7 → 1.
    const { items, issues } = submitted(ada, response('female', true));
    expect(issues).toEqual([]);
    expect(scoreResponse('ada', items)).toMatchObject({ score: 5, category: 'high' });
  });

  it('requires the gestational diabetes question of women only', () => {
    expect(submitted(ada, response('female')).issues.map((i) => [i.linkId, i.code])).toEqual([
      ['gestational-diabetes', 'required'],
    ]);
    expect(submitted(ada, response('male')).issues).toEqual([]);
    expect(submitted(ada, response('male', false)).issues.map((i) => [i.linkId, i.code])).toEqual([
      ['gestational-diabetes', 'not_enabled'],
    ]);
  });
});

describe('WHO-5 Well-Being Index (Topp et al., Psychother Psychosom 2015;84:167–176)', () => {
  const who5 = load('who5');
  const code = codingIn('who5');

  it('is one page: an introduction and the five statements', () => {
    expect(outline(who5.item)).toEqual([
      [
        'wellbeing',
        'group',
        [
          ['who5-intro', 'display'],
          ['who5-1', 'choice'],
          ['who5-2', 'choice'],
          ['who5-3', 'choice'],
          ['who5-4', 'choice'],
          ['who5-5', 'choice'],
        ],
      ],
    ]);
  });

  it('answers each statement from "all of the time" (5) to "at no time" (0), with ordinal values', () => {
    for (let n = 1; n <= 5; n++) {
      const options = byLinkId(who5, `who5-${n}`).answerOption ?? [];
      expect(options.map((option) => option.valueCoding?.code)).toEqual(['5', '4', '3', '2', '1', '0']);
      for (const option of options) {
        const ordinal = option.extension?.find((ext) => ext.url === ORDINAL_VALUE)?.valueDecimal;
        expect(ordinal).toBe(Number(option.valueCoding?.code));
      }
    }
    const first = byLinkId(who5, 'who5-1').answerOption ?? [];
    expect([first[0]?.valueCoding?.display, first[5]?.valueCoding?.display]).toEqual([
      'De hele tijd',
      'Nooit',
    ]);
  });

  it('scores a complete response: raw 15, 60 %', () => {
    const { items, issues } = submitted(who5, [
      page('wellbeing', ...[1, 2, 3, 4, 5].map((n) => answered(`who5-${n}`, code('3')))),
    ]);
    expect(issues).toEqual([]);
    expect(scoreResponse('who5', items)).toMatchObject({ score: 60, category: 'good' });
  });
});

describe('lifestyle screen (own wording; thresholds from the Health Council of the Netherlands)', () => {
  const lifestyle = load('lifestyle-screen');
  const code = codingIn('lifestyle-screen');
  const response = (smoking: string, extra: QuestionnaireResponseItem[] = []) => [
    page(
      'activity',
      answered('active-days', integer(3)),
      answered('sitting-hours', decimal(7.5)),
      answered('muscle-strengthening', bool(false)),
      answered('favourite-activity', { valueString: 'Jeu de boules' }),
    ),
    page(
      'diet',
      answered('vegetable-portions', integer(2)),
      answered('fruit-pieces', integer(1)),
      answered('sugary-drinks', integer(4)),
      answered('whole-grain', code('mostly')),
    ),
    page('habits', answered('smoking', code(smoking)), ...extra, answered('alcohol-glasses', integer(3))),
    page(
      'closing',
      answered('personal-goal', { valueString: 'Vaker fietsen' }),
      answered('remarks', { valueString: 'Ik eet geen vlees.\nIk heb een knieblessure.' }),
    ),
  ];

  it('exercises the open-choice, string and text item types', () => {
    const types = new Set<string>(flattenItems(lifestyle.item ?? []).map((item) => item.type));
    const wanted = ['open-choice', 'string', 'text', 'integer', 'decimal', 'boolean', 'choice'];
    expect(wanted.filter((type) => !types.has(type))).toEqual([]);
  });

  it('accepts a complete response with a free-text favourite activity', () => {
    expect(submitted(lifestyle, response('never')).issues).toEqual([]);
  });

  it('asks how many cigarettes only of people who smoke', () => {
    expect(submitted(lifestyle, response('current')).issues.map((i) => [i.linkId, i.code])).toEqual([
      ['cigarettes-per-day', 'required'],
    ]);
    expect(
      submitted(lifestyle, response('current', [answered('cigarettes-per-day', integer(10))])).issues,
    ).toEqual([]);
    expect(
      submitted(lifestyle, response('former', [answered('cigarettes-per-day', integer(10))])).issues.map(
        (i) => i.code,
      ),
    ).toEqual(['not_enabled']);
  });
});

describe('demographics (own wording)', () => {
  const demographics = load('demographics');
  const code = codingIn('demographics');
  const response = (household: QuestionnaireResponseItem[], origin: QuestionnaireResponseItem[]) => [
    page('household', ...household),
    page('work', answered('work-situation', code('employed'), code('volunteer'))),
    page('origin', ...origin),
    page('health-literacy', answered('health-information', code('easy'))),
  ];

  it('offers the same countries of birth for the participant and each parent', () => {
    const countries = [
      'netherlands',
      'turkey',
      'morocco',
      'suriname',
      'dutch_caribbean',
      'indonesia',
      'other_europe',
      'other',
    ];
    for (const linkId of ['country-of-birth', 'birth-country-mother', 'birth-country-father']) {
      expect(codesOf(demographics, linkId), linkId).toEqual(countries);
    }
    expect(byLinkId(demographics, 'work-situation').repeats).toBe(true);
    expect(byLinkId(demographics, 'date-moved-to-region').type).toBe('date');
  });

  it('accepts a complete response with several work situations and a country typed in', () => {
    const { issues } = submitted(
      demographics,
      response(
        [
          answered('household-composition', code('partner_children')),
          answered('household-size', integer(4)),
          answered('date-moved-to-region', { valueDate: '2015-09-01' }),
        ],
        [
          answered('country-of-birth', code('other')),
          answered('country-of-birth-other', { valueString: 'Syrië' }),
          answered('birth-country-mother', code('other')),
          answered('birth-country-mother-other', { valueString: 'Syrië' }),
        ],
      ),
    );
    expect(issues).toEqual([]);
  });

  it('asks the household size only of people who do not live alone, and the other country only for "other"', () => {
    const { issues } = submitted(
      demographics,
      response(
        [answered('household-composition', code('alone')), answered('household-size', integer(1))],
        [
          answered('country-of-birth', code('netherlands')),
          answered('country-of-birth-other', { valueString: 'x' }),
        ],
      ),
    );
    expect(issues.map((i) => [i.linkId, i.code])).toEqual([
      ['household-size', 'not_enabled'],
      ['country-of-birth-other', 'not_enabled'],
    ]);
  });
});
