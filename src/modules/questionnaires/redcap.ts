import type {
  Coding,
  Extension,
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireItemEnableWhen,
} from '@medplum/fhirtypes';
import { CsvError, type Info, parse } from 'csv-parse/sync';
import { EXT } from './engine/extensions.ts';

/*
 * REDCap data dictionary (CSV) → FHIR R4 Questionnaire.
 *
 * All or nothing: every problem in the file is collected with its line, then the import fails as a whole
 * with `RedcapImportError`. What converts with a loss (a calculation, an identifying field left out) is a
 * warning on its line.
 */

export interface RedcapImport {
  questionnaire: Questionnaire;
  warnings: { line: number; message: string }[];
}

export interface RedcapIssue {
  /** 1-based line of the CSV file; the header is line 1. */
  line: number;
  /** The column's header as the file spells it. */
  column?: string;
  message: string;
}

export class RedcapImportError extends Error {
  constructor(readonly issues: RedcapIssue[]) {
    const listed = issues.slice(0, 5).map((issue) => `line ${issue.line}: ${issue.message}`);
    if (issues.length > 5) listed.push(`and ${issues.length - 5} more`);
    super(`The REDCap data dictionary cannot be imported: ${listed.join('; ')}`);
    this.name = 'RedcapImportError';
  }
}

/** The columns we read: the header of REDCap's CSV download, then the name the REDCap API uses. */
const COLUMNS = {
  fieldName: ['Variable / Field Name', 'field_name'],
  formName: ['Form Name', 'form_name'],
  sectionHeader: ['Section Header', 'section_header'],
  fieldType: ['Field Type', 'field_type'],
  fieldLabel: ['Field Label', 'field_label'],
  choices: ['Choices, Calculations, OR Slider Labels', 'select_choices_or_calculations'],
  fieldNote: ['Field Note', 'field_note'],
  validation: ['Text Validation Type OR Show Slider Number', 'text_validation_type_or_show_slider_number'],
  min: ['Text Validation Min', 'text_validation_min'],
  max: ['Text Validation Max', 'text_validation_max'],
  identifier: ['Identifier?', 'identifier'],
  branching: ['Branching Logic (Show field only if...)', 'branching_logic'],
  required: ['Required Field?', 'required_field'],
} as const satisfies Record<string, readonly [string, string]>;
type Column = keyof typeof COLUMNS;
const COLUMN_KEYS = Object.keys(COLUMNS) as Column[];

/** REDCap's rule for variable and form names, which become linkIds. */
const REDCAP_NAME = /^[a-z][a-z0-9_]*$/;
/** REDCap's default name for its first field: the record's key, not a question for participants. */
const RECORD_ID = 'record_id';
const ITEM_CONTROL_SYSTEM = 'http://hl7.org/fhir/questionnaire-item-control';

interface Row {
  line: number;
  cell: Record<Column, string>;
}

type AnswerType = 'boolean' | 'decimal' | 'integer' | 'date' | 'dateTime' | 'string' | 'text' | 'choice';

/** What the first pass learns of a field, before branching logic (which may point ahead) is resolved. */
interface Field {
  row: Row;
  name: string;
  redcapType: string;
  /** kept: becomes an item; leftOut: dropped with a warning; broken: an issue was reported. */
  fate: 'kept' | 'leftOut' | 'broken';
  /** Why a left-out field is left out, as a noun phrase. */
  leftOutAs?: string;
  /** undefined: a descriptive text (a display item). */
  answerType: AnswerType | undefined;
  options: Coding[];
  extension: Extension[];
}

interface Report {
  issue(line: number, message: string, column?: Column): void;
  warn(line: number, message: string): void;
}

/**
 * Converts a REDCap data dictionary to a draft Questionnaire: each form a top-level group, each section
 * header a group inside its form, each field an item. Throws `RedcapImportError` listing every problem.
 */
export function redcapToQuestionnaire(
  csv: string,
  options: { url: string; title?: string; language?: 'nl' | 'en'; version?: string },
): RedcapImport {
  const { header, records } = readCsv(csv);
  const columns = resolveColumns(header);

  const issues: RedcapIssue[] = [];
  const warnings: RedcapImport['warnings'] = [];
  const report: Report = {
    issue: (line, message, column) =>
      issues.push({ line, ...(column ? { column: columns.name[column] } : {}), message }),
    warn: (line, message) => warnings.push({ line, message }),
  };

  const rows = toRows(records, header.cells.length, columns.index, report);
  if (records.length === 0) report.issue(header.line, 'The dictionary has no fields.');

  const formNames = new Set(rows.map((row) => row.cell.formName));
  const fields = new Map<string, Field>();
  for (const [index, row] of rows.entries()) {
    const field = readField(row, index === 0, report);
    if (!field) continue;
    const earlier = fields.get(field.name);
    if (earlier) {
      report.issue(row.line, `[${field.name}] is defined before, on line ${earlier.row.line}.`, 'fieldName');
      continue;
    }
    if (field.fate === 'kept' && formNames.has(field.name)) {
      report.issue(row.line, `[${field.name}] has the name of a form; linkIds must be unique.`, 'fieldName');
    }
    fields.set(field.name, field);
  }

  const items = new Map<string, QuestionnaireItem[]>();
  for (const field of fields.values()) {
    if (field.fate === 'kept') items.set(field.name, toItems(field, branchingOf(field, fields, report)));
  }
  const groups = assemble(rows, items, report);

  if (issues.length > 0) throw new RedcapImportError(byLine(issues));
  if (groups.length === 0) {
    throw new RedcapImportError([
      { line: header.line, message: 'No field is left to ask: the questionnaire would be empty.' },
    ]);
  }
  const questionnaire: Questionnaire = {
    resourceType: 'Questionnaire',
    url: options.url,
    ...(options.version ? { version: options.version } : {}),
    title: options.title ?? groups.map((group) => group.text).join(', '),
    status: 'draft',
    ...(options.language ? { language: options.language } : {}),
    item: groups,
  };
  return { questionnaire, warnings: byLine(warnings) };
}

// ------------------------------------------------------------------------------------------------- CSV

interface CsvRecord {
  line: number;
  cells: string[];
}

function readCsv(csv: string): { header: CsvRecord; records: CsvRecord[] } {
  // One line ending for all: csv-parse counts a "\r\n" inside a quoted value as two lines.
  const text = csv.replace(/\r\n?/g, '\n');
  let parsed: unknown[];
  try {
    parsed = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = typeof error.lines === 'number' && error.lines > 0 ? error.lines : 1;
    throw new RedcapImportError([{ line, message: `This is not a valid CSV file: ${error.message}` }]);
  }
  // With `info: true` csv-parse yields { info, record }; its typings only describe string[][].
  const records = (parsed as { info: Info; record: string[] }[]).map(({ info, record }) => ({
    // info.lines is the record's last line; a quoted value spanning lines puts its start higher up.
    line: info.lines - record.reduce((newlines, cell) => newlines + (cell.match(/\n/g)?.length ?? 0), 0),
    cells: record,
  }));
  const [header, ...rest] = records;
  if (!header) throw new RedcapImportError([{ line: 1, message: 'The file is empty.' }]);
  return { header, records: rest };
}

/** Finds each column by either of its names, in any case; fails listing every column missing. */
function resolveColumns(header: CsvRecord): { index: Record<Column, number>; name: Record<Column, string> } {
  const issues: RedcapIssue[] = [];
  const normalized = header.cells.map((name) => name.trim().toLowerCase());
  const index = {} as Record<Column, number>;
  const name = {} as Record<Column, string>;
  for (const column of COLUMN_KEYS) {
    const [exportName, apiName] = COLUMNS[column];
    const matches = normalized.flatMap((cell, at) =>
      cell === exportName.toLowerCase() || cell === apiName.toLowerCase() ? [at] : [],
    );
    const [at] = matches;
    if (at === undefined) {
      issues.push({
        line: header.line,
        column: exportName,
        message: `The column "${exportName}" (or "${apiName}") is missing.`,
      });
    } else if (matches.length > 1) {
      issues.push({
        line: header.line,
        column: exportName,
        message: `The column "${exportName}" appears twice.`,
      });
    } else {
      index[column] = at;
      name[column] = header.cells[at]?.trim() ?? exportName;
    }
  }
  if (issues.length === 0) return { index, name };
  if (header.cells.some((cell) => cell.includes(';'))) {
    issues.push({
      line: header.line,
      message: 'The columns seem separated by semicolons; REDCap uses commas.',
    });
  }
  throw new RedcapImportError(issues);
}

function toRows(records: CsvRecord[], width: number, index: Record<Column, number>, report: Report): Row[] {
  const rows: Row[] = [];
  for (const { line, cells } of records) {
    if (cells.length !== width) {
      report.issue(line, `This row has ${cells.length} cells; the header has ${width}.`);
      continue;
    }
    const cell = Object.fromEntries(
      COLUMN_KEYS.map((column) => [column, (cells[index[column]] ?? '').trim()]),
    );
    rows.push({ line, cell: cell as Record<Column, string> });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------- fields

function readField(row: Row, isFirst: boolean, report: Report): Field | undefined {
  const { cell, line } = row;
  const name = cell.fieldName;
  const nameIsValid = REDCAP_NAME.test(name);
  if (!nameIsValid) {
    report.issue(
      line,
      name
        ? `"${name}" is not a REDCap variable name (lower-case letters, digits and _, starting with a letter).`
        : 'The variable name is empty.',
      'fieldName',
    );
  }
  if (!REDCAP_NAME.test(cell.formName)) {
    report.issue(
      line,
      cell.formName
        ? `"${cell.formName}" is not a REDCap form name (lower-case letters, digits and _, starting with a letter).`
        : `The form name of [${name}] is empty.`,
      'formName',
    );
  }
  if (!nameIsValid) return undefined;

  const redcapType = cell.fieldType.toLowerCase();
  const field: Field = {
    row,
    name,
    redcapType,
    fate: 'kept',
    answerType: undefined,
    options: [],
    extension: [],
  };
  if (isFirst && name === RECORD_ID) {
    report.warn(
      line,
      `[${name}] is the REDCap record id; the platform identifies responses itself, so it is left out.`,
    );
    leaveOut(field, 'the REDCap record id');
  } else if (cell.identifier.toLowerCase() === 'y') {
    report.warn(
      line,
      `[${name}] is marked as identifying; identifying data is not collected, so it is left out.`,
    );
    leaveOut(field, 'an identifying field');
  }

  switch (redcapType) {
    case 'text':
      field.answerType = textAnswerType(field, report);
      break;
    case 'notes':
      field.answerType = 'text';
      break;
    case 'dropdown':
    case 'radio':
    case 'checkbox':
      field.answerType = 'choice';
      field.options = parseChoices(field, report);
      field.extension.push(
        itemControl({ dropdown: 'drop-down', radio: 'radio-button', checkbox: 'check-box' }[redcapType]),
      );
      break;
    case 'yesno':
    case 'truefalse':
      field.answerType = 'boolean';
      break;
    case 'descriptive':
      if (!cell.fieldLabel && field.fate === 'kept') {
        report.warn(line, `The descriptive field [${name}] has no text, so it is left out.`);
        leaveOut(field, 'an empty text');
      }
      break;
    case 'slider':
      field.answerType = 'integer';
      field.extension.push(itemControl('slider'));
      if (cell.choices && field.fate === 'kept') {
        report.warn(
          line,
          `The slider labels of [${name}] ("${cell.choices}") are not shown; the answer is a number.`,
        );
      }
      break;
    case 'calc':
      field.answerType = 'decimal';
      if (field.fate === 'kept') {
        report.warn(
          line,
          `[${name}] is a REDCap calculation ("${cell.choices}"). REDCap's formulas are not FHIRPath, so it is ` +
            'imported read-only without a calculation; add an sdc-questionnaire-calculatedExpression by hand.',
        );
      }
      break;
    case 'file':
    case 'sql':
      report.issue(
        line,
        `[${name}] is a "${redcapType}" field, which the platform does not support.`,
        'fieldType',
      );
      field.fate = 'broken';
      break;
    default:
      report.issue(
        line,
        cell.fieldType
          ? `"${cell.fieldType}" (of [${name}]) is not a REDCap field type.`
          : `[${name}] has no field type.`,
        'fieldType',
      );
      field.fate = 'broken';
  }
  if (field.fate === 'kept' && field.answerType && !cell.fieldLabel) {
    report.issue(line, `[${name}] has no label, so there is no question to ask.`, 'fieldLabel');
  }
  if (field.fate === 'kept') {
    field.extension.push(...bounds(field, report));
    textWarnings(field, report);
  }
  return field;
}

function leaveOut(field: Field, as: string) {
  field.fate = 'leftOut';
  field.leftOutAs = as;
}

/** A text field's answer type follows its validation; a validation we cannot check leaves free text. */
function textAnswerType(field: Field, report: Report): AnswerType {
  const validation = field.row.cell.validation;
  const type = validation.toLowerCase();
  if (type === '' || type === 'email') return 'string';
  // int, float, date and datetime are the names older REDCap versions used.
  if (type === 'integer' || type === 'int') return 'integer';
  if (type === 'float' || /^number(_\d+dp)?(_comma_decimal)?$/.test(type)) return 'decimal';
  if (type === 'date' || /^date_(ymd|dmy|mdy)$/.test(type)) return 'date';
  if (/^datetime(_seconds)?(_(ymd|dmy|mdy))?$/.test(type)) return 'dateTime';
  if (field.fate === 'kept') {
    report.warn(
      field.row.line,
      `The validation "${validation}" of [${field.name}] is not checked by the platform; the answer is free text.`,
    );
  }
  return 'string';
}

/** Choices as REDCap writes them, "1, Yes | 2, No": the code runs to the first comma, so labels may hold commas. */
function parseChoices(field: Field, report: Report): Coding[] {
  const { cell, line } = field.row;
  if (!cell.choices) {
    report.issue(line, `[${field.name}] has no choices; write them as "1, Yes | 2, No".`, 'choices');
    return [];
  }
  const options: Coding[] = [];
  for (const choice of cell.choices.split('|').map((part) => part.trim())) {
    const comma = choice.indexOf(',');
    const code = comma === -1 ? '' : choice.slice(0, comma).trim();
    const display = comma === -1 ? '' : choice.slice(comma + 1).trim();
    if (!display || !/^-?[A-Za-z0-9_.]+$/.test(code)) {
      report.issue(
        line,
        `The choice "${choice}" of [${field.name}] is not "code, label" (as in "1, Yes").`,
        'choices',
      );
    } else if (options.some((option) => option.code === code)) {
      report.issue(line, `The code "${code}" appears twice in the choices of [${field.name}].`, 'choices');
    } else {
      options.push({ code, display });
    }
  }
  return options;
}

function itemControl(code: string): Extension {
  return { url: EXT.itemControl, valueCodeableConcept: { coding: [{ system: ITEM_CONTROL_SYSTEM, code }] } };
}

/** Text Validation Min/Max as minValue/maxValue, typed like the answer; a slider runs 0–100 unless set. */
function bounds(field: Field, report: Report): Extension[] {
  const { cell, line } = field.row;
  if (field.redcapType === 'calc') return [];
  const commaDecimal = cell.validation.toLowerCase().endsWith('_comma_decimal');
  const bound = (column: 'min' | 'max'): Extension | undefined => {
    const url = column === 'min' ? EXT.minValue : EXT.maxValue;
    const raw = commaDecimal ? cell[column].replace(',', '.') : cell[column];
    const label = column === 'min' ? 'minimum' : 'maximum';
    if (!raw) {
      if (field.redcapType !== 'slider') return undefined;
      return { url, valueInteger: column === 'min' ? 0 : 100 };
    }
    switch (field.answerType) {
      case 'integer':
        if (/^-?\d+$/.test(raw)) return { url, valueInteger: Number(raw) };
        report.issue(line, `The ${label} "${raw}" of [${field.name}] is not a whole number.`, column);
        return undefined;
      case 'decimal':
        if (/^-?\d+(\.\d+)?$/.test(raw)) return { url, valueDecimal: Number(raw) };
        report.issue(line, `The ${label} "${raw}" of [${field.name}] is not a number.`, column);
        return undefined;
      case 'date':
        if (isDate(raw)) return { url, valueDate: raw };
        if (/^(today|now)$/i.test(raw)) {
          report.warn(
            line,
            `The ${label} "${raw}" of [${field.name}] moves with the day; it is not carried over.`,
          );
        } else {
          report.issue(
            line,
            `The ${label} "${raw}" of [${field.name}] is not a date written as YYYY-MM-DD.`,
            column,
          );
        }
        return undefined;
      case 'dateTime':
        report.warn(
          line,
          `The ${label} "${raw}" of [${field.name}] is not carried over: it has no time zone.`,
        );
        return undefined;
      default:
        report.warn(
          line,
          `[${field.name}] has no number or date validation, so its ${label} "${raw}" is ignored.`,
        );
        return undefined;
    }
  };
  const min = bound('min');
  const max = bound('max');
  if (min && max && exceeds(boundValue(min), boundValue(max))) {
    report.issue(line, `The minimum of [${field.name}] is above its maximum.`, 'max');
  }
  return [min, max].filter((extension) => extension !== undefined);
}

const boundValue = (extension: Extension) =>
  extension.valueInteger ?? extension.valueDecimal ?? extension.valueDate;

function exceeds(low: number | string | undefined, high: number | string | undefined): boolean {
  if (typeof low === 'number' && typeof high === 'number') return low > high;
  // Dates written as YYYY-MM-DD sort as text.
  return typeof low === 'string' && typeof high === 'string' && low > high;
}

function isDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Texts that rely on REDCap's rendering would show their markup as written; the author should know. */
function textWarnings(field: Field, report: Report) {
  const { cell, line } = field.row;
  const texts = [
    ['label', cell.fieldLabel],
    ['note', cell.fieldNote],
    ['section header', cell.sectionHeader],
  ] as const;
  for (const [what, text] of texts) {
    if (/<\/?[a-z][^>]*>/i.test(text)) {
      report.warn(
        line,
        `The ${what} of [${field.name}] holds HTML, which participants would see as written.`,
      );
    }
    if (/\[[a-z][a-z0-9_]*(\([^)]*\))?\]/.test(text)) {
      report.warn(
        line,
        `The ${what} of [${field.name}] pipes in an answer, which is not supported: it shows as written.`,
      );
    }
  }
}

// ------------------------------------------------------------------------------------------- branching

type Operator = '=' | '<>' | '!=' | '>' | '<' | '>=' | '<=';

interface Comparison {
  field: string;
  code?: string;
  operator: Operator;
  value: string;
  quoted: boolean;
}

const COMPARISON =
  /\s*\[([A-Za-z][A-Za-z0-9_]*)(?:\(([A-Za-z0-9_.-]+)\))?\]\s*(<>|!=|>=|<=|=|>|<)\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?))\s*/y;
const JOINER = /(and|or)\b/iy;

/**
 * The branching logic REDCap and FHIR share: comparisons `[field] op value` (`[field(code)]` for a
 * checkbox) joined by only `and` or only `or`. Anything else (parentheses, functions, events) is not.
 */
function parseBranching(logic: string): { comparisons: Comparison[]; joiner?: 'and' | 'or' } | undefined {
  const comparisons: Comparison[] = [];
  let joiner: 'and' | 'or' | undefined;
  let at = 0;
  for (;;) {
    COMPARISON.lastIndex = at;
    const match = COMPARISON.exec(logic);
    if (!match) return undefined;
    const [, field = '', code, operator, single, double, number] = match;
    comparisons.push({
      field,
      ...(code === undefined ? {} : { code }),
      operator: operator as Operator,
      value: single ?? double ?? number ?? '',
      quoted: number === undefined,
    });
    at = COMPARISON.lastIndex;
    if (at === logic.length) return { comparisons, ...(joiner ? { joiner } : {}) };
    JOINER.lastIndex = at;
    const word = JOINER.exec(logic)?.[1]?.toLowerCase();
    if ((word !== 'and' && word !== 'or') || (joiner && joiner !== word)) return undefined;
    joiner = word;
    at = JOINER.lastIndex;
  }
}

interface Conditions {
  enableWhen: QuestionnaireItemEnableWhen[];
  enableBehavior?: 'all' | 'any';
}

function branchingOf(field: Field, fields: Map<string, Field>, report: Report): Conditions | undefined {
  const { cell, line } = field.row;
  if (!cell.branching) return undefined;
  const parsed = parseBranching(cell.branching);
  if (!parsed) {
    report.issue(
      line,
      `The branching logic of [${field.name}] ("${cell.branching}") cannot be converted: only comparisons such as ` +
        `[field] = 'value', [field] > 3 or [checkbox(code)] = '1', joined by only "and" or only "or", can.`,
      'branching',
    );
    return undefined;
  }
  const enableWhen: QuestionnaireItemEnableWhen[] = [];
  for (const comparison of parsed.comparisons) {
    const target = fields.get(comparison.field);
    // A field that is broken has its own issue; a second one here would only repeat it.
    if (target?.fate === 'broken') continue;
    const condition =
      comparison.field === field.name ? 'a field cannot depend on itself.' : toEnableWhen(comparison, target);
    if (typeof condition === 'string') {
      report.issue(line, `In the branching logic of [${field.name}]: ${condition}`, 'branching');
      continue;
    }
    enableWhen.push(condition);
    if (condition.operator === '!=') {
      report.warn(
        line,
        `[${field.name}] shows once [${comparison.field}] is answered with something other than "${comparison.value}"; ` +
          'REDCap also shows it while that question is unanswered.',
      );
    }
  }
  if (enableWhen.length === 0) return undefined;
  return {
    enableWhen,
    ...(enableWhen.length > 1 ? { enableBehavior: parsed.joiner === 'or' ? 'any' : 'all' } : {}),
  };
}

/** One comparison as an enableWhen, or why it cannot be one. */
function toEnableWhen(
  comparison: Comparison,
  target: Field | undefined,
): QuestionnaireItemEnableWhen | string {
  const { operator, value, code } = comparison;
  const name = `[${comparison.field}${code === undefined ? '' : `(${code})`}]`;
  if (!target) return `${name} is not a field of this dictionary.`;
  if (target.fate === 'leftOut') return `${name} is ${target.leftOutAs}, which is left out.`;
  if (!target.answerType) return `${name} is a descriptive text, not a question.`;
  const question = target.name;
  // REDCap writes "not equal" as <> or !=, FHIR as !=.
  const fhirOperator = operator === '<>' ? '!=' : operator;
  const equality = fhirOperator === '=' || fhirOperator === '!=' ? fhirOperator : undefined;

  if (target.redcapType === 'checkbox') {
    if (code === undefined) return `the checkbox ${name} needs a choice code, as in [${question}(1)] = '1'.`;
    if (!target.options.some((option) => option.code === code)) {
      return `"${code}" is not a choice of [${question}].`;
    }
    const ticked = (equality === '=' && value === '1') || (equality === '!=' && value === '0');
    if (!ticked) return `${name} ${operator} '${value}' (not ticked) has no FHIR equivalent; only = '1' has.`;
    return { question, operator: '=', answerCoding: { code } };
  }
  if (code !== undefined) return `${name}: only a checkbox field takes a choice code.`;

  if (value === '' && comparison.quoted) {
    if (!equality) return `${name} ${operator} '' compares with nothing; use = '' or <> ''.`;
    return { question, operator: 'exists', answerBoolean: equality === '!=' };
  }
  switch (target.answerType) {
    case 'choice':
      if (!equality) return `${name} is a choice, which only = and <> can compare.`;
      if (!target.options.some((option) => option.code === value)) {
        return `"${value}" is not a choice of ${name}.`;
      }
      return { question, operator: equality, answerCoding: { code: value } };
    case 'boolean':
      if (!equality || (value !== '1' && value !== '0')) {
        return `${name} is yes/no; compare it with = '1' or = '0'.`;
      }
      return { question, operator: equality, answerBoolean: value === '1' };
    case 'integer':
      if (!/^-?\d+$/.test(value)) return `${name} holds whole numbers; "${value}" is not one.`;
      return { question, operator: fhirOperator, answerInteger: Number(value) };
    case 'decimal':
      if (!/^-?\d+(\.\d+)?$/.test(value)) return `${name} holds numbers; "${value}" is not one.`;
      return { question, operator: fhirOperator, answerDecimal: Number(value) };
    case 'date':
      if (!isDate(value)) return `${name} holds dates; compare it with a date written as YYYY-MM-DD.`;
      return { question, operator: fhirOperator, answerDate: value };
    case 'dateTime':
      return `${name} holds a date and time, which cannot be compared here.`;
    case 'string':
    case 'text':
      if (!equality) return `${name} holds text, which only = and <> can compare.`;
      return { question, operator: equality, answerString: value };
  }
}

// ----------------------------------------------------------------------------------------------- items

/** The field's item; a descriptive field's note follows it, since a display item holds no items (que-1). */
function toItems(field: Field, conditions: Conditions | undefined): QuestionnaireItem[] {
  const { cell } = field.row;
  const item: QuestionnaireItem = {
    ...(field.extension.length > 0 ? { extension: field.extension } : {}),
    linkId: field.name,
    text: cell.fieldLabel,
    type: field.answerType ?? 'display',
    ...(field.answerType && field.redcapType !== 'calc' && cell.required.toLowerCase() === 'y'
      ? { required: true }
      : {}),
    ...(field.redcapType === 'checkbox' ? { repeats: true } : {}),
    ...(field.redcapType === 'calc' ? { readOnly: true } : {}),
    ...conditions,
    ...(field.options.length > 0
      ? { answerOption: field.options.map((valueCoding) => ({ valueCoding })) }
      : {}),
  };
  if (!cell.fieldNote) return [item];
  const note: QuestionnaireItem = { linkId: `${field.name}-note`, text: cell.fieldNote, type: 'display' };
  if (!field.answerType) return [item, note];
  item.item = [note];
  return [item];
}

/**
 * Forms in the order they appear, each a group; a section header opens a group inside its form that runs
 * to the next header. Groups left without items (all their fields left out) are dropped with a warning.
 */
function assemble(rows: Row[], items: Map<string, QuestionnaireItem[]>, report: Report): QuestionnaireItem[] {
  const forms: { group: QuestionnaireItem; line: number }[] = [];
  const sections: { group: QuestionnaireItem; line: number }[] = [];
  const formStart = new Map<string, number>();
  let form: QuestionnaireItem | undefined;
  let section: QuestionnaireItem | undefined;
  for (const { line, cell } of rows) {
    if (!REDCAP_NAME.test(cell.formName) || !REDCAP_NAME.test(cell.fieldName)) continue;
    if (form?.linkId !== cell.formName) {
      const start = formStart.get(cell.formName);
      if (start !== undefined) {
        report.issue(
          line,
          `Form "${cell.formName}" started on line ${start}; a form's fields must stay together.`,
          'formName',
        );
      }
      form = { linkId: cell.formName, text: titleCase(cell.formName), type: 'group', item: [] };
      // A form that comes back is an issue already; its stray fields go nowhere.
      if (start === undefined) forms.push({ group: form, line });
      formStart.set(cell.formName, start ?? line);
      section = undefined;
    }
    if (cell.sectionHeader) {
      section = { linkId: `${cell.fieldName}-section`, text: cell.sectionHeader, type: 'group', item: [] };
      sections.push({ group: section, line });
      form.item?.push(section);
    }
    (section ?? form).item?.push(...(items.get(cell.fieldName) ?? []));
  }
  for (const { group, line } of sections) {
    if (!group.item?.length) {
      report.warn(line, `The section "${group.text}" has no fields left, so it is left out.`);
    }
  }
  const kept: QuestionnaireItem[] = [];
  for (const { group, line } of forms) {
    group.item = group.item?.filter((child) => child.type !== 'group' || (child.item?.length ?? 0) > 0);
    if (group.item?.length) kept.push(group);
    else report.warn(line, `The form "${group.linkId}" has no fields left, so it is left out.`);
  }
  return kept;
}

function titleCase(name: string): string {
  return name
    .split('_')
    .filter((word) => word.length > 0)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/** Sorted by line; the sort is stable, so within a line they keep the order they were found in. */
const byLine = <T extends { line: number }>(list: T[]): T[] => [...list].sort((a, b) => a.line - b.line);
