import { readFileSync } from 'node:fs';
import type {
  QuestionnaireItem,
  QuestionnaireResponse,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXT, enabledLinkIds, parseQuestionnaire } from './engine/index.ts';
import { RedcapImportError, type RedcapIssue, redcapToQuestionnaire } from './redcap.ts';

const FIXTURE = readFileSync(new URL('./fixtures/redcap-dictionary.csv', import.meta.url), 'utf8');
const QUESTIONNAIRE_URL = 'https://topfit.nl/fhir/Questionnaire/redcap-lifestyle-study';

/** The columns of REDCap's CSV download that the importer reads, in REDCap's order. */
const HEADER = [
  'Variable / Field Name',
  'Form Name',
  'Section Header',
  'Field Type',
  'Field Label',
  'Choices, Calculations, OR Slider Labels',
  'Field Note',
  'Text Validation Type OR Show Slider Number',
  'Text Validation Min',
  'Text Validation Max',
  'Identifier?',
  'Branching Logic (Show field only if...)',
  'Required Field?',
];
const API_HEADER = [
  'field_name',
  'form_name',
  'section_header',
  'field_type',
  'field_label',
  'select_choices_or_calculations',
  'field_note',
  'text_validation_type_or_show_slider_number',
  'text_validation_min',
  'text_validation_max',
  'identifier',
  'branching_logic',
  'required_field',
];

interface FieldRow {
  name: string;
  form?: string;
  section?: string;
  type: string;
  label?: string;
  choices?: string;
  note?: string;
  validation?: string;
  min?: string;
  max?: string;
  identifier?: string;
  branching?: string;
  required?: string;
}

const quote = (cell: string) => `"${cell.replaceAll('"', '""')}"`;
const csvLine = (cells: string[]) => cells.map(quote).join(',');

function cellsOf(row: FieldRow): string[] {
  return [
    row.name,
    row.form ?? 'survey',
    row.section ?? '',
    row.type,
    row.label ?? `Question ${row.name}`,
    row.choices ?? '',
    row.note ?? '',
    row.validation ?? '',
    row.min ?? '',
    row.max ?? '',
    row.identifier ?? '',
    row.branching ?? '',
    row.required ?? '',
  ];
}

/** A dictionary with one field per line after the header, so the nth field is on line n + 1. */
const dictionary = (...rows: FieldRow[]) => [HEADER, ...rows.map(cellsOf)].map(csvLine).join('\n');

const convert = (csv: string) => redcapToQuestionnaire(csv, { url: QUESTIONNAIRE_URL });

function issuesOf(csv: string): RedcapIssue[] {
  try {
    convert(csv);
  } catch (error) {
    if (error instanceof RedcapImportError) return error.issues;
    throw error;
  }
  throw new Error('the import was expected to fail');
}

function allItems(items: QuestionnaireItem[] | undefined): QuestionnaireItem[] {
  return (items ?? []).flatMap((item) => [item, ...allItems(item.item)]);
}

function itemOf(csv: string, linkId: string): QuestionnaireItem {
  const item = allItems(convert(csv).questionnaire.item).find((candidate) => candidate.linkId === linkId);
  if (!item) throw new Error(`no item ${linkId}`);
  return item;
}

/** The item tree by linkId: an item with children as { linkId: [children] }. */
const outline = (items: QuestionnaireItem[] | undefined): unknown[] =>
  (items ?? []).map((item) => (item.item ? { [item.linkId]: outline(item.item) } : item.linkId));

describe('a REDCap data dictionary of a multi-form lifestyle study', () => {
  const { questionnaire, warnings } = convert(FIXTURE);
  const items = allItems(questionnaire.item);
  const item = (linkId: string) => items.find((candidate) => candidate.linkId === linkId);

  it('becomes a draft Questionnaire with each form a page and each section header a group in it', () => {
    expect(questionnaire).toMatchObject({
      resourceType: 'Questionnaire',
      url: QUESTIONNAIRE_URL,
      status: 'draft',
    });
    expect(questionnaire.item?.map((form) => [form.linkId, form.text])).toEqual([
      ['enrolment', 'Enrolment'],
      ['body', 'Body'],
      ['lifestyle', 'Lifestyle'],
      ['wellbeing', 'Wellbeing'],
    ]);
    expect(outline(questionnaire.item)).toEqual([
      { enrolment: [{ 'initials-section': ['birth_year', 'sex', 'pregnant', 'consent_date'] }] },
      {
        body: [
          {
            'height-section': [
              { height: ['height-note'] },
              { weight: ['weight-note'] },
              { bmi: ['bmi-note'] },
            ],
          },
          { 'waist-section': [{ waist: ['waist-note'] }, 'measured_by', 'measured_by_other'] },
        ],
      },
      {
        lifestyle: [
          'lifestyle_intro',
          { 'activity_days-section': ['activity_days', 'fitness', 'sports', 'sports_other', 'cycling_km'] },
          {
            'smoking-section': ['smoking', 'cigarettes', 'alcohol', 'alcohol_advice', 'quit_attempts'],
          },
        ],
      },
      { wellbeing: ['mood', 'stress', 'slept_well', 'filled_in_at', { 'comments-section': ['comments'] }] },
    ]);
    expect(item('initials-section')?.text).toBe('About you');
  });

  it("passes the questionnaire engine's parser", () => {
    const parsed = parseQuestionnaire(questionnaire);
    expect(parsed.ok ? [] : parsed.issues).toEqual([]);
  });

  it('shows and hides questions in the engine as the branching logic did in REDCap', () => {
    const answered = (linkId: string, ...answer: QuestionnaireResponseItemAnswer[]) => ({ linkId, answer });
    const response: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse',
      status: 'in-progress',
      item: [
        {
          linkId: 'enrolment',
          item: [{ linkId: 'initials-section', item: [answered('sex', { valueCoding: { code: '2' } })] }],
        },
        {
          linkId: 'lifestyle',
          item: [
            {
              linkId: 'activity_days-section',
              item: [
                answered('activity_days', { valueInteger: 3 }),
                answered('sports', { valueCoding: { code: '2' } }, { valueCoding: { code: '99' } }),
              ],
            },
            {
              linkId: 'smoking-section',
              item: [
                answered('smoking', { valueCoding: { code: '0' } }),
                answered('alcohol', { valueInteger: 20 }),
              ],
            },
          ],
        },
      ],
    };
    const enabled = enabledLinkIds(questionnaire, response);
    for (const linkId of ['pregnant', 'sports_other', 'cycling_km', 'alcohol_advice']) {
      expect(enabled, linkId).toContain(linkId);
    }
    for (const linkId of ['measured_by_other', 'cigarettes', 'quit_attempts']) {
      expect(enabled, linkId).not.toContain(linkId);
    }
  });

  it('gives each field type its FHIR item type', () => {
    const types = Object.fromEntries(items.map((candidate) => [candidate.linkId, candidate.type]));
    expect(types).toMatchObject({
      birth_year: 'integer', // text, validation integer
      sex: 'choice', // radio
      pregnant: 'boolean', // yesno
      consent_date: 'date', // text, validation date_ymd
      height: 'decimal', // text, validation number
      weight: 'decimal', // text, validation number_1dp
      bmi: 'decimal', // calc
      measured_by: 'choice', // dropdown
      measured_by_other: 'string', // text
      lifestyle_intro: 'display', // descriptive
      fitness: 'integer', // slider
      sports: 'choice', // checkbox
      slept_well: 'boolean', // truefalse
      filled_in_at: 'dateTime', // text, validation datetime_dmy
      comments: 'text', // notes
    });
  });

  it('leaves out the record id and every field marked as identifying, with a warning', () => {
    for (const linkId of ['record_id', 'initials', 'email']) expect(item(linkId)).toBeUndefined();
    expect(
      warnings.filter((warning) => /left out/.test(warning.message)).map((warning) => warning.line),
    ).toEqual([2, 3, 7]);
  });

  it('turns choices into answer options, a label keeping its own commas', () => {
    expect(item('smoking')?.answerOption).toEqual([
      { valueCoding: { code: '0', display: 'I have never smoked' } },
      { valueCoding: { code: '1', display: 'I used to smoke' } },
      { valueCoding: { code: '2', display: 'Yes, I smoke' } },
    ]);
    expect(item('sports')).toMatchObject({ type: 'choice', repeats: true });
    expect(item('sports')?.answerOption).toHaveLength(5);
    const control = (linkId: string) =>
      item(linkId)?.extension?.find((extension) => extension.url === EXT.itemControl)?.valueCodeableConcept
        ?.coding?.[0]?.code;
    expect([control('sex'), control('measured_by'), control('sports'), control('fitness')]).toEqual([
      'radio-button',
      'drop-down',
      'check-box',
      'slider',
    ]);
  });

  it('carries required, the minimum and maximum typed like the answer, and field notes', () => {
    expect(item('birth_year')).toEqual({
      extension: [
        { url: EXT.minValue, valueInteger: 1920 },
        { url: EXT.maxValue, valueInteger: 2010 },
      ],
      linkId: 'birth_year',
      text: 'In which year were you born?',
      type: 'integer',
      required: true,
    });
    expect(item('weight')?.extension).toEqual([
      { url: EXT.minValue, valueDecimal: 30 },
      { url: EXT.maxValue, valueDecimal: 350 },
    ]);
    expect(item('consent_date')?.extension).toEqual([
      { url: EXT.minValue, valueDate: '2024-01-01' },
      { url: EXT.maxValue, valueDate: '2030-12-31' },
    ]);
    expect(item('fitness')?.extension).toContainEqual({ url: EXT.minValue, valueInteger: 0 });
    expect(item('fitness')?.extension).toContainEqual({ url: EXT.maxValue, valueInteger: 100 });
    expect(item('waist')?.item).toEqual([
      {
        linkId: 'waist-note',
        text: 'In cm. Measure at the height of your navel, after breathing out.',
        type: 'display',
      },
    ]);
    expect(item('measured_by_other')?.required).toBeUndefined();
    expect(item('lifestyle_intro')?.text).toBe(
      'The next questions are about a normal week.\nThink of the last four weeks.',
    );
  });

  it('imports a calculation read-only without one, the REDCap formula in a warning', () => {
    expect(item('bmi')).toMatchObject({ type: 'decimal', readOnly: true });
    expect(item('bmi')?.extension).toBeUndefined();
    expect(warnings).toContainEqual({
      line: 11,
      message: expect.stringContaining('round([weight]/(([height]/100)^2),1)'),
    });
  });

  it('turns branching logic into enableWhen, with enableBehavior for and / or', () => {
    expect(item('pregnant')?.enableWhen).toEqual([
      { question: 'sex', operator: '=', answerCoding: { code: '2' } },
    ]);
    expect(item('pregnant')?.enableBehavior).toBeUndefined();
    expect(item('sports_other')?.enableWhen).toEqual([
      { question: 'sports', operator: '=', answerCoding: { code: '99' } },
    ]);
    expect(item('cycling_km')).toMatchObject({
      enableWhen: [
        { question: 'sports', operator: '=', answerCoding: { code: '2' } },
        { question: 'activity_days', operator: '>=', answerInteger: 1 },
      ],
      enableBehavior: 'all',
    });
    expect(item('alcohol_advice')).toMatchObject({
      enableWhen: [
        { question: 'alcohol', operator: '>', answerInteger: 14 },
        { question: 'smoking', operator: '=', answerCoding: { code: '2' } },
      ],
      enableBehavior: 'any',
    });
    expect(item('quit_attempts')?.enableWhen).toEqual([
      { question: 'smoking', operator: '!=', answerCoding: { code: '0' } },
    ]);
  });

  it('warns, each on its own line, about everything converted with a loss', () => {
    // The label of lifestyle_intro spans lines 15 and 16, so the fields after it start one line lower.
    expect(warnings.map((warning) => warning.line)).toEqual([2, 3, 7, 11, 18, 26]);
    expect(warnings[4]?.message).toMatch(/slider labels of \[fitness\]/);
    expect(warnings[5]?.message).toMatch(/\[quit_attempts\].*unanswered/);
  });

  it('takes its title, language and version from the options, else titles itself after its forms', () => {
    expect(questionnaire.title).toBe('Enrolment, Body, Lifestyle, Wellbeing');
    expect(questionnaire.language).toBeUndefined();
    const named = redcapToQuestionnaire(FIXTURE, {
      url: QUESTIONNAIRE_URL,
      title: 'Leefstijlstudie',
      language: 'nl',
      version: '3',
    });
    expect(named.questionnaire).toMatchObject({ title: 'Leefstijlstudie', language: 'nl', version: '3' });
  });

  it('reads the same from Windows line endings with a byte order mark, and from the API column names', () => {
    const windows = convert(`\uFEFF${FIXTURE.replaceAll('\n', '\r\n')}`);
    expect(windows).toEqual({ questionnaire, warnings });
    const headerEnd = FIXTURE.indexOf('\n');
    const apiHeader = [
      ...API_HEADER,
      'custom_alignment',
      'question_number',
      'matrix_group_name',
      'matrix_ranking',
      'field_annotation',
    ];
    expect(convert(`${apiHeader.join(',')}${FIXTURE.slice(headerEnd)}`)).toEqual({ questionnaire, warnings });
  });
});

describe('a REDCap data dictionary that cannot be imported', () => {
  it('names every missing column on the header line', () => {
    const csv = [
      HEADER.filter((name) => name !== 'Field Type' && name !== 'Required Field?'),
      cellsOf({ name: 'a', type: 'text' }),
    ]
      .map(csvLine)
      .join('\n');
    expect(issuesOf(csv)).toEqual([
      { line: 1, column: 'Field Type', message: 'The column "Field Type" (or "field_type") is missing.' },
      {
        line: 1,
        column: 'Required Field?',
        message: 'The column "Required Field?" (or "required_field") is missing.',
      },
    ]);
  });

  it('says so when the columns are separated by semicolons', () => {
    const issues = issuesOf(`${HEADER.join(';')}\na;survey;;text;Question;;;;;;;;`);
    expect(issues.at(-1)?.message).toMatch(/semicolons/);
  });

  it('rejects an empty file, a header without fields and a column given twice', () => {
    expect(issuesOf('')).toEqual([{ line: 1, message: 'The file is empty.' }]);
    expect(issuesOf(csvLine(HEADER))).toEqual([{ line: 1, message: 'The dictionary has no fields.' }]);
    expect(issuesOf(csvLine([...HEADER, 'form_name']))).toEqual([
      { line: 1, column: 'Form Name', message: 'The column "Form Name" appears twice.' },
    ]);
  });

  it('reports a CSV syntax error with its line', () => {
    const csv = `${dictionary({ name: 'a', type: 'text' }, { name: 'b', type: 'text' })}\nc,survey,,text,"Never closed,,,,,,,,`;
    const [issue, ...rest] = issuesOf(csv);
    expect(rest).toEqual([]);
    expect(issue?.line).toBe(4);
    expect(issue?.message).toMatch(/^This is not a valid CSV file: .*quote/i);
  });

  it('reports a row whose cells do not match the header', () => {
    const csv = `${dictionary({ name: 'a', type: 'text' })}\nb,survey,,text,Question`;
    expect(issuesOf(csv)).toEqual([{ line: 3, message: 'This row has 5 cells; the header has 13.' }]);
  });

  it('reports unknown field types, and file and sql fields, which the platform does not support', () => {
    const issues = issuesOf(
      dictionary(
        { name: 'a', type: 'text' },
        { name: 'b', type: 'matrix' },
        { name: 'c', type: 'file', validation: 'signature' },
        { name: 'd', type: 'sql', choices: 'select value from redcap_data' },
        { name: 'e', type: '' },
      ),
    );
    expect(issues).toEqual([
      { line: 3, column: 'Field Type', message: '"matrix" (of [b]) is not a REDCap field type.' },
      {
        line: 4,
        column: 'Field Type',
        message: '[c] is a "file" field, which the platform does not support.',
      },
      {
        line: 5,
        column: 'Field Type',
        message: '[d] is a "sql" field, which the platform does not support.',
      },
      { line: 6, column: 'Field Type', message: '[e] has no field type.' },
    ]);
  });

  it('names the column as the file spells it', () => {
    const csv = [API_HEADER, cellsOf({ name: 'a', type: 'matrix' })].map(csvLine).join('\n');
    expect(issuesOf(csv)).toEqual([
      { line: 2, column: 'field_type', message: '"matrix" (of [a]) is not a REDCap field type.' },
    ]);
  });

  it('reports a variable name used twice, naming the line it was first used on', () => {
    const issues = issuesOf(
      dictionary(
        { name: 'age', type: 'text' },
        { name: 'sex', type: 'yesno' },
        { name: 'age', type: 'notes' },
      ),
    );
    expect(issues).toEqual([
      { line: 4, column: 'Variable / Field Name', message: '[age] is defined before, on line 2.' },
    ]);
  });

  it('reports names that are not REDCap names, and a field named like a form', () => {
    const issues = issuesOf(
      dictionary(
        { name: 'Age', type: 'text' },
        { name: '', type: 'text' },
        { name: 'b', form: '', type: 'text' },
        { name: 'survey', type: 'text' },
      ),
    );
    expect(issues.map((issue) => [issue.line, issue.column])).toEqual([
      [2, 'Variable / Field Name'],
      [3, 'Variable / Field Name'],
      [4, 'Form Name'],
      [5, 'Variable / Field Name'],
    ]);
    expect(issues[3]?.message).toBe('[survey] has the name of a form; linkIds must be unique.');
  });

  it('reports a form whose fields are not together', () => {
    const issues = issuesOf(
      dictionary(
        { name: 'a', form: 'intake', type: 'text' },
        { name: 'b', form: 'follow_up', type: 'text' },
        { name: 'c', form: 'intake', type: 'text' },
        { name: 'd', form: 'intake', type: 'text' },
      ),
    );
    expect(issues).toEqual([
      {
        line: 4,
        column: 'Form Name',
        message: 'Form "intake" started on line 2; a form\'s fields must stay together.',
      },
    ]);
  });

  it('reports choices that do not parse', () => {
    const issues = issuesOf(
      dictionary(
        { name: 'a', type: 'radio', choices: 'Yes | No' },
        { name: 'b', type: 'dropdown', choices: '1, Yes | 1, No' },
        { name: 'c', type: 'checkbox' },
        { name: 'd', type: 'radio', choices: '1, Yes | 2,' },
        { name: 'e', type: 'radio', choices: 'one two, Yes' },
      ),
    );
    expect(issues.map((issue) => [issue.line, issue.column])).toEqual([
      [2, 'Choices, Calculations, OR Slider Labels'],
      [2, 'Choices, Calculations, OR Slider Labels'],
      [3, 'Choices, Calculations, OR Slider Labels'],
      [4, 'Choices, Calculations, OR Slider Labels'],
      [5, 'Choices, Calculations, OR Slider Labels'],
      [6, 'Choices, Calculations, OR Slider Labels'],
    ]);
    expect(issues[0]?.message).toBe('The choice "Yes" of [a] is not "code, label" (as in "1, Yes").');
    expect(issues[2]?.message).toBe('The code "1" appears twice in the choices of [b].');
    expect(issues[3]?.message).toBe('[c] has no choices; write them as "1, Yes | 2, No".');
  });

  it('reports a minimum or maximum that does not fit the answer type', () => {
    const issues = issuesOf(
      dictionary(
        { name: 'a', type: 'text', validation: 'integer', min: '1.5' },
        { name: 'b', type: 'text', validation: 'number', max: 'ten' },
        { name: 'c', type: 'text', validation: 'date_dmy', min: '31-12-2024' },
        { name: 'd', type: 'text', validation: 'date_ymd', max: '2024-02-30' },
        { name: 'e', type: 'text', validation: 'integer', min: '10', max: '5' },
      ),
    );
    expect(issues).toEqual([
      { line: 2, column: 'Text Validation Min', message: 'The minimum "1.5" of [a] is not a whole number.' },
      { line: 3, column: 'Text Validation Max', message: 'The maximum "ten" of [b] is not a number.' },
      {
        line: 4,
        column: 'Text Validation Min',
        message: 'The minimum "31-12-2024" of [c] is not a date written as YYYY-MM-DD.',
      },
      {
        line: 5,
        column: 'Text Validation Max',
        message: 'The maximum "2024-02-30" of [d] is not a date written as YYYY-MM-DD.',
      },
      { line: 6, column: 'Text Validation Max', message: 'The minimum of [e] is above its maximum.' },
    ]);
  });

  it('reports a question without a label', () => {
    expect(issuesOf(dictionary({ name: 'a', type: 'text', label: '' }))).toEqual([
      { line: 2, column: 'Field Label', message: '[a] has no label, so there is no question to ask.' },
    ]);
  });

  it('reports branching logic it cannot express, naming the line', () => {
    const fields: FieldRow[] = [
      { name: 'smoker', type: 'yesno' },
      { name: 'sport', type: 'radio', choices: '1, Running | 2, Cycling' },
      { name: 'sports', type: 'checkbox', choices: '1, Running | 2, Cycling' },
      { name: 'intro', type: 'descriptive' },
      { name: 'initials', type: 'text', identifier: 'y' },
      { name: 'visit', type: 'text', validation: 'datetime_ymd' },
    ];
    const cases: [string, RegExp][] = [
      ["([smoker] = '1')", /cannot be converted/],
      ["[smoker] = '1' and [sport] = '1' or [sport] = '2'", /cannot be converted/],
      ["datediff([visit], 'today', 'y') > 1", /cannot be converted/],
      ["[event_1_arm_1][smoker] = '1'", /cannot be converted/],
      ["[unknown] = '1'", /\[unknown\] is not a field of this dictionary/],
      ["[initials] = 'AB'", /\[initials\] is an identifying field, which is left out/],
      ["[sports] = '1'", /checkbox \[sports\] needs a choice code/],
      ["[sports(3)] = '1'", /"3" is not a choice of \[sports\]/],
      ["[sports(1)] = '0'", /not ticked/],
      ["[sport(1)] = '1'", /only a checkbox field takes a choice code/],
      ["[sport] = '3'", /"3" is not a choice of \[sport\]/],
      ['[sport] > 1', /only = and <> can compare/],
      ["[smoker] = 'yes'", /yes\/no/],
      ["[intro] = '1'", /descriptive text/],
      ["[visit] > '2024-01-01 10:00'", /date and time/],
      ["[question] = '1'", /cannot depend on itself/],
    ];
    const rows = cases.map(
      ([branching], index): FieldRow => ({
        name: index === 15 ? 'question' : `q${index}`,
        type: 'text',
        branching,
      }),
    );
    const issues = issuesOf(dictionary(...fields, ...rows));
    expect(issues.map((issue) => issue.line)).toEqual(cases.map((_, index) => fields.length + 2 + index));
    for (const [index, [, message]] of cases.entries()) {
      expect(issues[index]).toMatchObject({ column: 'Branching Logic (Show field only if...)', message });
    }
  });

  it('reports every problem in the file at once, in line order, then throws', () => {
    const csv = dictionary(
      { name: 'a', type: 'text' },
      { name: 'b', type: 'radio', choices: 'Yes | No' },
      { name: 'c', type: 'text', branching: "[nothing] = '1'" },
      { name: 'd', type: 'file' },
    );
    const error = (() => {
      try {
        convert(csv);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RedcapImportError);
    const { issues, message } = error as RedcapImportError;
    expect(issues.map((issue) => issue.line)).toEqual([3, 3, 4, 5]);
    expect(message).toMatch(
      /^The REDCap data dictionary cannot be imported: line 3: .*; line 4: .*; line 5: /,
    );
  });

  it('fails when every field is left out', () => {
    expect(
      issuesOf(
        dictionary({ name: 'record_id', type: 'text' }, { name: 'email', type: 'text', identifier: 'y' }),
      ),
    ).toEqual([{ line: 1, message: 'No field is left to ask: the questionnaire would be empty.' }]);
  });
});

describe('REDCap details that convert with care', () => {
  it('compares with an empty answer as exists', () => {
    const csv = dictionary(
      { name: 'age', type: 'text', validation: 'integer' },
      { name: 'why_not', type: 'text', branching: "[age] = ''" },
      { name: 'thanks', type: 'descriptive', branching: '[age] <> ""' },
    );
    expect(itemOf(csv, 'why_not').enableWhen).toEqual([
      { question: 'age', operator: 'exists', answerBoolean: false },
    ]);
    expect(itemOf(csv, 'thanks').enableWhen).toEqual([
      { question: 'age', operator: 'exists', answerBoolean: true },
    ]);
  });

  it('compares yes/no, numbers, dates and text with typed answers', () => {
    const csv = dictionary(
      { name: 'smoker', type: 'yesno' },
      { name: 'weight', type: 'text', validation: 'number' },
      { name: 'visit', type: 'text', validation: 'date_dmy' },
      { name: 'city', type: 'text' },
      {
        name: 'q',
        type: 'text',
        branching: "[smoker] = '0' or [weight] <= 80.5 or [visit] < '2025-01-01' or [city] = \"Utrecht\"",
      },
      { name: 'r', type: 'text', branching: '[smoker]=1 AND [weight]>=60' },
    );
    expect(itemOf(csv, 'q')).toMatchObject({
      enableWhen: [
        { question: 'smoker', operator: '=', answerBoolean: false },
        { question: 'weight', operator: '<=', answerDecimal: 80.5 },
        { question: 'visit', operator: '<', answerDate: '2025-01-01' },
        { question: 'city', operator: '=', answerString: 'Utrecht' },
      ],
      enableBehavior: 'any',
    });
    expect(itemOf(csv, 'r')).toMatchObject({
      enableWhen: [
        { question: 'smoker', operator: '=', answerBoolean: true },
        { question: 'weight', operator: '>=', answerDecimal: 60 },
      ],
      enableBehavior: 'all',
    });
  });

  it('keeps a value holding "and" inside quotes as one value', () => {
    const csv = dictionary(
      { name: 'music', type: 'text' },
      { name: 'q', type: 'text', branching: "[music] = 'rock and roll'" },
    );
    expect(itemOf(csv, 'q').enableWhen).toEqual([
      { question: 'music', operator: '=', answerString: 'rock and roll' },
    ]);
  });

  it('reads older validation names and decimal commas', () => {
    const csv = dictionary(
      { name: 'a', type: 'text', validation: 'int' },
      { name: 'b', type: 'text', validation: 'float' },
      { name: 'c', type: 'text', validation: 'number_1dp_comma_decimal', min: '1,5', max: '99,9' },
      { name: 'd', type: 'text', validation: 'datetime_seconds_mdy' },
    );
    expect(['a', 'b', 'c', 'd'].map((linkId) => itemOf(csv, linkId).type)).toEqual([
      'integer',
      'decimal',
      'decimal',
      'dateTime',
    ]);
    expect(itemOf(csv, 'c').extension).toEqual([
      { url: EXT.minValue, valueDecimal: 1.5 },
      { url: EXT.maxValue, valueDecimal: 99.9 },
    ]);
  });

  it('warns about what it cannot carry over', () => {
    const { questionnaire, warnings } = convert(
      dictionary(
        { name: 'phone', type: 'text', validation: 'phone' },
        { name: 'visit', type: 'text', validation: 'date_ymd', max: 'today' },
        { name: 'name', type: 'text', min: '3' },
        { name: 'seen', type: 'text', validation: 'datetime_ymd', min: '2024-01-01 00:00' },
        { name: 'intro', type: 'descriptive', label: '<b>Welcome</b>, [name]!' },
        { name: 'empty', type: 'descriptive', label: '' },
      ),
    );
    expect(allItems(questionnaire.item).find((item) => item.linkId === 'phone')?.type).toBe('string');
    expect(warnings.map((warning) => warning.line)).toEqual([2, 3, 4, 5, 6, 6, 7]);
    expect(warnings.map((warning) => warning.message)).toEqual([
      expect.stringMatching(/validation "phone" of \[phone\] is not checked/),
      expect.stringMatching(/maximum "today" of \[visit\] moves with the day/),
      expect.stringMatching(/\[name\] has no number or date validation/),
      expect.stringMatching(/minimum .* of \[seen\] is not carried over/),
      expect.stringMatching(/label of \[intro\] holds HTML/),
      expect.stringMatching(/label of \[intro\] pipes in an answer/),
      expect.stringMatching(/\[empty\] has no text, so it is left out/),
    ]);
  });

  it('puts the note of a descriptive text after it, as a display item holds no items', () => {
    const { questionnaire } = convert(
      dictionary({ name: 'a', type: 'text' }, { name: 'intro', type: 'descriptive', note: 'More text' }),
    );
    expect(outline(questionnaire.item)).toEqual([{ survey: ['a', 'intro', 'intro-note'] }]);
  });

  it('drops a section or form left without fields, with a warning', () => {
    const { questionnaire, warnings } = convert(
      dictionary(
        { name: 'record_id', form: 'admin', type: 'text' },
        { name: 'a', section: 'Identity', type: 'text', identifier: 'y' },
        { name: 'b', section: 'About you', type: 'text' },
      ),
    );
    expect(outline(questionnaire.item)).toEqual([{ survey: [{ 'b-section': ['b'] }] }]);
    expect(warnings.map((warning) => [warning.line, warning.message])).toEqual([
      [2, expect.stringMatching(/record id/)],
      [2, 'The form "admin" has no fields left, so it is left out.'],
      [3, expect.stringMatching(/identifying/)],
      [3, 'The section "Identity" has no fields left, so it is left out.'],
    ]);
  });
});

describe('the REDCap importer on any input', () => {
  const rowArbitrary = fc.record({
    name: fc.constantFrom('a', 'b', 'c', 'record_id', 'survey', 'Bad', ''),
    form: fc.constantFrom('survey', 'other', ''),
    section: fc.constantFrom('', 'Part'),
    type: fc.constantFrom(
      'text',
      'notes',
      'radio',
      'checkbox',
      'dropdown',
      'yesno',
      'truefalse',
      'descriptive',
      'slider',
      'calc',
      'file',
      'bogus',
    ),
    label: fc.string(),
    choices: fc.constantFrom('', '1, Yes | 2, No', 'Yes | No', '1, A | 1, B'),
    note: fc.constantFrom('', 'A note'),
    validation: fc.constantFrom('', 'integer', 'number', 'date_ymd', 'datetime_dmy', 'email', 'phone'),
    min: fc.constantFrom('', '0', '1.5', '2024-01-01', 'today', 'x'),
    max: fc.constantFrom('', '10', '2030-12-31'),
    identifier: fc.constantFrom('', 'y'),
    branching: fc.constantFrom(
      '',
      "[a] = '1'",
      "[b(1)] = '1'",
      "[c] > 2 and [a] <> ''",
      "[a] = '1' or [b] = 2",
      '(bad',
    ),
    required: fc.constantFrom('', 'y'),
  });

  it('either converts to a questionnaire with unique linkIds and resolvable enableWhen, or lists issues on real lines', () => {
    fc.assert(
      fc.property(fc.array(rowArbitrary, { maxLength: 8 }), (rows) => {
        const csv = dictionary(...rows);
        const lineCount = csv.split('\n').length;
        try {
          const { questionnaire, warnings } = convert(csv);
          expect(parseQuestionnaire(questionnaire).ok).toBe(true);
          const linkIds = allItems(questionnaire.item).map((item) => item.linkId);
          expect(new Set(linkIds).size).toBe(linkIds.length);
          for (const item of allItems(questionnaire.item)) {
            for (const condition of item.enableWhen ?? []) expect(linkIds).toContain(condition.question);
          }
          for (const warning of warnings) expect(warning.line).toBeLessThanOrEqual(lineCount);
        } catch (error) {
          if (!(error instanceof RedcapImportError)) throw error;
          expect(error.issues.length).toBeGreaterThan(0);
          for (const issue of error.issues) {
            expect(issue.line).toBeGreaterThanOrEqual(1);
            expect(issue.line).toBeLessThanOrEqual(lineCount);
          }
        }
      }),
    );
  });

  it('throws nothing but RedcapImportError on arbitrary text', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', '|', '[', ']', "'", ';'),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          text,
          text.map((rest) => `${csvLine(HEADER)}\n${rest}`),
        ),
        (csv) => {
          try {
            convert(csv);
          } catch (error) {
            if (!(error instanceof RedcapImportError)) throw error;
          }
        },
      ),
    );
  });

  it('keeps any label text through CSV quoting, and names the line a row starts on', () => {
    const label = fc
      .string({
        unit: fc.oneof(
          fc.constantFrom(',', '"', '\n', '\r\n', '\r', '|', ' ', "'"),
          fc.string({ minLength: 1, maxLength: 1 }),
        ),
      })
      .filter((text) => text.trim().length > 0);
    fc.assert(
      fc.property(label, (text) => {
        const labelLines = text.replace(/\r\n?/g, '\n').split('\n').length;
        const csv = dictionary(
          { name: 'a', type: 'bogus', label: text },
          { name: 'b', type: 'notes', label: text },
          { name: 'c', type: 'bogus' },
        );
        // A row is named by the line it starts on, however many lines its quoted values span.
        expect(issuesOf(csv).map((issue) => issue.line)).toEqual([2, 2 + 2 * labelLines]);
        const valid = dictionary({ name: 'a', type: 'notes', label: text });
        expect(itemOf(valid, 'a').text).toBe(text.replace(/\r\n?/g, '\n').trim());
      }),
    );
  });
});
