/**
 * What the CSV importers (LibreView, Dexcom Clarity, `id,time,gl`) share: reading a source as bytes, a peek at
 * its start, streaming CSV records with their line numbers, and the checks every glucose reading passes.
 */

import { toMmol } from '../../../science/glucose/units.ts';
import type { CODES } from '../codes.ts';
import {
  createLocalTimeResolver,
  type LocalTimeResolver,
  type ResolvedTime,
  type WallClock,
} from './local-time.ts';
import { ImportFileError, type ImportOptions, type ImportSource, type ParsedItem } from './types.ts';

/** Format detection and the importers' layout checks look at this much of the start of a file. */
export const SNIFF_BYTES = 64 * 1024;
/** No record of a format we read comes near this; a longer one means the file is something else. */
const MAX_RECORD_CHARS = 64 * 1024;

/** One CSV record: its fields and the 1-based line it ends on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** The records complete in one chunk of a file, and those that cannot be read, in file order. */
type CsvBatch = (CsvRecord | Extract<ParsedItem, { kind: 'rejected' }>)[];

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The bytes of a source; a failure to read it becomes ImportFileError 'unreadable'. */
async function* bytesOf(
  source: ImportSource,
  onProgress?: (bytesRead: number) => void,
): AsyncGenerator<Uint8Array> {
  let bytesRead = 0;
  try {
    for await (const chunk of source.open() as AsyncIterable<Uint8Array | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytesRead += bytes.length;
      onProgress?.(bytesRead);
      yield bytes;
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError('unreadable', `The file could not be read: ${messageOf(error)}`);
  }
}

/** Up to `maxBytes` from the start of a source (the stream is closed after). */
export async function peekBytes(source: ImportSource, maxBytes = SNIFF_BYTES): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of bytesOf(source)) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= maxBytes) break;
  }
  return Buffer.concat(chunks).subarray(0, maxBytes);
}

/** UTF-8 text without a byte order mark (TextDecoder drops it); invalid sequences become U+FFFD. */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * The first records of a peeked text, split with CSV quoting on the delimiter its first lines use. Only
 * complete lines count (the peek may cut the last one), unless the text is the whole file.
 */
export function firstRecords(
  text: string,
  maxRecords: number,
  wholeFile: boolean,
): { delimiter: Delimiter; records: string[][] } {
  const delimiter = sniffDelimiter(text);
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length && records.length < maxRecords; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === delimiter) {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.length > 1 || fields[0] !== '') records.push(fields);
      fields = [];
      field = '';
    } else field += char;
  }
  if (wholeFile && records.length < maxRecords && (field !== '' || fields.length > 0)) {
    records.push([...fields, field]);
  }
  return { delimiter, records };
}

const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];
/** Lines the delimiter is counted over: a title line and a header, and a few rows for a short header. */
const SNIFF_LINES = 5;

/** The delimiter of a CSV text: the most frequent of comma, semicolon and tab outside quotes in its first lines. */
export function sniffDelimiter(text: string): Delimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  let lines = 0;
  for (let i = 0; i < text.length && lines < SNIFF_LINES; i++) {
    const char = text[i] as string;
    if (char === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (char === '\n') lines++;
    else if (char === ',' || char === ';' || char === '\t') counts[char]++;
  }
  return DELIMITERS.reduce((best, delimiter) => (counts[delimiter] > counts[best] ? delimiter : best));
}

/**
 * The items of a CSV export whose header is record `headerIndex` (0-based): records above it (a title row
 * that may hold the person's name) are skipped unread, the header is ignored, every later record becomes
 * `row`'s item, and records that could not be read stay rejected.
 */
export async function* csvItems(
  source: ImportSource,
  delimiter: Delimiter,
  options: Pick<ImportOptions, 'onProgress'>,
  headerIndex: number,
  row: (line: number, fields: string[]) => ParsedItem,
): AsyncGenerator<ParsedItem> {
  let index = 0;
  for await (const batch of readCsv(source, delimiter, options)) {
    for (const record of batch) {
      if (!('fields' in record)) {
        yield record;
        continue;
      }
      const position = index++;
      if (position < headerIndex) continue;
      if (position === headerIndex) yield { kind: 'ignored', line: record.line };
      else yield row(record.line, record.fields);
    }
  }
}

/**
 * Streams the CSV records of a source, a batch for each chunk read: a year of one-minute readings is half a
 * million short records, and handing each over through its own promise took longer than splitting it.
 * Quoting follows RFC 4180 loosely, as csv-parse reads it with `relax_quotes` (a stray quote inside a field
 * is kept); rows may have any number of fields; any line ending, even mixed in one file; empty lines are
 * skipped. A record that cannot be parsed (a quote never closed, as in a truncated last line) is yielded as
 * `rejected`. UTF-8, a byte order mark dropped, invalid sequences read as U+FFFD.
 * @throws ImportFileError 'unreadable' when the file cannot be read or a record exceeds 64 K characters.
 */
export async function* readCsv(
  source: ImportSource,
  delimiter: Delimiter,
  options: Pick<ImportOptions, 'onProgress'>,
): AsyncGenerator<CsvBatch> {
  const splitter = new CsvSplitter(delimiter);
  const decoder = new TextDecoder('utf-8');
  for await (const bytes of bytesOf(source, options.onProgress)) {
    const batch = splitter.push(decoder.decode(bytes, { stream: true }), false);
    if (batch.length > 0) yield batch;
    if (splitter.failure) throw splitter.failure;
  }
  const batch = splitter.push(decoder.decode(), true);
  if (batch.length > 0) yield batch;
  if (splitter.failure) throw splitter.failure;
}

const LF = 10;
const CR = 13;

const indexOrEnd = (text: string, search: string, from: number) => {
  const index = text.indexOf(search, from);
  return index === -1 ? text.length : index;
};

/**
 * Splits CSV text into records as it arrives. csv-parse did this before, but took 4 s for a year of
 * one-minute Libre readings, all the time the import may spend reading them (its byte-by-byte state machine,
 * a decoding per field). Here a line without a quote, nearly every line we read, is split on the delimiter
 * at once, and a record with a quote is read field by field by {@link splitQuoted}; csv.test.ts checks both
 * against csv-parse. Line numbers count physical lines, inside quotes too (where csv-parse counts a CRLF as
 * two).
 */
class CsvSplitter {
  /** Text not split yet: the start of a record whose end has not arrived. */
  private pending = '';
  /** The line `pending` starts on. */
  private line = 1;
  /** Set at a record longer than we read; nothing after it is split. */
  failure: ImportFileError | null = null;

  constructor(private readonly delimiter: Delimiter) {}

  /** The records that are complete once `chunk` is added; `final` when it is the end of the file. */
  push(chunk: string, final: boolean): CsvBatch {
    const batch: CsvBatch = [];
    if (this.failure) return batch;
    const text = this.pending + chunk;
    const length = text.length;
    let line = this.line;
    let start = 0;
    // The next LF, CR and quote, searched for again only once passed: a file may have no CR (or no LF, or no
    // quote) at all, and a search for one from every line would run to the end of the text every time.
    let nextLf = -1;
    let nextCr = -1;
    let nextQuote = -1;
    while (start < length) {
      if (nextLf < start) nextLf = indexOrEnd(text, '\n', start);
      if (nextCr < start) nextCr = indexOrEnd(text, '\r', start);
      if (nextQuote < start) nextQuote = indexOrEnd(text, '"', start);
      const lineEnd = Math.min(nextLf, nextCr);
      let end: number;
      let next: number;
      let fields: string[] | null;
      if (nextQuote < lineEnd) {
        const record = splitQuoted(text, start, lineEnd, this.delimiter, final);
        if (record === INCOMPLETE) break;
        if (record === UNCLOSED) {
          if (length - start > MAX_RECORD_CHARS) return this.fail(batch, line);
          batch.push({ kind: 'rejected', line, reason: 'a quoted field is not closed (a truncated line?)' });
          start = length;
          break;
        }
        ({ end, next, fields } = record);
        line += record.lineBreaks;
      } else {
        end = lineEnd;
        if (end === length) {
          if (!final) break;
          next = length;
        } else if (text.charCodeAt(end) === CR) {
          // A CR at the end of the text may be the first half of a CRLF.
          if (end + 1 === length && !final) break;
          next = text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
        } else next = end + 1;
        fields = end === start ? null : text.slice(start, end).split(this.delimiter);
      }
      if (end - start > MAX_RECORD_CHARS) return this.fail(batch, line);
      if (fields) batch.push({ line, fields });
      start = next;
      line++;
    }
    // csv-parse stopped at a record this long; without a line end it would grow with the file.
    if (length - start > MAX_RECORD_CHARS) return this.fail(batch, line);
    this.pending = text.slice(start);
    this.line = line;
    return batch;
  }

  private fail(batch: CsvBatch, line: number): CsvBatch {
    this.failure = new ImportFileError(
      'unreadable',
      `Line ${line}: a record longer than ${MAX_RECORD_CHARS} characters; this is not a file we read.`,
      line,
    );
    this.pending = '';
    return batch;
  }
}

const INCOMPLETE = Symbol('incomplete');
const UNCLOSED = Symbol('unclosed');

interface QuotedRecord {
  fields: string[];
  /** Where the record's line ending starts, and where the next record starts. */
  end: number;
  next: number;
  /** Line breaks inside quoted fields. */
  lineBreaks: number;
}

/**
 * The record starting at `start`, which has a quote in it: a field that starts with a quote runs to the
 * quote followed by a delimiter or a line end, and may hold delimiters, line breaks and doubled quotes. A
 * quote followed by anything else is kept with the field's text, as written (csv-parse's `relax_quotes`);
 * so is a quote that does not start a field. `lineEnd` is the first line break from `start` on (or the
 * text's end): a quoted part before it has none to count. INCOMPLETE when the record's end has not arrived;
 * UNCLOSED when the text ends inside quotes.
 */
function splitQuoted(
  text: string,
  start: number,
  lineEnd: number,
  delimiter: Delimiter,
  final: boolean,
): QuotedRecord | typeof INCOMPLETE | typeof UNCLOSED {
  const length = text.length;
  const fields: string[] = [];
  let field = '';
  let lineBreaks = 0;
  let i = start;
  while (i < length) {
    const char = text[i] as string;
    if (char === '"' && field === '') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) return final ? UNCLOSED : INCOMPLETE;
        const part = text.slice(i, quote);
        if (quote > lineEnd) lineBreaks += lineBreaksIn(part);
        field += part;
        if (quote + 1 === length && !final) return INCOMPLETE;
        const after = text[quote + 1];
        if (after === '"') {
          field += '"';
          i = quote + 2;
          continue;
        }
        i = quote + 1;
        if (after !== undefined && after !== delimiter && after !== '\n' && after !== '\r') {
          field = `"${field}"`;
        }
        break;
      }
    } else if (char === delimiter) {
      fields.push(field);
      field = '';
      i++;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && i + 1 === length && !final) return INCOMPLETE;
      fields.push(field);
      return { fields, end: i, next: char === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1, lineBreaks };
    } else {
      field += char;
      i++;
    }
  }
  if (!final) return INCOMPLETE;
  fields.push(field);
  return { fields, end: length, next: length, lineBreaks };
}

/** Line breaks in a text: LF, CR, and CRLF as one. */
function lineBreaksIn(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}

/**
 * The field at `column` without surrounding white space; '' when the record is shorter or the column is
 * absent (-1). A function of its own, not a closure made per row: tsx names every closure it creates
 * (esbuild's keepNames), which cost more than the rest of reading a row.
 */
export function fieldAt(fields: readonly string[], column: number): string {
  return column >= 0 ? (fields[column] ?? '').trim() : '';
}

export type GlucoseUnit = 'mg/dL' | 'mmol/L';

/** The glucose unit named in a column header ('Glucose Value (mg/dL)', 'Glukose-Scan mmol/L'), if any. */
export function unitInHeader(header: string): GlucoseUnit | null {
  const match = /(mg\s*\/\s*dl|mmol\s*\/\s*l)\b/i.exec(header);
  if (!match) return null;
  return (match[1] as string).toLowerCase().startsWith('mg') ? 'mg/dL' : 'mmol/L';
}

/** Glucose a sensor or meter can report: 1–50 mmol/L, 18–900 mg/dL (spec; wider than any device's range). */
const GLUCOSE_LIMITS: Record<GlucoseUnit, { min: number; max: number }> = {
  'mg/dL': { min: 18, max: 900 },
  'mmol/L': { min: 1, max: 50 },
};

/** A decimal number as written by any locale we read: '97', '5.4', '5,4'. */
export function parseDecimal(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\+?\d{1,6}([.,]\d{1,6})?$/.test(trimmed)) return null;
  return Number(trimmed.replace(',', '.'));
}

/** Glucose in mmol/L, or why the text is not a plausible reading. */
export function parseGlucose(text: string, unit: GlucoseUnit): { mmol: number } | { reason: string } {
  const value = parseDecimal(text);
  if (value === null) {
    return {
      reason: text.trim() === '' ? 'glucose value is empty' : `glucose value "${clip(text)}" is not a number`,
    };
  }
  const { min, max } = GLUCOSE_LIMITS[unit];
  if (value < min || value > max) {
    return { reason: `glucose value ${text.trim()} ${unit} is outside ${min}–${max} ${unit}` };
  }
  return { mmol: unit === 'mg/dL' ? toMmol(value) : value };
}

/** Earliest time we accept: older readings are a wrong clock, not data (spec). */
const EARLIEST = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;

/** Why a time cannot be a reading's (before 2000, more than a day ahead), or null. */
export function timeProblem(time: number, now = Date.now()): string | null {
  if (time < EARLIEST) return `time ${new Date(time).toISOString()} is before 2000-01-01`;
  if (time > now + DAY_MS) return `time ${new Date(time).toISOString()} is more than a day in the future`;
  return null;
}

const ISO_WALL_CLOCK = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

/** `YYYY-MM-DD HH:MM[:SS]` or with a `T`, as Dexcom and R's write.csv do; null for anything else. */
export function parseIsoWallClock(text: string): WallClock | null {
  const match = ISO_WALL_CLOCK.exec(text.trim());
  if (!match) return null;
  // By index: destructuring the match walks it with an iterator, a noticeable cost at half a million rows.
  return {
    year: Number(match[1]),
    month: Number(match[2]),
    day: Number(match[3]),
    hour: Number(match[4]),
    minute: Number(match[5]),
    second: Number(match[6] ?? 0),
  };
}

/** A text as it may appear in a message: short, on one line. */
export function clip(text: string, max = 40): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

/** A resolved local time and the zone it was resolved in (null when the file gave the offset). */
type ReadingTime = ResolvedTime & { timeZone: string | null };

/** The readings of one device (and one kind of reading): the source they are stored under, their times. */
class ReadingStream {
  constructor(
    readonly source: string,
    private readonly resolver: LocalTimeResolver,
    private readonly timeZone: string,
  ) {}

  /** The instant of the stream's next reading (see {@link createLocalTimeResolver}). */
  resolve(wall: WallClock): ReadingTime {
    const { time, utcOffsetMinutes } = this.resolver.resolve(wall);
    return { time, utcOffsetMinutes, timeZone: this.timeZone };
  }
}

/**
 * The streams of one file, by device and kind of reading, each with its own resolver: a time in the repeated
 * hour is placed after the stream's previous reading. Files group rows by stream, so the last stream is
 * checked first and most rows build no key.
 */
export class ReadingStreams {
  private readonly byKey = new Map<string, ReadingStream>();
  private last: { device: string; kind: string | number; stream: ReadingStream } | null = null;

  /** `sourcePrefix` names the format in the source: 'libre:' + the device. */
  constructor(
    private readonly timeZone: string,
    private readonly sourcePrefix: string,
  ) {}

  get(device: string, kind: string | number): ReadingStream {
    const last = this.last;
    if (last && last.device === device && last.kind === kind) return last.stream;
    const key = `${device}\u0000${kind}`;
    let stream = this.byKey.get(key);
    if (!stream) {
      stream = new ReadingStream(
        this.sourcePrefix + device,
        createLocalTimeResolver(this.timeZone),
        this.timeZone,
      );
      this.byKey.set(key, stream);
    }
    this.last = { device, kind, stream };
    return stream;
  }
}

/** The parts of a glucose reading that differ per format. */
export interface GlucoseRow {
  line: number;
  code: typeof CODES.cgmGlucose | typeof CODES.capillaryGlucose;
  method: 'continuous' | 'scan' | 'manual';
  source: string;
  time: ReadingTime;
  /** The value as written and its unit. */
  text: string;
  unit: GlucoseUnit;
}

/** A checked glucose observation, or the reason it is rejected. */
export function glucoseItem(row: GlucoseRow): ParsedItem {
  const value = parseGlucose(row.text, row.unit);
  if ('reason' in value) return { kind: 'rejected', line: row.line, reason: value.reason };
  return observationItem(row, value.mmol, null);
}

/**
 * A glucose reading beyond the sensor's range, stored at the range's edge with a flag (Dexcom 'Low', 'High').
 */
export function flaggedGlucoseItem(
  row: GlucoseRow,
  mmol: number,
  flag: 'below_range' | 'above_range',
): ParsedItem {
  return observationItem(row, mmol, flag);
}

function observationItem(
  row: GlucoseRow,
  value: number,
  flag: 'below_range' | 'above_range' | null,
): ParsedItem {
  const problem = timeProblem(row.time.time);
  if (problem) return { kind: 'rejected', line: row.line, reason: problem };
  return {
    kind: 'observation',
    observation: {
      code: row.code,
      time: row.time.time,
      endTime: null,
      utcOffsetMinutes: row.time.utcOffsetMinutes,
      timeZone: row.time.timeZone,
      value,
      originalValue: row.text.trim(),
      originalUnit: row.unit,
      source: row.source,
      method: row.method,
      flag,
      line: row.line,
    },
  };
}
