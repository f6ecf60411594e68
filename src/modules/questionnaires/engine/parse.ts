import type { Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';
import { z } from 'zod';
import { ITEM_TYPES } from './items.ts';

// Loose objects throughout: FHIR allows properties this subset does not read, and they pass through unchanged.

const extension = z.looseObject({
  url: z.string().min(1),
  get extension() {
    return z.array(extension).optional();
  },
});

const element = z.looseObject({ extension: z.array(extension).optional() });

const coding = z.looseObject({
  system: z.string().optional(),
  code: z.string().optional(),
  display: z.string().optional(),
  _display: element.optional(),
});

const quantity = z.looseObject({
  value: z.number().optional(),
  unit: z.string().optional(),
  system: z.string().optional(),
  code: z.string().optional(),
});

const concept = z.looseObject({ code: z.string().min(1), display: z.string().optional() });

const expansionConcept = z.looseObject({
  system: z.string().optional(),
  code: z.string().optional(),
  display: z.string().optional(),
  get contains() {
    return z.array(expansionConcept).optional();
  },
});

const STATUSES = ['draft', 'active', 'retired', 'unknown'] as const;

const valueSet = z.looseObject({
  resourceType: z.literal('ValueSet'),
  id: z.string().min(1),
  status: z.enum(STATUSES),
  compose: z
    .looseObject({
      include: z.array(
        z.looseObject({ system: z.string().optional(), concept: z.array(concept).optional() }),
      ),
    })
    .optional(),
  expansion: z
    .looseObject({ timestamp: z.string(), contains: z.array(expansionConcept).optional() })
    .optional(),
});

/** The value[x] (or answer[x]) types the engine reads, by suffix. */
const VALUE_TYPES = {
  Boolean: z.boolean(),
  Decimal: z.number(),
  Integer: z.int(),
  Date: z.string(),
  DateTime: z.string(),
  Time: z.string(),
  String: z.string(),
  Uri: z.string(),
  Coding: coding,
  Quantity: quantity,
};

function choiceOf(prefix: 'value' | 'answer', suffixes: (keyof typeof VALUE_TYPES)[]) {
  return Object.fromEntries(suffixes.map((suffix) => [`${prefix}${suffix}`, VALUE_TYPES[suffix].optional()]));
}

const ANSWER_SUFFIXES = [
  'Boolean',
  'Decimal',
  'Integer',
  'Date',
  'DateTime',
  'Time',
  'String',
  'Coding',
  'Quantity',
] as const;

const enableWhen = z
  .looseObject({
    question: z.string().min(1),
    operator: z.enum(['exists', '=', '!=', '>', '<', '>=', '<=']),
    ...choiceOf('answer', [...ANSWER_SUFFIXES]),
  })
  .refine((condition) => ANSWER_SUFFIXES.filter((suffix) => `answer${suffix}` in condition).length === 1, {
    message: 'An enableWhen needs exactly one answer[x].',
  })
  .refine((condition) => condition.operator !== 'exists' || typeof condition.answerBoolean === 'boolean', {
    message: "The 'exists' operator takes answerBoolean.",
  });

const answerOption = z.looseObject({
  ...choiceOf('value', ['Integer', 'Date', 'Time', 'String', 'Coding']),
  _valueString: element.optional(),
  initialSelected: z.boolean().optional(),
});

const initial = z.looseObject(
  choiceOf('value', [
    'Boolean',
    'Decimal',
    'Integer',
    'Date',
    'DateTime',
    'Time',
    'String',
    'Uri',
    'Coding',
    'Quantity',
  ]),
);

const item = z.looseObject({
  linkId: z.string().min(1),
  code: z.array(coding).optional(),
  prefix: z.string().optional(),
  text: z.string().optional(),
  _text: element.optional(),
  type: z.enum(ITEM_TYPES, {
    error: (issue) =>
      `Unsupported item type ${JSON.stringify(issue.input)}: use one of ${ITEM_TYPES.join(', ')}.`,
  }),
  enableWhen: z.array(enableWhen).optional(),
  enableBehavior: z.enum(['all', 'any']).optional(),
  required: z.boolean().optional(),
  repeats: z.boolean().optional(),
  readOnly: z.boolean().optional(),
  maxLength: z.int().positive().optional(),
  answerValueSet: z.string().optional(),
  answerOption: z.array(answerOption).optional(),
  initial: z.array(initial).optional(),
  extension: z.array(extension).optional(),
  get item() {
    return z.array(item).optional();
  },
});

const questionnaireSchema = z.looseObject({
  resourceType: z.literal('Questionnaire'),
  url: z.string().optional(),
  version: z.string().optional(),
  name: z.string().optional(),
  title: z.string().optional(),
  _title: element.optional(),
  status: z.enum(STATUSES),
  language: z.string().optional(),
  description: z.string().optional(),
  _description: element.optional(),
  copyright: z.string().optional(),
  _copyright: element.optional(),
  extension: z.array(extension).optional(),
  contained: z.array(valueSet).optional(),
  item: z.array(item).optional(),
});

export interface ParseIssue {
  pointer: string;
  message: string;
}

/** A JSON pointer (RFC 6901) from a path of keys and indexes. */
export const jsonPointer = (path: readonly PropertyKey[]) =>
  path.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** Rules of one item that concern the item alone (R4 que-1 and que-4, and where maxLength applies). */
const ITEM_RULES: { at: string; message: string; broken: (item: QuestionnaireItem) => boolean }[] = [
  {
    at: 'item',
    message: 'A group needs nested items.',
    broken: (i) => i.type === 'group' && !i.item?.length,
  },
  {
    at: 'item',
    message: 'A display item cannot have nested items.',
    broken: (i) => i.type === 'display' && !!i.item?.length,
  },
  {
    at: 'answerValueSet',
    message: 'Give answerOption or answerValueSet, not both.',
    broken: (i) => i.answerOption !== undefined && i.answerValueSet !== undefined,
  },
  {
    at: 'maxLength',
    message: 'maxLength applies to string, text, url and open-choice items only.',
    broken: (i) => i.maxLength !== undefined && !['string', 'text', 'url', 'open-choice'].includes(i.type),
  },
];

function* locatedItems(
  items: QuestionnaireItem[] | undefined,
  pointer: string,
): Generator<[QuestionnaireItem, string]> {
  for (const [index, item] of (items ?? []).entries()) {
    yield [item, `${pointer}/item/${index}`];
    yield* locatedItems(item.item, `${pointer}/item/${index}`);
  }
}

interface Known {
  linkIds: Set<string>;
  valueSets: Set<string>;
}

function itemIssues(item: QuestionnaireItem, pointer: string, known: Known): ParseIssue[] {
  const broken = ITEM_RULES.filter((rule) => rule.broken(item)).map((rule) => ({
    pointer: `${pointer}/${rule.at}`,
    message: rule.message,
  }));
  const unknownQuestions = (item.enableWhen ?? []).flatMap(({ question }, index) =>
    known.linkIds.has(question)
      ? []
      : [
          {
            pointer: `${pointer}/enableWhen/${index}/question`,
            message: `enableWhen names question "${question}", which is not in this questionnaire.`,
          },
        ],
  );
  const valueSet = item.answerValueSet;
  const unresolved =
    valueSet?.startsWith('#') && !known.valueSets.has(valueSet)
      ? [
          {
            pointer: `${pointer}/answerValueSet`,
            message: `answerValueSet "${valueSet}" names no contained ValueSet.`,
          },
        ]
      : [];
  return [...broken, ...unknownQuestions, ...unresolved];
}

/** What the schema cannot see: linkIds unique across the tree, and references that resolve. */
function crossReferenceIssues(questionnaire: Questionnaire): ParseIssue[] {
  const located = [...locatedItems(questionnaire.item, '')];
  const known = {
    linkIds: new Set(located.map(([item]) => item.linkId)),
    valueSets: new Set(questionnaire.contained?.map((resource) => `#${resource.id}`)),
  };
  const seen = new Set<string>();
  return located.flatMap(([item, pointer]) => {
    const duplicate = seen.has(item.linkId)
      ? [{ pointer: `${pointer}/linkId`, message: `Duplicate linkId "${item.linkId}".` }]
      : [];
    seen.add(item.linkId);
    return [...duplicate, ...itemIssues(item, pointer, known)];
  });
}

/**
 * Checks JSON against the subset of the FHIR R4 Questionnaire the engine supports: the structure first, then
 * (once that holds) unique linkIds and references. Every issue comes with a JSON pointer into the input.
 */
export function parseQuestionnaire(
  json: unknown,
): { ok: true; questionnaire: Questionnaire } | { ok: false; issues: ParseIssue[] } {
  const parsed = questionnaireSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({
        pointer: jsonPointer(issue.path),
        message: issue.message,
      })),
    };
  }
  // The schema holds every field the engine reads to the R4 types; the rest passes through untouched.
  const questionnaire: Questionnaire = parsed.data;
  const issues = crossReferenceIssues(questionnaire);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, questionnaire };
}
