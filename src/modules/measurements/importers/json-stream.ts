/**
 * What the Nightscout, FHIR, Open mHealth and Apple Health importers share: reading a source's bytes, streaming
 * the values of a JSON file without holding it, ISO 8601 date-times, and the checks every observation passes
 * (plausible times, values and intervals; unit factors).
 *
 * A JSON file is read as tokens (stream-json's tokenizer), and only one value at a time is assembled: an element
 * of a top-level array, an entry of a FHIR Bundle, or a line of NDJSON. A single value larger than
 * {@link MAX_VALUE_CHARS} is not assembled but reported, so no file can make the parser hold more than that.
 */

import Assembler from 'stream-json/core/assembler.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { toMmol } from '../../../science/glucose/units.ts';
import { CODES, type ObservationCode } from '../codes.ts';
import { isValidWallClock, resolveLocalTime } from './local-time.ts';
import { ImportFileError, type ImportSource } from './types.ts';

/** The bytes of a source, whatever kind of stream it opens, reporting progress as they pass. */
export async function* readSourceBytes(
  source: ImportSource,
  onProgress?: (bytesRead: number) => void,
): AsyncGenerator<Uint8Array> {
  let bytesRead = 0;
  for await (const chunk of source.open() as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    bytesRead += bytes.byteLength;
    onProgress?.(bytesRead);
    yield bytes;
  }
}

/** UTF-8 text in pieces; a byte-order mark is dropped, invalid bytes become U+FFFD. */
export async function* decodeUtf8(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of bytes) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

// --- JSON values -------------------------------------------------------------------------------------------

/** Keys, strings and numbers of one value, plus one per token: far above any reading, far below the memory. */
export const MAX_VALUE_CHARS = 1_000_000;
/** How far the first line of a file is read to tell NDJSON from a JSON document. */
const HEAD_CHARS = 1 << 20;

/**
 * One value of a JSON file. `line` is the element number in a top-level array or under `arrayKey`, the line
 * number in NDJSON, or 1 for a file that is a single object.
 */
export type JsonItem = { line: number } & ({ ok: true; value: unknown } | { ok: false; reason: string });

export interface JsonValuesOptions {
  /** Stream the elements of the array under this key of a top-level object too (a FHIR Bundle's `entry`). */
  arrayKey?: string;
  /** Accept a file that is one object (yielded as one value) and NDJSON (one value a line). */
  acceptObjects: boolean;
}

/**
 * The values of a JSON file, one at a time: the elements of a top-level array; with `acceptObjects`, also the
 * elements under `arrayKey` of a top-level object, a top-level object itself, or each line of NDJSON (the
 * first line holds a whole value and more lines follow).
 * @throws ImportFileError 'empty_file', 'unknown_layout' (not JSON, or not the layout asked for) or
 * 'invalid_json' (broken or cut short); the values before the break have been yielded by then.
 */
export async function* readJsonValues(
  bytes: AsyncIterable<Uint8Array>,
  options: JsonValuesOptions,
): AsyncGenerator<JsonItem> {
  const texts = decodeUtf8(bytes)[Symbol.asyncIterator]();
  let head = '';
  let ended = false;
  let layout = chooseLayout(head, ended);
  while (layout === undefined) {
    const next = await texts.next();
    if (next.done) ended = true;
    else head += next.value;
    // Whitespace before the first value says nothing; dropping it keeps the head small.
    if (head.trim() === '') head = '';
    layout = chooseLayout(head, ended);
  }
  if (layout === 'empty') throw new ImportFileError('empty_file', 'The file is empty.');
  if (!options.acceptObjects && layout !== 'array') {
    throw new ImportFileError('unknown_layout', 'The file is not a JSON array: it should start with "[".');
  }
  const rest = prepend(head, texts);
  if (layout === 'ndjson') yield* ndjsonValues(rest);
  else yield* documentValues(rest, options.arrayKey);
}

type Layout = 'array' | 'object' | 'ndjson' | 'empty';

/** The layout the head of a file shows, or undefined while more of it is needed. */
function chooseLayout(head: string, ended: boolean): Layout | undefined {
  const start = head.search(/\S/);
  if (start === -1) return ended ? 'empty' : undefined;
  const first = head[start];
  if (first === '[') return 'array';
  if (first !== '{') {
    const shown = printable(head.slice(start, start + 20)).trimEnd();
    throw new ImportFileError('unknown_layout', `The file is not JSON: it starts with "${shown}".`);
  }
  const lineEnd = head.indexOf('\n', start);
  const tooLong = head.length - start > HEAD_CHARS;
  if (lineEnd === -1) return ended || tooLong ? 'object' : undefined;
  if (!/\S/.test(head.slice(lineEnd))) return ended || tooLong ? 'object' : undefined;
  return parsesAsJson(head.slice(start, lineEnd)) ? 'ndjson' : 'object';
}

/** Control characters and undecodable bytes shown as '?'. */
function printable(text: string): string {
  return Array.from(text, (char) => {
    const code = char.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0xfffd ? '?' : char;
  }).join('');
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function* prepend(head: string, rest: AsyncIterator<string>): AsyncGenerator<string> {
  if (head) yield head;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

async function* ndjsonValues(texts: AsyncIterable<string>): AsyncGenerator<JsonItem> {
  let line = 0;
  let partial = '';
  let tooLong = false;
  for await (const text of texts) {
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      line += 1;
      const item = ndjsonLine(tooLong ? '' : partial + text.slice(start, end), line, tooLong);
      if (item) yield item;
      partial = '';
      tooLong = false;
      start = end + 1;
    }
    if (!tooLong) {
      partial += text.slice(start);
      if (partial.length > MAX_VALUE_CHARS) {
        tooLong = true;
        partial = '';
      }
    }
  }
  if (partial.trim() !== '' || tooLong) {
    const item = ndjsonLine(partial, line + 1, tooLong);
    if (item) yield item;
  }
}

function ndjsonLine(text: string, line: number, tooLong: boolean): JsonItem | undefined {
  if (tooLong) return { line, ok: false, reason: `is longer than ${MAX_VALUE_CHARS} characters` };
  if (text.trim() === '') return undefined;
  try {
    return { line, ok: true, value: JSON.parse(text) };
  } catch {
    return { line, ok: false, reason: 'is not valid JSON' };
  }
}

async function* documentValues(texts: AsyncIterable<string>, arrayKey?: string): AsyncGenerator<JsonItem> {
  const tokenize = jsonParser({ packValues: true, streamValues: false });
  const walker = new DocumentWalker(arrayKey);
  for await (const text of texts) {
    let tokens: ReturnType<typeof tokenize>;
    try {
      tokens = tokenize(text);
    } catch (error) {
      throw new ImportFileError(
        'invalid_json',
        `The JSON is broken after value ${walker.values}: ${message(error)}.`,
      );
    }
    if (typeof tokens !== 'symbol') {
      for (const token of tokens.values) walker.consume(token);
    }
    yield* walker.take();
  }
  walker.finish();
  yield* walker.take();
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
}

/** Assembles one value from its tokens, or stops assembling once it grows past {@link MAX_VALUE_CHARS}. */
class ValueCollector {
  private assembler: Assembler | null = new Assembler();
  private size = 0;
  private depth = 0;

  constructor(readonly line: number) {}

  /** Feeds one token; true once the value is complete. */
  feed(token: Token): boolean {
    this.size += 1 + ('value' in token && typeof token.value === 'string' ? token.value.length : 0);
    if (this.size > MAX_VALUE_CHARS) this.assembler = null;
    this.assembler?.consume(token);
    if (token.name === 'startObject' || token.name === 'startArray') this.depth += 1;
    else if (token.name === 'endObject' || token.name === 'endArray') this.depth -= 1;
    return this.depth === 0;
  }

  result(): JsonItem {
    return this.assembler
      ? { line: this.line, ok: true, value: this.assembler.current }
      : { line: this.line, ok: false, reason: `is larger than ${MAX_VALUE_CHARS} characters` };
  }
}

/**
 * Follows the tokens of a JSON document and cuts them into values: each element of a top-level array, each
 * element of the array under `arrayKey` of a top-level object, or else the top-level object itself.
 */
class DocumentWalker {
  /** Values complete and not yet taken. */
  private ready: JsonItem[] = [];
  /** Values cut so far (for messages). */
  values = 0;
  private root: 'array' | 'object' | undefined;
  /** Open containers outside the value being collected. */
  private depth = 0;
  private element: ValueCollector | undefined;
  /** The top-level object without the array under `arrayKey`: the value when that array is missing. */
  private rootObject: ValueCollector | undefined;
  private afterArrayKey = false;
  private inKeyedArray = false;
  private sawKeyedArray = false;

  constructor(private readonly arrayKey?: string) {}

  consume(token: Token): void {
    if (this.element) {
      if (this.element.feed(token)) this.complete();
      return;
    }
    if (this.root === undefined) {
      this.root = token.name === 'startArray' ? 'array' : 'object';
      this.depth = 1;
      if (this.root === 'object') {
        this.rootObject = new ValueCollector(1);
        this.rootObject.feed(token);
      }
      return;
    }
    const inElementArray =
      (this.root === 'array' && this.depth === 1) || (this.inKeyedArray && this.depth === 2);
    if (inElementArray) {
      if (token.name === 'endArray') {
        this.depth -= 1;
        this.inKeyedArray = false;
        return;
      }
      this.element = new ValueCollector(this.values + 1);
      if (this.element.feed(token)) this.complete();
      return;
    }
    if (this.depth === 1 && token.name === 'keyValue' && token.value === this.arrayKey) {
      this.afterArrayKey = true;
      return;
    }
    if (this.afterArrayKey) {
      this.afterArrayKey = false;
      if (token.name === 'startArray') {
        this.inKeyedArray = true;
        this.sawKeyedArray = true;
        this.depth = 2;
        return;
      }
      this.rootObject?.feed({ name: 'keyValue', value: this.arrayKey ?? '' });
    }
    if (token.name === 'startObject' || token.name === 'startArray') this.depth += 1;
    else if (token.name === 'endObject' || token.name === 'endArray') this.depth -= 1;
    if (this.rootObject?.feed(token)) {
      if (!this.sawKeyedArray) this.ready.push(this.rootObject.result());
      this.rootObject = undefined;
    }
  }

  private complete(): void {
    if (!this.element) return;
    this.values += 1;
    this.ready.push(this.element.result());
    this.element = undefined;
  }

  take(): JsonItem[] {
    const taken = this.ready;
    this.ready = [];
    return taken;
  }

  /** @throws ImportFileError 'invalid_json' when the document is cut short. */
  finish(): void {
    if (this.root === undefined || this.depth > 0 || this.element) {
      throw new ImportFileError(
        'invalid_json',
        `The file ends before its JSON is complete (after value ${this.values}).`,
      );
    }
  }
}

// --- Objects and numbers from JSON -------------------------------------------------------------------------

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `value[key]` when `value` is an object. */
export const field = (value: unknown, key: string): unknown =>
  isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A JSON number, or a string holding a plain decimal number; NaN otherwise. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && DECIMAL.test(value.trim())) return Number(value);
  return Number.NaN;
}

/** A value as a short text for messages and `originalValue`. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `${value.slice(0, 40)}…` : value;
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

// --- ISO 8601 date-times -----------------------------------------------------------------------------------

export interface ParsedTime {
  time: number;
  utcOffsetMinutes: number;
  /** The zone a time without an offset was resolved in; null when the text gave the offset. */
  timeZone: string | null;
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?$/;

/**
 * An ISO 8601 / RFC 3339 date-time (FHIR dateTime and instant, Open mHealth date_time, Nightscout dateString).
 * One without an offset is read as wall-clock time in `timeZone` (the first occurrence of a repeated hour).
 * @returns the instant, or a reason for messages (a date without a time is not precise enough for a reading).
 */
export function parseIsoDateTime(text: unknown, timeZone: string): ParsedTime | string {
  if (typeof text !== 'string') return `date-time ${describe(text)} is not text`;
  const match = ISO_DATE_TIME.exec(text.trim());
  if (!match) {
    return /^\d{4}(-\d{2}(-\d{2})?)?$/.test(text.trim())
      ? `date "${text}" has no time of day`
      : `"${describe(text)}" is not an ISO 8601 date-time`;
  }
  const [, year, month, day, hour, minute, second, fraction, zulu, sign, offsetHours, offsetMinutes] = match;
  const wall = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second ?? 0),
  };
  if (!isValidWallClock(wall)) return `"${text}" is not a real date and time`;
  const millis = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  if (zulu || sign) {
    const offset = sign
      ? (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes ?? 0))
      : 0;
    if (Math.abs(offset) > 18 * 60 || Number(offsetMinutes ?? 0) > 59)
      return `"${text}" has no valid UTC offset`;
    const local = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
    return { time: local - offset * 60_000 + millis, utcOffsetMinutes: offset, timeZone: null };
  }
  const resolved = resolveLocalTime(wall, timeZone);
  return { time: resolved.time + millis, utcOffsetMinutes: resolved.utcOffsetMinutes, timeZone };
}

// --- Checks every observation passes -----------------------------------------------------------------------

/** Readings before 2000 are rejected (spec: they come from a device clock that was never set). */
export const EARLIEST_TIME = Date.UTC(2000, 0, 1);
/** Readings more than a day ahead are rejected; a day leaves room for any time zone written wrongly. */
export const MAX_AHEAD_MS = 86_400_000;

/** Why a time is not accepted, or null. */
export function timeProblem(time: number, now: number = Date.now()): string | null {
  if (!Number.isFinite(time)) return 'has no valid time';
  if (time < EARLIEST_TIME) return `time ${timeText(time)} is before 2000-01-01`;
  if (time > now + MAX_AHEAD_MS) return `time ${timeText(time)} is more than a day in the future`;
  return null;
}

/** Steps are counted over intervals of up to a day (25 hours: the day summer time ends), so daily totals hold. */
export const MAX_INTERVAL_MS = 25 * 3_600_000;

/** Why an interval (steps) is not accepted, or null; its start has passed {@link timeProblem} already. */
export function intervalProblem(start: number, end: number, now: number = Date.now()): string | null {
  if (!Number.isFinite(end) || end < start) return 'the interval ends before it starts';
  if (end - start > MAX_INTERVAL_MS) {
    return `the interval of ${Math.round((end - start) / 3_600_000)} hours is longer than a day`;
  }
  if (end > now + MAX_AHEAD_MS) return `end time ${timeText(end)} is more than a day in the future`;
  return null;
}

/** ECMAScript dates reach 8.64e15 ms either side of 1970; beyond, the number is all there is to show. */
const timeText = (time: number): string =>
  Math.abs(time) <= 8.64e15 ? new Date(time).toISOString() : `${time} ms`;

/**
 * The plausible range of each code in its canonical unit; outside it a value is rejected. Glucose 1–50 mmol/L
 * is the spec's rule; the others are platform choices wide enough for any adult (docs/decisions.md).
 */
export const PLAUSIBLE_RANGE: Record<ObservationCode, { min: number; max: number }> = {
  [CODES.cgmGlucose]: { min: 1, max: 50 },
  [CODES.capillaryGlucose]: { min: 1, max: 50 },
  [CODES.steps]: { min: 0, max: 100_000 },
  [CODES.heartRate]: { min: 20, max: 300 },
  [CODES.weight]: { min: 1, max: 500 },
  [CODES.height]: { min: 30, max: 300 },
  [CODES.waist]: { min: 20, max: 300 },
};

const LABEL: Record<ObservationCode, string> = {
  [CODES.cgmGlucose]: 'glucose',
  [CODES.capillaryGlucose]: 'glucose',
  [CODES.steps]: 'step count',
  [CODES.heartRate]: 'heart rate',
  [CODES.weight]: 'weight',
  [CODES.height]: 'height',
  [CODES.waist]: 'waist circumference',
};

const RANGE_TEXT: Record<ObservationCode, string> = {
  [CODES.cgmGlucose]: '1–50 mmol/L',
  [CODES.capillaryGlucose]: '1–50 mmol/L',
  [CODES.steps]: '0–100000 steps',
  [CODES.heartRate]: '20–300 /min',
  [CODES.weight]: '1–500 kg',
  [CODES.height]: '30–300 cm',
  [CODES.waist]: '20–300 cm',
};

/** Glucose written in mg/dL is held to 18–900 mg/dL, the spec's range in the unit written (as the CSV importers do). */
const GLUCOSE_FROM_MGDL = { min: toMmol(18), max: toMmol(900) };

/** Why a value in the canonical unit is not accepted (the reason names the value as written), or null. */
export function valueProblem(
  code: ObservationCode,
  value: number,
  originalValue: string,
  originalUnit: string,
): string | null {
  if (!Number.isFinite(value)) return `${LABEL[code]} value "${originalValue}" is not a number`;
  const glucoseInMgdl =
    originalUnit === 'mg/dL' && (code === CODES.cgmGlucose || code === CODES.capillaryGlucose);
  const { min, max } = glucoseInMgdl ? GLUCOSE_FROM_MGDL : PLAUSIBLE_RANGE[code];
  if (value >= min && value <= max) return null;
  const written = originalUnit ? `${originalValue} ${originalUnit}` : originalValue;
  return `${LABEL[code]} value ${written} is outside ${glucoseInMgdl ? '18–900 mg/dL' : RANGE_TEXT[code]}`;
}

/**
 * How a code is usually measured, when the file does not say: CGM, steps and heart rate come from a sensor on
 * its own schedule, the rest is measured or entered by hand.
 */
export const DEFAULT_METHOD: Record<ObservationCode, 'continuous' | 'manual'> = {
  [CODES.cgmGlucose]: 'continuous',
  [CODES.capillaryGlucose]: 'manual',
  [CODES.steps]: 'continuous',
  [CODES.heartRate]: 'continuous',
  [CODES.weight]: 'manual',
  [CODES.height]: 'manual',
  [CODES.waist]: 'manual',
};

/** Kilograms per unit of mass. The pound is 0.45359237 kg exactly (international yard and pound, 1959). */
export const KG_PER: Record<'kg' | 'g' | 'lb' | 'oz' | 'st', number> = {
  kg: 1,
  g: 0.001,
  lb: 0.45359237,
  oz: 0.45359237 / 16,
  st: 0.45359237 * 14,
};

/** Centimetres per unit of length. The inch is 2.54 cm exactly (international yard and pound, 1959). */
export const CM_PER: Record<'cm' | 'm' | 'mm' | 'in' | 'ft', number> = {
  cm: 1,
  m: 100,
  mm: 0.1,
  in: 2.54,
  ft: 30.48,
};
