/**
 * CGM readings as a plain CSV with the columns `id,time,gl`: the layout of the R package iglu (Broll et al.
 * 2021) and of the public CGM data sets next to the repository (../shared/data/cgm/example_data_5_subject.csv).
 * `id` names the person or sensor, `time` is local wall-clock time `YYYY-MM-DD HH:MM:SS` (an ISO offset such as
 * `+02:00` or `Z` is honoured when present), `gl` is glucose in mg/dL. Other columns are ignored.
 */

import { CODES } from '../codes.ts';
import {
  clip,
  csvItems,
  type Delimiter,
  decodeText,
  fieldAt,
  firstRecords,
  glucoseItem,
  parseIsoWallClock,
  peekBytes,
  ReadingStreams,
  SNIFF_BYTES,
} from './csv.ts';
import { checkTimeZone, isValidWallClock, type ResolvedTime } from './local-time.ts';
import {
  type Importer,
  ImportFileError,
  type ImportOptions,
  type ImportSource,
  type ParsedItem,
} from './types.ts';

interface Columns {
  id: number;
  time: number;
  gl: number;
}

const REQUIRED = ['id', 'time', 'gl'] as const;

/** The positions of `id`, `time` and `gl` in a header, or null when one is missing. */
export function genericColumns(header: readonly string[]): Columns | null {
  const names = header.map((name) => name.trim().toLowerCase());
  const [id, time, gl] = REQUIRED.map((name) => names.indexOf(name)) as [number, number, number];
  return id >= 0 && time >= 0 && gl >= 0 ? { id, time, gl } : null;
}

async function readLayout(source: ImportSource): Promise<{ columns: Columns; delimiter: Delimiter }> {
  const bytes = await peekBytes(source);
  const text = decodeText(bytes);
  if (text.trim() === '') throw new ImportFileError('empty_file', 'The file is empty.');
  const { delimiter, records } = firstRecords(text, 1, bytes.length < SNIFF_BYTES);
  const header = records[0] ?? [];
  const columns = genericColumns(header);
  if (!columns) {
    const names = header.map((name) => name.trim().toLowerCase());
    const missing = REQUIRED.filter((name) => !names.includes(name));
    throw new ImportFileError(
      'unknown_layout',
      'Expected a CSV whose first line names the columns id, time and gl (glucose in mg/dL); line 1 lacks ' +
        `${missing.join(', ')}.`,
      1,
    );
  }
  return { columns, delimiter };
}

const WITH_OFFSET = /^(.*\d)(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;

/** A time with its own offset (`…+02:00`, `…Z`), or null when it has none or is not valid. */
function timeWithOffset(text: string): (ResolvedTime & { timeZone: null }) | null {
  const match = WITH_OFFSET.exec(text.trim());
  if (!match) return null;
  const [, local = '', zulu, sign, hours, minutes] = match;
  const wall = parseIsoWallClock(local);
  if (!wall || !isValidWallClock(wall)) return null;
  const offset = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
  if (Math.abs(offset) > 18 * 60) return null;
  const localMs = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return { time: localMs - offset * 60_000, utcOffsetMinutes: offset, timeZone: null };
}

async function* parseGenericCsv(source: ImportSource, options: ImportOptions): AsyncGenerator<ParsedItem> {
  checkTimeZone(options.timeZone);
  const { columns, delimiter } = await readLayout(source);
  const streams = new ReadingStreams(options.timeZone, 'csv:');
  yield* csvItems(source, delimiter, options, 0, (line, fields) => rowItem(line, fields, columns, streams));
}

function rowItem(line: number, fields: string[], columns: Columns, streams: ReadingStreams): ParsedItem {
  const id = fieldAt(fields, columns.id);
  if (id === '') return { kind: 'rejected', line, reason: 'id is empty' };
  const timeText = fieldAt(fields, columns.time);
  const stream = streams.get(id, '');
  // Local times are the rule: they are tried first (a text never matches both patterns).
  const wall = parseIsoWallClock(timeText);
  const time = wall && isValidWallClock(wall) ? stream.resolve(wall) : timeWithOffset(timeText);
  if (!time) {
    return {
      kind: 'rejected',
      line,
      reason: timeText === '' ? 'time is empty' : `time "${clip(timeText)}" is not a valid date and time`,
    };
  }
  return glucoseItem({
    line,
    code: CODES.cgmGlucose,
    method: 'continuous',
    source: stream.source,
    time,
    text: fieldAt(fields, columns.gl),
    unit: 'mg/dL',
  });
}

export const genericCsvImporter: Importer = { format: 'csv', parse: parseGenericCsv };
