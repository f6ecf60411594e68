/**
 * Dexcom Clarity CSV export. Dexcom publishes no specification; the layout is what public exports show
 * (DOMAIN.md §5; the sample ../shared/data/cgm/dexcom_clarity_test_file.csv):
 *
 * - UTF-8 with a byte order mark; a header `Index,Timestamp (YYYY-MM-DDThh:mm:ss),Event Type,Event Subtype,
 *   Patient Info,Device Info,Source Device ID,Glucose Value (mg/dL),…` (newer exports add `Transmitter Time
 *   (Long Integer),Transmitter ID` and quote every field; the mmol/L variant says `Glucose Value (mmol/L)`);
 * - an untimed preamble: `FirstName`, `LastName`, `DateOfBirth` (personal data: ignored, never yielded),
 *   `Device`, `Alert` settings;
 * - `EGV` rows (estimated glucose values, every 5 min) and `Calibration` rows (finger-prick values entered
 *   to calibrate), in time order; other events (insulin, carbs, exercise) carry no glucose we keep;
 * - the timestamp is local wall-clock time without an offset.
 *
 * Out of the sensor's range an EGV is written as `Low` or `High`. Dexcom G6 and G7 report 40–400 mg/dL
 * (Dexcom G6 CGM System User Guide, "Range"; FDA 510(k) K213919 for G7), shown in mmol/L as 2.2–22.2; we store
 * the edge of the range with a flag.
 */

import { toMmol } from '../../../science/glucose/units.ts';
import { CODES } from '../codes.ts';
import {
  clip,
  csvItems,
  type Delimiter,
  decodeText,
  fieldAt,
  firstRecords,
  flaggedGlucoseItem,
  type GlucoseRow,
  type GlucoseUnit,
  glucoseItem,
  parseIsoWallClock,
  peekBytes,
  ReadingStreams,
  SNIFF_BYTES,
  unitInHeader,
} from './csv.ts';
import { checkTimeZone, isValidWallClock } from './local-time.ts';
import {
  type Importer,
  ImportFileError,
  type ImportOptions,
  type ImportSource,
  type ParsedItem,
} from './types.ts';

/** The sensor's range, as Dexcom writes its edges: 40–400 mg/dL, 2.2–22.2 mmol/L (see above). */
const RANGE_EDGES: Record<GlucoseUnit, { low: number; high: number }> = {
  'mg/dL': { low: 40, high: 400 },
  'mmol/L': { low: 2.2, high: 22.2 },
};

interface Columns {
  timestamp: number;
  eventType: number;
  glucose: number;
  unit: GlucoseUnit;
  sourceDevice: number;
  transmitter: number;
}

const EXPECTED =
  "a Dexcom Clarity export: a header with the columns 'Timestamp (YYYY-MM-DDThh:mm:ss)', 'Event Type' and " +
  "'Glucose Value (mg/dL)' or 'Glucose Value (mmol/L)'";

/** The columns of a Clarity header, or null when it is not one. */
export function dexcomColumns(header: readonly string[]): Columns | null {
  const names = header.map((name) => name.trim().toLowerCase());
  const find = (test: (name: string) => boolean) => names.findIndex(test);
  const timestamp = find((name) => name.startsWith('timestamp'));
  const eventType = find((name) => name === 'event type');
  const glucose = find((name) => name.startsWith('glucose value'));
  const unit = glucose >= 0 ? unitInHeader(header[glucose] as string) : null;
  if (timestamp < 0 || eventType < 0 || !unit) return null;
  return {
    timestamp,
    eventType,
    glucose,
    unit,
    sourceDevice: find((name) => name === 'source device id'),
    transmitter: find((name) => name === 'transmitter id'),
  };
}

async function readLayout(source: ImportSource): Promise<{ columns: Columns; delimiter: Delimiter }> {
  const bytes = await peekBytes(source);
  const text = decodeText(bytes);
  if (text.trim() === '') throw new ImportFileError('empty_file', 'The file is empty.');
  const { delimiter, records } = firstRecords(text, 1, bytes.length < SNIFF_BYTES);
  const columns = dexcomColumns(records[0] ?? []);
  if (!columns) throw new ImportFileError('unknown_layout', `This is not ${EXPECTED}: line 1 lacks them.`, 1);
  return { columns, delimiter };
}

async function* parseDexcom(source: ImportSource, options: ImportOptions): AsyncGenerator<ParsedItem> {
  checkTimeZone(options.timeZone);
  const { columns, delimiter } = await readLayout(source);
  const streams = new ReadingStreams(options.timeZone, 'dexcom:');
  yield* csvItems(source, delimiter, options, 0, (line, fields) => rowItem(line, fields, columns, streams));
}

function rowItem(line: number, fields: string[], columns: Columns, streams: ReadingStreams): ParsedItem {
  const eventType = fieldAt(fields, columns.eventType).toLowerCase();
  // Everything else, the preamble with the person's name and birth date included, is not a reading.
  if (eventType !== 'egv' && eventType !== 'calibration') return { kind: 'ignored', line };
  const continuous = eventType === 'egv';

  const stampText = fieldAt(fields, columns.timestamp);
  const wall = parseIsoWallClock(stampText);
  if (!wall || !isValidWallClock(wall)) {
    return {
      kind: 'rejected',
      line,
      reason:
        stampText === ''
          ? 'timestamp is empty'
          : `timestamp "${clip(stampText)}" is not a valid date and time`,
    };
  }
  const device = fieldAt(fields, columns.sourceDevice) || fieldAt(fields, columns.transmitter) || 'unknown';
  const stream = streams.get(device, eventType);
  const row: GlucoseRow = {
    line,
    code: continuous ? CODES.cgmGlucose : CODES.capillaryGlucose,
    method: continuous ? 'continuous' : 'manual',
    source: stream.source,
    time: stream.resolve(wall),
    text: fieldAt(fields, columns.glucose),
    unit: columns.unit,
  };
  const word = row.text.toLowerCase();
  if (continuous && (word === 'low' || word === 'high')) {
    const edges = RANGE_EDGES[columns.unit];
    const edge = word === 'low' ? edges.low : edges.high;
    const mmol = columns.unit === 'mg/dL' ? toMmol(edge) : edge;
    return flaggedGlucoseItem(row, mmol, word === 'low' ? 'below_range' : 'above_range');
  }
  return glucoseItem(row);
}

export const dexcomImporter: Importer = { format: 'dexcom', parse: parseDexcom };
