import type { Bilingual, Variable } from './datasets.ts';

/**
 * The texts that come with an extract's CSV files: the data dictionary (`codebook.csv`, `codes.csv`), SPSS
 * syntax in each language that reads every file with its variable and value labels, and an R script that does
 * the same with base R only (labels as the `label` attribute, as haven and Hmisc read them; coded values as
 * factors). Pure: the files are written by the extract.
 */

export interface ExtractFile {
  /** The data set's key, also the name of its table in SPSS and R. */
  key: string;
  label: Bilingual;
  rowIs: Bilingual;
  /** The CSV's file name inside the extract's folder. */
  file: string;
  variables: Variable[];
}

/** One CSV field as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break. */
const csvField = (value: string | number | undefined) => {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const csvLine = (values: (string | number | undefined)[]) => `${values.map(csvField).join(',')}\n`;

/** `codebook.csv`: one row per variable of every file. */
export function codebookCsv(files: ExtractFile[]): string {
  let out = csvLine(['file', 'variable', 'type', 'unit', 'decimals', 'label_en', 'label_nl', 'source']);
  for (const file of files) {
    for (const v of file.variables) {
      out += csvLine([file.file, v.name, v.type, v.unit, v.decimals, v.label.en, v.label.nl, v.source]);
    }
  }
  return out;
}

/** `codes.csv`: one row per code of every coded variable. */
export function codesCsv(files: ExtractFile[]): string {
  let out = csvLine(['file', 'variable', 'code', 'label_en', 'label_nl']);
  for (const file of files) {
    for (const v of file.variables) {
      for (const code of v.codes ?? [])
        out += csvLine([file.file, v.name, code.value, code.label.en, code.label.nl]);
    }
  }
  return out;
}

/** The widest text a string variable holds: its longest code, or what its values are known to need. */
const STRING_WIDTH: Record<string, number> = { pseudonym: 24, municipality: 6 };
const stringWidth = (v: Variable) =>
  Math.max(8, STRING_WIDTH[v.name] ?? 0, ...(v.codes ?? []).map((code) => code.value.length));

const spssString = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The SPSS input format of a variable as it stands in the CSV. */
function spssInput(v: Variable): string {
  switch (v.type) {
    case 'string':
      return `A${stringWidth(v)}`;
    case 'integer':
      return 'F10.0';
    case 'decimal':
      return `F12.${v.decimals ?? 2}`;
    case 'date':
      return 'SDATE10';
    case 'datetime':
      return 'A20';
  }
}

/**
 * SPSS syntax (also read by GNU PSPP) that loads every file as a data set named after it, with the labels in one
 * language. Times (UTC, `YYYY-MM-DD hh:mm:ss`) are read as text and turned into SPSS date-times.
 */
export function spssSyntax(files: ExtractFile[], language: 'nl' | 'en', title: string): string {
  const lines = [
    '* Encoding: UTF-8.',
    `* ${title}.`,
    language === 'nl'
      ? '* Open dit bestand vanuit de map van de extractie (of zet die map eerst met CD), en voer alles uit.'
      : '* Run this file from the folder of the extract (or set that folder first with CD).',
    '',
  ];
  for (const file of files) {
    lines.push(
      `* ${file.label[language]}: ${file.rowIs[language]}.`,
      'GET DATA /TYPE=TXT',
      `  /FILE=${spssString(file.file)}`,
      "  /ENCODING='UTF8'",
      '  /ARRANGEMENT=DELIMITED',
      '  /DELCASE=LINE',
      '  /FIRSTCASE=2',
      `  /DELIMITERS=","`,
      `  /QUALIFIER='"'`,
      '  /VARIABLES=',
      ...file.variables.map(
        (v, i) => `    ${v.name} ${spssInput(v)}${i === file.variables.length - 1 ? '.' : ''}`,
      ),
    );
    for (const v of file.variables.filter((v) => v.type === 'datetime')) {
      const text = `${v.name}_text`;
      lines.push(
        `RENAME VARIABLES (${v.name} = ${text}).`,
        `COMPUTE ${v.name} = NUMBER(SUBSTR(${text}, 1, 10), SDATE10) + NUMBER(SUBSTR(${text}, 12, 8), TIME8).`,
        `FORMATS ${v.name} (DATETIME20).`,
        `DELETE VARIABLES ${text}.`,
      );
    }
    lines.push(
      'VARIABLE LABELS',
      ...file.variables.map(
        (v, i) =>
          `  ${v.name} ${spssString(v.unit && v.unit !== '1' ? `${v.label[language]} (${v.unit})` : v.label[language])}${i === file.variables.length - 1 ? '.' : ''}`,
      ),
    );
    const coded = file.variables.filter((v) => v.codes && v.codes.length > 0);
    if (coded.length > 0) {
      lines.push('VALUE LABELS');
      coded.forEach((v, i) => {
        lines.push(
          `  ${i === 0 ? '' : '/'}${v.name}`,
          ...(v.codes ?? []).map(
            (code) => `    ${spssString(code.value)} ${spssString(code.label[language])}`,
          ),
        );
      });
      lines.push('.');
    }
    // GET DATA replaces the active data set: each file's is kept as a copy under its own name.
    lines.push(`DATASET COPY ${file.key}.`, '');
  }
  if (files[0]) lines.push(`DATASET ACTIVATE ${files[0].key}.`);
  lines.push('EXECUTE.', '');
  return lines.join('\n');
}

const rString = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const rVector = (values: string[]) => `c(${values.map(rString).join(', ')})`;

const R_CLASS: Record<Variable['type'], string> = {
  string: 'character',
  integer: 'integer',
  decimal: 'numeric',
  date: 'character',
  datetime: 'character',
};

/**
 * An R script (base R only) that reads every file into a data frame named after its data set: dates as `Date`,
 * times as `POSIXct` in UTC, coded values as factors with labelled levels, and each column's label in its
 * `label` attribute. `language` at the top chooses Dutch or English labels.
 */
export function rScript(files: ExtractFile[], title: string): string {
  const lines = [
    `# ${title}`,
    '# Run from the folder of the extract: source("load.R", encoding = "UTF-8").',
    '# Kies de taal van de labels / choose the language of the labels:',
    'language <- "en"',
    '',
    'label_of <- function(nl, en) if (identical(language, "nl")) nl else en',
    '',
  ];
  for (const file of files) {
    const frame = file.key;
    lines.push(
      `# ${file.label.en}: ${file.rowIs.en}`,
      `${frame} <- read.csv(${rString(file.file)}, encoding = "UTF-8", na.strings = "",`,
      `  colClasses = c(${file.variables.map((v) => `${v.name} = ${rString(R_CLASS[v.type])}`).join(', ')}))`,
    );
    for (const v of file.variables) {
      const column = `${frame}$${v.name}`;
      if (v.type === 'date') lines.push(`${column} <- as.Date(${column})`);
      if (v.type === 'datetime') {
        lines.push(`${column} <- as.POSIXct(${column}, format = "%Y-%m-%d %H:%M:%S", tz = "UTC")`);
      }
      if (v.codes && v.codes.length > 0) {
        const codes = v.codes;
        lines.push(
          `${column} <- factor(${column}, levels = ${rVector(codes.map((code) => code.value))},`,
          `  labels = label_of(${rVector(codes.map((code) => code.label.nl))}, ${rVector(codes.map((code) => code.label.en))}))`,
        );
      }
      lines.push(`attr(${column}, "label") <- label_of(${rString(v.label.nl)}, ${rString(v.label.en)})`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
