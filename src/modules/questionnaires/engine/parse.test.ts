import type { QuestionnaireItem } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ITEM_TYPES } from './items.ts';
import { jsonPointer, parseQuestionnaire } from './parse.ts';

const questionnaire = (item: unknown[], extra: Record<string, unknown> = {}) => ({
  resourceType: 'Questionnaire',
  status: 'active',
  item,
  ...extra,
});

const issuesOf = (json: unknown) => {
  const parsed = parseQuestionnaire(json);
  return parsed.ok ? [] : parsed.issues;
};

const QUESTION_TYPES = ITEM_TYPES.filter((type) => type !== 'group' && type !== 'display');

describe('parseQuestionnaire', () => {
  it('accepts every supported item type, and returns the questionnaire unchanged', () => {
    const json = questionnaire(
      [
        {
          linkId: 'page',
          type: 'group',
          item: [
            { linkId: 'intro', type: 'display', text: 'Welkom' },
            ...QUESTION_TYPES.map((type) => ({ linkId: type, type })),
          ],
        },
      ],
      {
        url: 'https://topfit.nl/fhir/Questionnaire/all',
        version: '1',
        name: 'All',
        title: 'Alles',
        _title: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/translation' }] },
        language: 'nl',
      },
    );
    expect(parseQuestionnaire(json)).toEqual({ ok: true, questionnaire: json });
  });

  it('passes unknown properties through unchanged', () => {
    const json = questionnaire(
      [{ linkId: 'a', type: 'string', definition: 'x', 'x-vendor': { deep: [1] } }],
      {
        publisher: 'TOPFIT',
        meta: { tag: [{ code: 't' }] },
      },
    );
    const parsed = parseQuestionnaire(json);
    expect(parsed.ok && parsed.questionnaire).toEqual(json);
  });

  it('accepts enableWhen, options, bundled value sets, initial values and codes', () => {
    const json = questionnaire(
      [
        {
          linkId: 'sex',
          type: 'choice',
          code: [{ system: 'http://loinc.org', code: '76689-9' }],
          answerOption: [
            { valueCoding: { code: 'male' }, initialSelected: true },
            { valueCoding: { code: 'female' } },
          ],
        },
        {
          linkId: 'pregnant',
          type: 'boolean',
          enableWhen: [{ question: 'sex', operator: '=', answerCoding: { code: 'female' } }],
          enableBehavior: 'any',
          initial: [{ valueBoolean: false }],
        },
        { linkId: 'colour', type: 'choice', answerValueSet: '#colours' },
        { linkId: 'loinc', type: 'choice', answerValueSet: 'http://loinc.org/vs/LL1-9' },
        { linkId: 'note', type: 'text', maxLength: 200, required: true, repeats: false, readOnly: false },
      ],
      {
        contained: [
          {
            resourceType: 'ValueSet',
            id: 'colours',
            status: 'active',
            compose: { include: [{ concept: [{ code: 'red' }] }] },
          },
        ],
      },
    );
    expect(issuesOf(json)).toEqual([]);
  });

  it('points at an unsupported item type', () => {
    const json = questionnaire([
      { linkId: 'a', type: 'string' },
      { linkId: 'b', type: 'string' },
      { linkId: 'c', type: 'group', item: [{ linkId: 'photo', type: 'attachment' }] },
    ]);
    const [issue, ...rest] = issuesOf(json);
    expect(rest).toEqual([]);
    expect(issue?.pointer).toBe('/item/2/item/0/type');
    expect(issue?.message).toContain('Unsupported item type "attachment"');
  });

  it('reports every structural issue at once', () => {
    const json = {
      resourceType: 'Questionnaire',
      status: 'final',
      item: [{ type: 'string' }, { linkId: 'b', type: 'nope' }],
    };
    expect(issuesOf(json).map((issue) => issue.pointer)).toEqual([
      '/status',
      '/item/0/linkId',
      '/item/1/type',
    ]);
  });

  it('rejects other resources and non-objects', () => {
    expect(issuesOf({ resourceType: 'Patient', status: 'active' }).map((issue) => issue.pointer)).toEqual([
      '/resourceType',
    ]);
    expect(issuesOf(null)).toHaveLength(1);
    expect(issuesOf('Questionnaire')).toHaveLength(1);
  });

  it('reports duplicate linkIds across the whole tree', () => {
    const json = questionnaire([
      { linkId: 'a', type: 'group', item: [{ linkId: 'x', type: 'string' }] },
      {
        linkId: 'b',
        type: 'group',
        item: [
          { linkId: 'x', type: 'string' },
          { linkId: 'a', type: 'integer' },
        ],
      },
    ]);
    expect(issuesOf(json)).toEqual([
      { pointer: '/item/1/item/0/linkId', message: 'Duplicate linkId "x".' },
      { pointer: '/item/1/item/1/linkId', message: 'Duplicate linkId "a".' },
    ]);
  });

  it('requires the question of an enableWhen to exist, anywhere in the questionnaire', () => {
    const json = questionnaire([
      {
        linkId: 'a',
        type: 'boolean',
        enableWhen: [{ question: 'later', operator: 'exists', answerBoolean: true }],
      },
      {
        linkId: 'b',
        type: 'boolean',
        enableWhen: [{ question: 'gone', operator: '=', answerBoolean: true }],
      },
      { linkId: 'later', type: 'boolean' },
    ]);
    expect(issuesOf(json).map((issue) => issue.pointer)).toEqual(['/item/1/enableWhen/0/question']);
  });

  it('checks each enableWhen has exactly one answer, a boolean for exists', () => {
    const json = questionnaire([
      { linkId: 'q', type: 'integer' },
      { linkId: 'a', type: 'string', enableWhen: [{ question: 'q', operator: '=' }] },
      {
        linkId: 'b',
        type: 'string',
        enableWhen: [{ question: 'q', operator: '=', answerInteger: 1, answerString: '1' }],
      },
      { linkId: 'c', type: 'string', enableWhen: [{ question: 'q', operator: 'exists', answerInteger: 1 }] },
      { linkId: 'd', type: 'string', enableWhen: [{ question: 'q', operator: '~', answerInteger: 1 }] },
    ]);
    expect(issuesOf(json).map((issue) => issue.pointer)).toEqual([
      '/item/1/enableWhen/0',
      '/item/2/enableWhen/0',
      '/item/3/enableWhen/0',
      '/item/4/enableWhen/0/operator',
    ]);
  });

  it('requires a bundled value set to be contained', () => {
    const json = questionnaire([{ linkId: 'c', type: 'choice', answerValueSet: '#missing' }]);
    expect(issuesOf(json)).toEqual([
      {
        pointer: '/item/0/answerValueSet',
        message: 'answerValueSet "#missing" names no contained ValueSet.',
      },
    ]);
  });

  it('holds the R4 rules on groups, display items, options and maxLength', () => {
    const json = questionnaire([
      { linkId: 'empty', type: 'group' },
      { linkId: 'intro', type: 'display', item: [{ linkId: 'x', type: 'string' }] },
      { linkId: 'both', type: 'choice', answerOption: [{ valueString: 'a' }], answerValueSet: 'http://x' },
      { linkId: 'long', type: 'integer', maxLength: 3 },
    ]);
    expect(issuesOf(json).map((issue) => issue.pointer)).toEqual([
      '/item/0/item',
      '/item/1/item',
      '/item/2/answerValueSet',
      '/item/3/maxLength',
    ]);
  });

  it('escapes JSON pointer segments (RFC 6901)', () => {
    expect(jsonPointer(['item', 0, 'a/b~c'])).toBe('/item/0/a~1b~0c');
    expect(jsonPointer([])).toBe('');
  });
});

describe('parseQuestionnaire on any input (property)', () => {
  it('never throws on arbitrary JSON, and answers with issues', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const parsed = parseQuestionnaire(json);
        expect(parsed.ok ? [] : parsed.issues).toBeInstanceOf(Array);
      }),
    );
  });

  it('never throws on a questionnaire whose items are arbitrary JSON', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.jsonValue(),
            fc.record({ linkId: fc.string(), type: fc.string(), item: fc.jsonValue() }),
          ),
        ),
        (item) => {
          const parsed = parseQuestionnaire(questionnaire(item));
          if (!parsed.ok) for (const issue of parsed.issues) expect(issue.pointer).toMatch(/^(\/[^/]*)*$/);
        },
      ),
    );
  });

  type Shape =
    | { children: Shape[] }
    | { type: (typeof QUESTION_TYPES)[number]; text: string; extra: unknown };
  const { shape } = fc.letrec<{ shape: Shape }>((tie) => ({
    shape: fc.oneof(
      { depthSize: 'small' },
      fc.record({ type: fc.constantFrom(...QUESTION_TYPES), text: fc.string(), extra: fc.jsonValue() }),
      fc.record({ children: fc.array(tie('shape'), { minLength: 1, maxLength: 4 }) }),
    ),
  }));

  /** Items with linkIds numbered in tree order, so they are unique. */
  function itemsOf(shapes: Shape[], counter = { next: 0 }): QuestionnaireItem[] {
    return shapes.map((node) => {
      const linkId = `item-${counter.next++}`;
      return 'children' in node
        ? { linkId, type: 'group', item: itemsOf(node.children, counter) }
        : ({ linkId, type: node.type, text: node.text, 'x-extra': node.extra } as QuestionnaireItem);
    });
  }

  it('accepts any tree of supported items with unique linkIds, unchanged', () => {
    fc.assert(
      fc.property(fc.array(shape, { maxLength: 5 }), (shapes) => {
        const json = questionnaire(itemsOf(shapes));
        expect(parseQuestionnaire(json)).toEqual({ ok: true, questionnaire: json });
      }),
    );
  });
});
