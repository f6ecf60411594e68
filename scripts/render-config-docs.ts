// `npm run docs:config`: renders the settings of src/config.ts into the table of docs/operations.md,
// between `<!-- config:start -->` and `<!-- config:end -->`. `--check` only compares and fails on drift.
// test/config-docs.test.ts runs the same comparison in every test run.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { settings } from '../src/config.ts';

export const START_MARKER = '<!-- config:start -->';
export const END_MARKER = '<!-- config:end -->';
export const OPERATIONS_GUIDE = fileURLToPath(new URL('../docs/operations.md', import.meta.url));

/** The part of a JSON Schema (as zod 4 writes it) that the table shows. */
interface SettingSchema {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  format?: string;
  pattern?: string;
}

/** One row of the table: what an operator needs to set a variable. */
export interface SettingDoc {
  name: string;
  type: string;
  defaultValue: string | undefined;
  description: string;
}

const code = (text: string) => `\`${text}\``;

/** The allowed values of a setting, in words: `one of a, b` · `integer 1–200` · `URL` · `text, 32+ characters`. */
function describeType(schema: SettingSchema): string {
  if (schema.enum) return `one of ${schema.enum.map((value) => code(String(value))).join(', ')}`;
  if (schema.type === 'integer' || schema.type === 'number') {
    const noun = schema.type === 'integer' ? 'integer' : 'number';
    if (schema.minimum !== undefined && schema.maximum !== undefined) {
      return `${noun} ${schema.minimum}–${schema.maximum}`;
    }
    if (schema.minimum !== undefined) return `${noun} ≥ ${schema.minimum}`;
    if (schema.maximum !== undefined) return `${noun} ≤ ${schema.maximum}`;
    return noun;
  }
  if (schema.format === 'uri') return 'URL';
  // JSON Schema escapes `/` in patterns; the variable's value does not.
  if (schema.pattern) return `text matching ${code(schema.pattern.replaceAll('\\/', '/'))}`;
  if (schema.minLength !== undefined && schema.minLength > 1) return `text, ${schema.minLength}+ characters`;
  return schema.type === 'string' ? 'text' : (schema.type ?? 'any');
}

/** Every setting with its allowed values, default and description, in the order of src/config.ts. */
export function describeSettings(source: Record<string, z.ZodType> = settings): SettingDoc[] {
  return Object.entries(source).map(([name, schema]) => {
    // The environment is the input side: TRUST_PROXY is the text `true`/`false` before it becomes a boolean.
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as SettingSchema;
    const description = schema.description ?? json.description;
    if (!description) throw new Error(`setting ${name} has no .describe() text: every setting needs one`);
    return {
      name,
      type: describeType(json),
      defaultValue: json.default === undefined ? undefined : String(json.default),
      description,
    };
  });
}

/** A Markdown table cell: no line breaks, pipes escaped. */
const cell = (text: string) => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

/** Characters as an editor counts them (code points), for aligning the table's columns. */
const width = (text: string) => [...text].length;

/** A Markdown table with its columns padded to one width, as Biome's formatter lays tables out. */
export function markdownTable(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((row) => row.map(cell));
  const widths = header.map((_, column) => Math.max(3, ...cells.map((row) => width(row[column] ?? ''))));
  const line = (row: string[]) =>
    `| ${widths.map((w, column) => `${row[column] ?? ''}${' '.repeat(w - width(row[column] ?? ''))}`).join(' | ')} |`;
  const [head, ...body] = cells;
  return [line(head ?? []), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The settings table in Markdown (without the markers). */
export function renderConfigTable(source: Record<string, z.ZodType> = settings): string {
  const rows = describeSettings(source).map((setting) => [
    code(setting.name),
    setting.type,
    setting.defaultValue === undefined
      ? '(not set)'
      : setting.defaultValue === ''
        ? '(empty)'
        : code(setting.defaultValue),
    setting.description,
  ]);
  return markdownTable(['Variable', 'Allowed values', 'Default', 'Description'], rows);
}

/** The text between the markers, or an error naming what is missing. */
export function extractConfigSection(document: string): string {
  const start = document.indexOf(START_MARKER);
  const end = document.indexOf(END_MARKER);
  if (start < 0 || end < 0 || end < start) {
    throw new Error(`the document needs ${START_MARKER} … ${END_MARKER} around the settings table`);
  }
  return document.slice(start + START_MARKER.length, end).trim();
}

/** The document with the settings table between the markers replaced by `table`. */
export function replaceConfigSection(document: string, table: string): string {
  extractConfigSection(document);
  const start = document.indexOf(START_MARKER) + START_MARKER.length;
  const end = document.indexOf(END_MARKER);
  return `${document.slice(0, start)}\n${table}\n${document.slice(end)}`;
}

function main(argv: string[]) {
  const check = argv.includes('--check');
  const document = readFileSync(OPERATIONS_GUIDE, 'utf8');
  const table = renderConfigTable();
  const relative = path.relative(process.cwd(), OPERATIONS_GUIDE);
  if (check) {
    if (extractConfigSection(document) !== table) {
      console.error(`${relative}: the settings table differs from src/config.ts; run npm run docs:config`);
      process.exit(1);
    }
    console.log(`${relative}: the settings table matches src/config.ts.`);
    return;
  }
  const updated = replaceConfigSection(document, table);
  if (updated === document) {
    console.log(`${relative}: the settings table is up to date.`);
  } else {
    writeFileSync(OPERATIONS_GUIDE, updated);
    console.log(`${relative}: wrote the table of ${Object.keys(settings).length} settings.`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2));
}
