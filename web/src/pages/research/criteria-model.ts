import { EDUCATION_LEVELS, type EducationLevel, SEXES_AT_BIRTH, type SexAtBirth } from '../../api-types.ts';
import type { Criteria, Criterion, CriterionField } from './research-api.ts';

/**
 * The criteria builder's model: criteria as the researcher types them (text in number fields, ticks in lists),
 * read into the criteria the API takes. The limits are the server's (src/modules/research/criteria.ts), checked
 * here too so that a mistake shows at its field before any request.
 */

export const CRITERION_FIELDS: CriterionField[] = [
  'age',
  'sex',
  'municipality',
  'education',
  'findrisc',
  'steps',
  'cgm',
  'other_studies',
];

/** A study has at most this many criteria; a criterion at most this many municipalities or studies. */
export const MAX_CRITERIA = 20;
const MAX_MUNICIPALITIES = 100;
const MAX_EXCLUDED_STUDIES = 50;

/** The label of a number field (research.criteria.labels.*). */
type NumberLabel =
  | 'ageMin'
  | 'ageMax'
  | 'findriscMin'
  | 'findriscWithinMonths'
  | 'stepsMinPerDay'
  | 'stepsWithinDays'
  | 'cgmMinDays'
  | 'cgmMeanMin'
  | 'cgmMeanMax';

/** A number a criterion takes: its name in the API, its label, whether it must be given, its range, decimals or not. */
interface NumberParam {
  name: string;
  label: NumberLabel;
  required: boolean;
  min: number;
  max: number;
  decimal: boolean;
}

const param = (
  name: string,
  label: NumberLabel,
  required: boolean,
  [min, max]: [number, number],
  decimal = false,
): NumberParam => ({ name, label, required, min, max, decimal });

export const NUMBER_PARAMS: Partial<Record<CriterionField, NumberParam[]>> = {
  age: [param('min', 'ageMin', false, [16, 120]), param('max', 'ageMax', false, [16, 120])],
  findrisc: [
    param('min', 'findriscMin', true, [0, 26]),
    param('withinMonths', 'findriscWithinMonths', true, [1, 120]),
  ],
  steps: [
    param('minPerDay', 'stepsMinPerDay', true, [0, 100_000]),
    param('withinDays', 'stepsWithinDays', true, [7, 365]),
  ],
  cgm: [
    param('minDays', 'cgmMinDays', true, [1, 14], true),
    param('meanMmolMin', 'cgmMeanMin', false, [1, 30], true),
    param('meanMmolMax', 'cgmMeanMax', false, [1, 30], true),
  ],
};

/** One criterion being edited. `id` keeps React's identity and focus while criteria are added and removed. */
export interface DraftCriterion {
  id: string;
  field: CriterionField;
  /** The text in each number field, by the parameter's name. */
  numbers: Record<string, string>;
  /** Sexes, education levels, municipality codes or study ids ticked. */
  chosen: string[];
  /** other_studies: any other study, or the chosen ones. */
  exclude: 'any' | 'these';
}

/** What is wrong with a draft, by parameter name (`in` for the list, `exclude` for the studies). */
type DraftErrors = Record<string, DraftProblem>;

/** A mistake (said as an error) or a part still to fill in (said as a hint until saving). */
export type DraftProblem =
  | { kind: 'number'; min: number; max: number; decimal: boolean }
  | { kind: 'required' }
  | { kind: 'chooseOne' }
  | { kind: 'tooMany'; max: number }
  | { kind: 'order' };

let counter = 0;
const nextId = () => `criterion-${++counter}`;

/** A new criterion of a kind, with values that count at once where a sensible start exists. */
export function newDraft(field: CriterionField): DraftCriterion {
  const starts: Partial<Record<CriterionField, Record<string, string>>> = {
    age: { min: '18', max: '' },
    findrisc: { min: '12', withinMonths: '12' },
    steps: { minPerDay: '5000', withinDays: '30' },
    cgm: { minDays: '10', meanMmolMin: '', meanMmolMax: '' },
  };
  return { id: nextId(), field, numbers: { ...starts[field] }, chosen: [], exclude: 'any' };
}

const text = (value: number | undefined) => (value === undefined ? '' : String(value));

/** A saved criterion, to edit. */
export function draftOf(criterion: Criterion): DraftCriterion {
  const draft = newDraft(criterion.field);
  switch (criterion.field) {
    case 'age':
      return { ...draft, numbers: { min: text(criterion.min), max: text(criterion.max) } };
    case 'findrisc':
      return { ...draft, numbers: { min: text(criterion.min), withinMonths: text(criterion.withinMonths) } };
    case 'steps':
      return {
        ...draft,
        numbers: { minPerDay: text(criterion.minPerDay), withinDays: text(criterion.withinDays) },
      };
    case 'cgm':
      return {
        ...draft,
        numbers: {
          minDays: text(criterion.minDays),
          meanMmolMin: text(criterion.meanMmolMin),
          meanMmolMax: text(criterion.meanMmolMax),
        },
      };
    case 'other_studies':
      return criterion.exclude === 'any'
        ? { ...draft, exclude: 'any' }
        : { ...draft, exclude: 'these', chosen: [...criterion.exclude] };
    case 'sex':
    case 'municipality':
    case 'education':
      return { ...draft, chosen: [...criterion.in] };
  }
}

/** A number typed in a field: Dutch decimal commas are read as points. Undefined when it is no number. */
function readNumber(value: string): number | undefined {
  const trimmed = value.trim().replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

/** The criterion a draft stands for, or what is wrong with it. */
export function readDraft(draft: DraftCriterion): { criterion?: Criterion; problems: DraftErrors } {
  const problems: DraftErrors = {};
  const numbers: Record<string, number | undefined> = {};
  for (const spec of NUMBER_PARAMS[draft.field] ?? []) {
    const raw = draft.numbers[spec.name] ?? '';
    if (raw.trim() === '') {
      if (spec.required) problems[spec.name] = { kind: 'required' };
      continue;
    }
    const value = readNumber(raw);
    if (
      value === undefined ||
      value < spec.min ||
      value > spec.max ||
      (!spec.decimal && !Number.isInteger(value))
    ) {
      problems[spec.name] = { kind: 'number', min: spec.min, max: spec.max, decimal: spec.decimal };
    } else {
      numbers[spec.name] = value;
    }
  }
  const pair = (low: string, high: string) => {
    const a = numbers[low];
    const b = numbers[high];
    if (a !== undefined && b !== undefined && a > b) problems[high] = { kind: 'order' };
  };
  const chosen = (max: number) => {
    if (draft.chosen.length === 0) problems.in = { kind: 'chooseOne' };
    else if (draft.chosen.length > max) problems.in = { kind: 'tooMany', max };
  };
  let criterion: Criterion | undefined;
  switch (draft.field) {
    case 'age':
      pair('min', 'max');
      criterion = {
        field: 'age',
        ...(numbers.min !== undefined ? { min: numbers.min } : {}),
        ...(numbers.max !== undefined ? { max: numbers.max } : {}),
      };
      break;
    case 'sex': {
      chosen(SEXES_AT_BIRTH.length);
      const sexes = SEXES_AT_BIRTH.filter((sex): sex is SexAtBirth => draft.chosen.includes(sex));
      criterion = { field: 'sex', in: sexes };
      break;
    }
    case 'education': {
      chosen(EDUCATION_LEVELS.length);
      const levels = EDUCATION_LEVELS.filter((level): level is EducationLevel =>
        draft.chosen.includes(level),
      );
      criterion = { field: 'education', in: levels };
      break;
    }
    case 'municipality':
      chosen(MAX_MUNICIPALITIES);
      criterion = { field: 'municipality', in: [...draft.chosen] };
      break;
    case 'findrisc':
      criterion = { field: 'findrisc', min: numbers.min ?? 0, withinMonths: numbers.withinMonths ?? 0 };
      break;
    case 'steps':
      criterion = { field: 'steps', minPerDay: numbers.minPerDay ?? 0, withinDays: numbers.withinDays ?? 0 };
      break;
    case 'cgm':
      pair('meanMmolMin', 'meanMmolMax');
      criterion = {
        field: 'cgm',
        minDays: numbers.minDays ?? 0,
        ...(numbers.meanMmolMin !== undefined ? { meanMmolMin: numbers.meanMmolMin } : {}),
        ...(numbers.meanMmolMax !== undefined ? { meanMmolMax: numbers.meanMmolMax } : {}),
      };
      break;
    case 'other_studies':
      if (draft.exclude === 'these') chosen(MAX_EXCLUDED_STUDIES);
      criterion = {
        field: 'other_studies',
        exclude: draft.exclude === 'any' ? 'any' : [...draft.chosen],
      };
      break;
  }
  return Object.keys(problems).length === 0 ? { criterion, problems } : { problems };
}

/** Whether a problem is only something not filled in yet (a hint while editing, an error when saving). */
export const isIncomplete = (problem: DraftProblem) =>
  problem.kind === 'required' || problem.kind === 'chooseOne';

/**
 * The criteria of the drafts that are complete, and for each the index of its draft: live counts use what is
 * ready, so adding a criterion never blanks the table while its values are being chosen.
 */
export function readyCriteria(drafts: DraftCriterion[]): { criteria: Criteria; draftIndexes: number[] } {
  const all: Criterion[] = [];
  const draftIndexes: number[] = [];
  drafts.forEach((draft, index) => {
    const { criterion } = readDraft(draft);
    if (criterion) {
      all.push(criterion);
      draftIndexes.push(index);
    }
  });
  return { criteria: { all }, draftIndexes };
}

/** The same criteria, whatever the order of keys in their objects: to tell saved from changed. */
export const sameCriteria = (a: Criteria, b: Criteria): boolean =>
  JSON.stringify(a.all.map(canonical)) === JSON.stringify(b.all.map(canonical));

function canonical(criterion: Criterion): unknown {
  return Object.fromEntries(Object.entries(criterion).sort(([x], [y]) => x.localeCompare(y)));
}
