import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { Variable, VariableType } from './datasets.ts';

/**
 * An extract's data set as Apache Parquet: the CSV's columns with Parquet's own types (strings as UTF-8, integers
 * as INT32, decimals as DOUBLE, dates as DATE, times as TIMESTAMP in milliseconds adjusted to UTC). PostgreSQL
 * sends the data set's rows as `COPY … TO STDOUT (FORMAT text)`, the same query and text as the CSV; they are
 * parsed into columns as they come and written a row group at a time, so a data set of tens of millions of rows
 * never sits in memory whole. Parquet has no place for a column's label or unit that readers know of: they go,
 * with the study, the data set and the pseudonym key's version, into the file's key-value metadata (`topfit.*`).
 */

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];
type ColumnSource = Parameters<ParquetWriter['write']>[0]['columnData'][number];
type Value = string | number | null;
/** Reads one field, `text` from `from` up to `to`, in COPY's text format (never `\N`, which is null). */
type Convert = (text: string, from: number, to: number) => Value;

/**
 * Rows per row group: what is held in memory before it is encoded and written. The writer makes several arrays of
 * a row group's values per column (copies, levels, dictionary indexes); at 16,000 rows each stays under V8's
 * large-object size (128 KiB: 16,384 slots of 8 bytes), so it dies young. With 100,000 rows they went to the
 * large-object space, which only a full collection empties: a 4-million-row extract then took 150–180 MB more
 * memory instead of 20 (docs/decisions.md). Readers cope well with row groups this size; each repeats its
 * dictionaries, a quarter more bytes than 100,000-row groups.
 */
const ROW_GROUP_ROWS = 16_000;

const SCHEMA: Record<VariableType, Omit<SchemaElement, 'name' | 'repetition_type'>> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
  // Every integer of the catalogue (years, scores, minutes, steps per day) fits; a value that does not stops the
  // extract rather than being written wrong.
  integer: { type: 'INT32' },
  decimal: { type: 'DOUBLE' },
  date: { type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } },
  datetime: {
    type: 'INT64',
    converted_type: 'TIMESTAMP_MILLIS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
  },
};

/**
 * Readings come at a steady pace, so their times differ by the same few minutes: delta encoding stores that in a
 * few bits a row, where plain INT64 takes eight bytes.
 */
const ENCODING: Partial<Record<VariableType, ColumnSource['encoding']>> = { datetime: 'DELTA_BINARY_PACKED' };

const BACKSLASH = 92;
/** The N of `\N`, COPY's null. */
const NULL_N = 78;
const ZERO = 48;
const INT32_MAX = 2 ** 31 - 1;

function invalid(variable: string, text: string): never {
  throw new Error(`Parquet: ${variable} cannot hold ${JSON.stringify(text)}`);
}

/** The whole number written in `text[from, to)` (ASCII digits), or -1 when it is not one. */
function digits(text: string, from: number, to: number): number {
  if (from >= to) return -1;
  let number = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    number = number * 10 + digit;
  }
  return number;
}

/** `YYYY-MM-DD` at `from` as milliseconds since 1970 at midnight UTC (NaN when it is not a date). */
function dateMs(text: string, from: number): number {
  const year = digits(text, from, from + 4);
  const month = digits(text, from + 5, from + 7);
  const day = digits(text, from + 8, from + 10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return Number.NaN;
  return Date.UTC(year, month - 1, day);
}

/**
 * A decimal as PostgreSQL writes a numeric (`-12.345`): its digits as one whole number divided by a power of ten,
 * both exact in a double, so the quotient is the double nearest the decimal, as `Number()` would give, without
 * a string for each value. Anything else (more digits, `NaN`) goes through `Number()`.
 */
function decimal(text: string, from: number, to: number): number {
  const negative = text.charCodeAt(from) === 45;
  let whole = 0;
  let scale = 1;
  let count = 0;
  let point = false;
  for (let i = negative ? from + 1 : from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === 46 && !point) {
      point = true;
      continue;
    }
    const digit = code - ZERO;
    if (digit < 0 || digit > 9 || ++count > 15) return Number(text.slice(from, to));
    whole = whole * 10 + digit;
    if (point) scale *= 10;
  }
  if (count === 0) return Number.NaN;
  return negative ? -(whole / scale) : whole / scale;
}

/** COPY's text format escapes backslash, tab, line breaks and a few others with a backslash. */
const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const unescapeCopy = (text: string) =>
  text.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, code: string) =>
    code.length > 1 || /[0-7]/.test(code)
      ? String.fromCharCode(code[0] === 'x' ? Number.parseInt(code.slice(1), 16) : Number.parseInt(code, 8))
      : (ESCAPES[code] ?? code),
  );

/** How a field of the data set's query (the CSV's text: times `YYYY-MM-DD hh:mm:ss` in UTC) becomes its value. */
function converter(variable: Variable): Convert {
  const { name } = variable;
  switch (variable.type) {
    case 'string': {
      // Rows come sorted by pseudonym (and codes repeat): the value before is kept instead of a copy of it.
      let last: string | null = null;
      return (text, from, to) => {
        if (last !== null && last.length === to - from && text.startsWith(last, from)) return last;
        // A copy, not a slice: V8 keeps the whole chunk alive behind a slice, and a value outlives its chunk (in
        // the row group's statistics, kept until the file's footer is written).
        const value = Buffer.from(text.slice(from, to)).toString();
        // An escaped value is not kept: what is compared with the next one is the text as COPY wrote it.
        if (value.includes('\\')) {
          last = null;
          return unescapeCopy(value);
        }
        last = value;
        return value;
      };
    }
    case 'integer':
      return (text, from, to) => {
        const negative = text.charCodeAt(from) === 45;
        const number = digits(text, negative ? from + 1 : from, to);
        if (number < 0 || number > INT32_MAX + (negative ? 1 : 0)) invalid(name, text.slice(from, to));
        return negative ? -number : number;
      };
    case 'decimal':
      return (text, from, to) => {
        const number = decimal(text, from, to);
        if (Number.isNaN(number) && text.slice(from, to) !== 'NaN') invalid(name, text.slice(from, to));
        return number;
      };
    case 'date':
      return (text, from, to) => {
        const ms = to - from === 10 ? dateMs(text, from) : Number.NaN;
        if (Number.isNaN(ms)) invalid(name, text.slice(from, to));
        return ms / 86_400_000;
      };
    case 'datetime':
      return (text, from, to) => {
        const hours = digits(text, from + 11, from + 13);
        const minutes = digits(text, from + 14, from + 16);
        const seconds = digits(text, from + 17, from + 19);
        const ms =
          to - from === 19 && hours >= 0 && minutes >= 0 && seconds >= 0 ? dateMs(text, from) : Number.NaN;
        if (Number.isNaN(ms)) invalid(name, text.slice(from, to));
        return ms + hours * 3_600_000 + minutes * 60_000 + seconds * 1000;
      };
  }
}

/**
 * A column of the row group being filled, kept from one row group to the next: numbers in a typed array (no
 * object per value, nothing for the garbage collector to follow), strings as they come (mostly the same few).
 */
interface ColumnBuffer {
  put(row: number, text: string, from: number, to: number): void;
  putNull(row: number): void;
  /** The first `rows` values, as the Parquet writer takes them (it copies them before they are overwritten). */
  data(rows: number): ColumnSource['data'];
}

function columnBuffer(variable: Variable): ColumnBuffer {
  const convert = converter(variable);
  if (variable.type === 'string') {
    const values: (string | null)[] = new Array(ROW_GROUP_ROWS).fill(null);
    return {
      put: (row, text, from, to) => {
        values[row] = convert(text, from, to) as string;
      },
      putNull: (row) => {
        values[row] = null;
      },
      data: (rows) => (rows === values.length ? values : values.slice(0, rows)),
    };
  }
  const values =
    variable.type === 'integer' || variable.type === 'date'
      ? new Int32Array(ROW_GROUP_ROWS)
      : new Float64Array(ROW_GROUP_ROWS);
  const nulls = new Uint8Array(ROW_GROUP_ROWS);
  let nullCount = 0;
  return {
    put: (row, text, from, to) => {
      values[row] = convert(text, from, to) as number;
      nulls[row] = 0;
    },
    putNull: (row) => {
      nulls[row] = 1;
      nullCount++;
    },
    data: (rows) => {
      // A typed array holds no null: a row group with nulls in this column goes as a plain array.
      const data =
        nullCount === 0
          ? values.subarray(0, rows)
          : Array.from({ length: rows }, (_, row) => (nulls[row] ? null : (values[row] as number)));
      nullCount = 0;
      return data;
    },
  };
}

/**
 * hyparquet-writer's byte writer, emptied into the file after each row group (and at the end) instead of growing
 * with it; the bytes are hashed on the way, as the other files of an extract are.
 */
class FileSink extends ByteWriter {
  readonly hash = createHash('sha256');

  constructor(private readonly stream: WriteStream) {
    super(1 << 20);
  }

  /** Called by the Parquet writer after each row group; it waits for the promise before it encodes more. */
  async flush() {
    if (this.index === 0) return;
    // A copy: the writer fills its buffer again from the start while the stream may still hold these bytes.
    const bytes = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    this.hash.update(bytes);
    if (!this.stream.write(bytes)) await once(this.stream, 'drain');
  }

  override async finish() {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
  }
}

export interface ParquetMetadata {
  studyId: string;
  extractId: string;
  requestId: string;
  dataset: string;
  label: { nl: string; en: string };
  rowIs: { nl: string; en: string };
  pseudonymKeyVersion: number;
  period: { from: string; to: string };
}

/** Where a data set's `COPY … (FORMAT text)` goes to become a Parquet file. */
export interface ParquetWriting {
  /** Takes COPY's bytes (as many writes as it likes); waits while a row group is written. */
  sink: Writable;
  /** After the last byte: writes the last row group and the footer; the file's size, SHA-256 and rows. */
  done(): Promise<{ bytes: number; sha256: string; rows: number }>;
  /** After a failure elsewhere: stops, leaving the file to be removed with the extract's folder. */
  abort(): void;
}

/** Starts a Parquet file at `file` with a column per variable (the query's columns, in their order). */
export function parquetWriting(
  file: string,
  variables: readonly Variable[],
  metadata: ParquetMetadata,
): ParquetWriting {
  const stream = createWriteStream(file);
  const output = new FileSink(stream);
  const parquet = new ParquetWriter({
    writer: output,
    schema: [
      { name: 'schema', num_children: variables.length },
      ...variables.map(
        (variable): SchemaElement => ({
          name: variable.name,
          ...SCHEMA[variable.type],
          repetition_type: variable.name === 'pseudonym' ? 'REQUIRED' : 'OPTIONAL',
        }),
      ),
    ],
    kvMetadata: [
      { key: 'topfit.study_id', value: metadata.studyId },
      { key: 'topfit.extract_id', value: metadata.extractId },
      { key: 'topfit.request_id', value: metadata.requestId },
      { key: 'topfit.dataset', value: metadata.dataset },
      { key: 'topfit.dataset_label', value: JSON.stringify(metadata.label) },
      { key: 'topfit.row_is', value: JSON.stringify(metadata.rowIs) },
      { key: 'topfit.pseudonym_key_version', value: String(metadata.pseudonymKeyVersion) },
      { key: 'topfit.period', value: `${metadata.period.from}/${metadata.period.to}` },
      // The codebook's rows of this file: labels in both languages, units, decimals, codes and sources.
      {
        key: 'topfit.variables',
        value: JSON.stringify(
          variables.map(({ name, label, type, unit, decimals, codes, source }) => ({
            name,
            label,
            type,
            unit,
            decimals,
            codes,
            source,
          })),
        ),
      },
    ],
    createdBy: 'TOPFIT platform (hyparquet-writer)',
  });

  const columns = variables.map(columnBuffer);
  const width = variables.length;
  const decoder = new StringDecoder('utf8');
  let pending = 0;
  let rows = 0;
  let rest = '';
  let failure: unknown;

  const writeGroup = async () => {
    if (pending === 0) return;
    const size = pending;
    pending = 0;
    await parquet.write({
      columnData: variables.map((variable, i) => ({
        name: variable.name,
        data: (columns[i] as ColumnBuffer).data(size),
        encoding: ENCODING[variable.type],
      })),
      rowGroupSize: size,
    });
  };

  const addRow = (text: string, start: number, end: number) => {
    let from = start;
    for (let i = 0; i < width; i++) {
      const tab = text.indexOf('\t', from);
      const last = i === width - 1;
      if (last ? tab !== -1 && tab < end : tab === -1 || tab > end) {
        throw new Error('Parquet: a row whose fields are not the data set’s columns');
      }
      const to = last ? end : tab;
      const column = columns[i] as ColumnBuffer;
      if (to - from === 2 && text.charCodeAt(from) === BACKSLASH && text.charCodeAt(from + 1) === NULL_N) {
        column.putNull(pending);
      } else {
        column.put(pending, text, from, to);
      }
      from = to + 1;
    }
    pending++;
    rows++;
  };

  /** Parses the complete lines of `text` (and keeps a partial last one), writing each full row group. */
  const take = async (text: string) => {
    const lines = rest + text;
    let start = 0;
    for (let end = lines.indexOf('\n'); end !== -1; end = lines.indexOf('\n', start)) {
      addRow(lines, start, end);
      start = end + 1;
      if (pending === ROW_GROUP_ROWS) await writeGroup();
    }
    rest = lines.slice(start);
  };

  const sink = new Writable({
    // A failure is kept for `done()` rather than raised here: a sink that errors mid-COPY would leave PGlite's
    // `copyOut` waiting for a drain that never comes.
    write(chunk: Buffer, _encoding, callback) {
      if (failure !== undefined) return callback();
      take(decoder.write(chunk)).then(
        () => callback(),
        (error: unknown) => {
          failure = error;
          callback();
        },
      );
    },
    final(callback) {
      (async () => {
        if (failure !== undefined) throw failure;
        await take(decoder.end());
        if (rest !== '') throw new Error('Parquet: COPY ended within a row');
        await writeGroup();
        await parquet.finish();
      })().then(
        () => callback(),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });

  return {
    sink,
    async done() {
      sink.end();
      try {
        await finished(sink);
      } catch (error) {
        stream.destroy();
        throw error;
      }
      return { bytes: output.offset, sha256: output.hash.digest('hex'), rows };
    },
    abort() {
      sink.destroy();
      stream.destroy();
    },
  };
}
