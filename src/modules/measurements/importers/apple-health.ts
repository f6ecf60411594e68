/**
 * Apple Health exports (DOMAIN.md §5): `export.zip` from the Health app, or its `export.xml` on its own.
 *
 * The ZIP is read as a stream (fflate `Unzip`): only the export XML is inflated, in slices, and fed to a
 * streaming XML parser (saxes); no other entry (`export_cda.xml`, workout routes, ECGs) is inflated. The XML
 * is `apple_health_export/export.xml`, or its translation (`exportar.xml`, `eksport.xml`, …: the name follows
 * the phone's language, but `export_cda.xml` does not), so the first `.xml` entry at the top of the archive
 * other than `*_cda.xml` is taken, and its root element must be `<HealthData>`.
 *
 * Kept: top-level `<Record>` elements of these types, each with `startDate`/`endDate` like
 * `2026-03-01 08:15:00 +0100` (the offset is the file's, so `timeZone` is null):
 * - BloodGlucose (`mg/dL`, or `mmol<180.1558800000541>/L` which is mmol/L): CGM glucose ('continuous') when
 *   the source or device names a CGM (Libre, Dexcom, Eversense, Guardian, "CGM"), else capillary ('manual').
 *   Health does not say how a sample was measured, and a reading's own rhythm is not knowable while
 *   streaming; the apps of CGMs name themselves.
 * - StepCount (`count`, an interval: `endTime` set), HeartRate (`count/min`), BodyMass (kg, lb, g, st),
 *   Height and WaistCircumference (cm, m, mm, in, ft).
 * Everything else is ignored: other record types, `<Workout>`, `<ActivitySummary>`, `<Correlation>` (its
 * records also appear at the top level, says the export's own DTD), and `<Me>`, whose attributes (birth
 * date, sex, blood type) are personal data and never read.
 *
 * Sources: `sourceName` is the name of an app ("LibreLink") or of a device, which for Apple devices is the
 * owner's own name for it ("Jan's iPhone"). A source must never carry a person's name, so it is
 * `apple-health:<kind>:<first 12 hex of SHA-256(sourceName)>` with kind watch, iphone, cgm or other: stable
 * across exports, distinct per source, and without the name. (The `device` attribute cannot serve: it holds a
 * memory address that changes with every record.)
 *
 * Steps counted by both the iPhone and the Watch: Health shows the Watch's where they overlap (the Watch is
 * first in its default source order). Records are not ordered by time across sources in the export, so which
 * iPhone records a Watch record overlaps is known only at the end of the file. The importer holds nothing for
 * it: it marks the iPhone's step readings as giving way to the Watch's (`yieldsTo`), and the store keeps them
 * aside in the import's transaction and, once every reading is in, drops those that a Watch step reading
 * overlaps, of this file or stored before (one SQL statement; memory stays the same whatever the file's size).
 * An iPhone record that overlaps a Watch interval only partly is dropped whole (a small undercount at the
 * edges, where Health would split it). Steps of other sources (third-party apps) are kept as they are.
 */

import { createHash } from 'node:crypto';
import { type AsyncFlateStreamHandler, Unzip, type UnzipDecoder, UnzipInflate } from 'fflate';
import { SaxesParser } from 'saxes';
import { toMmol } from '../../../science/glucose/units.ts';
import { CODES, type ObservationCode } from '../codes.ts';
import {
  CM_PER,
  DEFAULT_METHOD,
  decodeUtf8,
  intervalProblem,
  KG_PER,
  readSourceBytes,
  timeProblem,
  toNumber,
  valueProblem,
} from './json-stream.ts';
import { isValidWallClock } from './local-time.ts';
import {
  type Importer,
  ImportFileError,
  type ImportOptions,
  type ImportSource,
  type ParsedItem,
} from './types.ts';

export const appleHealthImporter: Importer = {
  format: 'apple-health',
  async *parse(source, options) {
    for await (const items of parseAppleHealth(source, options)) yield* items;
  },
  parseBatches: parseAppleHealth,
  // Exports run to gigabytes, and reading them (XML, dates) costs more than storing their readings.
  inWorker: true,
};

/** The items of the export, a batch per piece of XML read. */
async function* parseAppleHealth(source: ImportSource, options: ImportOptions): AsyncGenerator<ParsedItem[]> {
  const now = Date.now();
  const sources = new SourceNames();
  const dates = new HealthDates();
  for await (const elements of healthElements(source, (bytesRead) => options.onProgress?.(bytesRead))) {
    const items: ParsedItem[] = [];
    for (const element of elements) {
      if (element.kind === 'other') {
        items.push({ kind: 'ignored', line: element.line });
        continue;
      }
      const origin = sources.of(element.attributes);
      const item = recordItem(element, origin, now, dates);
      if (item.kind === 'observation' && origin.kind === 'iphone' && item.observation.code === CODES.steps) {
        item.observation.yieldsTo = WATCH_SOURCE;
      }
      items.push(item);
    }
    yield items;
  }
}

// --- Records -----------------------------------------------------------------------------------------------

const TYPE_PREFIX = 'HKQuantityTypeIdentifier';
const STEP_COUNT = `${TYPE_PREFIX}StepCount`;
const BLOOD_GLUCOSE = `${TYPE_PREFIX}BloodGlucose`;

type Convert = (value: number) => number;
const times =
  (factor: number): Convert =>
  (value) =>
    value * factor;
const same: Convert = (value) => value;
const lengthUnits: Record<string, Convert> = {
  cm: same,
  m: times(CM_PER.m),
  mm: times(CM_PER.mm),
  in: times(CM_PER.in),
  ft: times(CM_PER.ft),
};

/** The record types kept, with the units Health writes them in and the conversion to the canonical unit. */
const KEPT: Record<string, { code: ObservationCode; units: Record<string, Convert> }> = {
  [BLOOD_GLUCOSE]: { code: CODES.capillaryGlucose, units: { 'mg/dL': toMmol, 'mmol/L': same } },
  [STEP_COUNT]: { code: CODES.steps, units: { count: same } },
  [`${TYPE_PREFIX}HeartRate`]: { code: CODES.heartRate, units: { 'count/min': same } },
  [`${TYPE_PREFIX}BodyMass`]: {
    code: CODES.weight,
    units: { kg: same, g: times(KG_PER.g), lb: times(KG_PER.lb), st: times(KG_PER.st) },
  },
  [`${TYPE_PREFIX}Height`]: { code: CODES.height, units: lengthUnits },
  [`${TYPE_PREFIX}WaistCircumference`]: { code: CODES.waist, units: lengthUnits },
};

/** Health writes mmol/L glucose with the molar mass it used: `mmol<180.1558800000541>/L`. */
const MMOL_WITH_MOLAR_MASS = /^mmol<[\d.]+>\/L$/;

/** For messages: `HKQuantityTypeIdentifierBodyMass` → `BodyMass`. */
const shortType = (type: string) => type.slice(TYPE_PREFIX.length);

function recordItem(record: HealthRecord, origin: Origin, now: number, dates: HealthDates): ParsedItem {
  const { attributes, line } = record;
  const type = attributes.type;
  if (!type) return { kind: 'rejected', line, reason: 'record has no type' };
  const kept = KEPT[type];
  if (!kept) return { kind: 'ignored', line };

  const originalUnit = attributes.unit ?? '';
  const convert = kept.units[MMOL_WITH_MOLAR_MASS.test(originalUnit) ? 'mmol/L' : originalUnit];
  if (!convert)
    return { kind: 'rejected', line, reason: `${shortType(type)} unit "${originalUnit}" is not supported` };
  const originalValue = attributes.value ?? '';
  if (originalValue === '')
    return { kind: 'rejected', line, reason: `${shortType(type)} record has no value` };

  const code = kept.code === CODES.capillaryGlucose && origin.kind === 'cgm' ? CODES.cgmGlucose : kept.code;
  const value = convert(toNumber(originalValue));
  const badValue = valueProblem(code, value, originalValue, originalUnit);
  if (badValue) return { kind: 'rejected', line, reason: badValue };

  const start = dates.read(attributes.startDate);
  if (typeof start === 'string') return { kind: 'rejected', line, reason: `startDate ${start}` };
  const badTime = timeProblem(start.time, now);
  if (badTime) return { kind: 'rejected', line, reason: badTime };
  let endTime: number | null = null;
  if (code === CODES.steps) {
    const end = dates.read(attributes.endDate);
    if (typeof end === 'string') return { kind: 'rejected', line, reason: `endDate ${end}` };
    const badInterval = intervalProblem(start.time, end.time, now);
    if (badInterval) return { kind: 'rejected', line, reason: badInterval };
    endTime = end.time;
  }

  return {
    kind: 'observation',
    observation: {
      code,
      time: start.time,
      endTime,
      utcOffsetMinutes: start.utcOffsetMinutes,
      timeZone: null,
      value,
      originalValue,
      originalUnit,
      source: origin.source,
      method: DEFAULT_METHOD[code],
      flag: null,
      line,
    },
  };
}

const HEALTH_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

type HealthDate = { time: number; utcOffsetMinutes: number };

/** `2026-03-01 08:15:00 +0100` → the instant and its offset, or why not. */
export function parseHealthDate(text: string | undefined): HealthDate | string {
  if (text === undefined) return 'is missing';
  const match = HEALTH_DATE.exec(text);
  if (!match) return `"${text.slice(0, 40)}" is not a date like 2026-03-01 08:15:00 +0100`;
  const wall = {
    year: Number(match[1]),
    month: Number(match[2]),
    day: Number(match[3]),
    hour: Number(match[4]),
    minute: Number(match[5]),
    second: Number(match[6]),
  };
  if (!isValidWallClock(wall)) return `"${text}" is not a real date and time`;
  const offsetMinutes = Number(match[9]);
  const offset = (match[7] === '-' ? -1 : 1) * (Number(match[8]) * 60 + offsetMinutes);
  if (offsetMinutes > 59 || Math.abs(offset) > 18 * 60) return `"${text}" has no valid UTC offset`;
  const local = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return { time: local - offset * 60_000, utcOffsetMinutes: offset };
}

const DIGIT_0 = 48;
const COLON = 58;

/** The digits at `at` and `at + 1` as a number, or NaN. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - DIGIT_0;
  const ones = text.charCodeAt(at + 1) - DIGIT_0;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : Number.NaN;
}

/**
 * {@link parseHealthDate} for a run of dates: an export writes hundreds of records a day, each with its dates.
 * The day and offset of the last date read (`2026-03-01 ` and ` +0100`) are remembered with the instant their
 * midnight is, so a date of that day costs three pairs of digits; any other text is read in full, with the
 * same answers.
 */
export class HealthDates {
  // No date starts so before the first is read.
  private day = '\u0000';
  private offset = '';
  private midnight = 0;
  private utcOffsetMinutes = 0;

  read(text: string | undefined): HealthDate | string {
    if (text !== undefined && text.length === 25 && text.startsWith(this.day) && text.endsWith(this.offset)) {
      const hour = twoDigits(text, 11);
      const minute = twoDigits(text, 14);
      const second = twoDigits(text, 17);
      // NaN fails these too.
      if (
        hour < 24 &&
        minute < 60 &&
        second < 60 &&
        text.charCodeAt(13) === COLON &&
        text.charCodeAt(16) === COLON
      ) {
        return {
          time: this.midnight + ((hour * 60 + minute) * 60 + second) * 1000,
          utcOffsetMinutes: this.utcOffsetMinutes,
        };
      }
    }
    const date = parseHealthDate(text);
    if (typeof date === 'string' || text === undefined) return date;
    this.day = text.slice(0, 11);
    this.offset = text.slice(19);
    this.utcOffsetMinutes = date.utcOffsetMinutes;
    this.midnight =
      date.time - ((twoDigits(text, 11) * 60 + twoDigits(text, 14)) * 60 + twoDigits(text, 17)) * 1000;
    return date;
  }
}

type SourceKind = 'watch' | 'iphone' | 'cgm' | 'other';

/** What every Watch's source begins with: the iPhone's steps give way to them. */
const WATCH_SOURCE = 'apple-health:watch:';

/** Words the apps and devices of continuous glucose monitors name themselves with. */
const CGM_NAMES = /libre|dexcom|eversense|guardian|\bcgm\b/i;

/** A record's source: its kind and the pseudonymous source stored. */
interface Origin {
  kind: SourceKind;
  source: string;
}

/**
 * Kinds and pseudonymous sources, worked out once per source name and device model (an export has a few dozen).
 * The device of a name's last record is remembered without its memory address (which changes per record), so
 * that most records are known by one comparison.
 */
class SourceNames {
  private readonly origins = new Map<string, Origin>();
  private readonly last = new Map<string, { device: string; origin: Origin }>();

  of(attributes: Record<string, string>): Origin {
    const name = attributes.sourceName ?? '';
    const full = attributes.device ?? '';
    // '<<HKDevice: 0x283e08b40>, name:…, model:…>': all after the address.
    const at = full.startsWith('<<') ? full.indexOf('>') + 1 : 0;
    const last = this.last.get(name);
    // Compared in place: most records are of the last device of their source, and need no string made.
    if (last !== undefined && full.length - at === last.device.length && full.endsWith(last.device)) {
      return last.origin;
    }
    const device = full.slice(at);
    const key = `${name}\u0000${modelOf(device)}`;
    let origin = this.origins.get(key);
    if (origin === undefined) {
      const kind = sourceKind(name, device);
      origin = {
        kind,
        source: `apple-health:${kind}:${createHash('sha256').update(name).digest('hex').slice(0, 12)}`,
      };
      this.origins.set(key, origin);
    }
    this.last.set(name, { device, origin });
    return origin;
  }
}

/** The `model:` and `name:` parts of a device description: the parts that do not change per record. */
function modelOf(device: string): string {
  return (/\bmodel:[^,>]*/.exec(device)?.[0] ?? '') + (/\bname:[^,>]*/.exec(device)?.[0] ?? '');
}

function sourceKind(sourceName: string, device: string): SourceKind {
  const model = modelOf(device);
  if (CGM_NAMES.test(sourceName) || CGM_NAMES.test(model)) return 'cgm';
  if (/\bmodel:Watch\b/.test(model) || /watch/i.test(sourceName)) return 'watch';
  if (/\bmodel:iPhone\b/.test(model) || /iphone/i.test(sourceName)) return 'iphone';
  return 'other';
}

// --- Reading the file --------------------------------------------------------------------------------------

interface HealthRecord {
  kind: 'record';
  line: number;
  attributes: Record<string, string>;
}
type HealthElement = HealthRecord | { kind: 'other'; line: number };

/** The top-level elements of the export in batches (one batch per piece of XML read). */
async function* healthElements(
  source: ImportSource,
  onProgress: (bytesRead: number) => void,
): AsyncGenerator<HealthElement[]> {
  const { isZip, bytes } = await sniff(readSourceBytes(source, onProgress));
  yield* parseHealthXml(isZip ? exportXmlFromZip(bytes) : bytes);
}

const ZIP_SIGNATURE = [0x50, 0x4b];

/** Whether the bytes are a ZIP or XML, and all of them again. */
async function sniff(
  bytes: AsyncIterable<Uint8Array>,
): Promise<{ isZip: boolean; bytes: AsyncIterable<Uint8Array> }> {
  const iterator = bytes[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headLength = 0;
  let next = await iterator.next();
  while (!next.done && headLength < 4) {
    head.push(next.value);
    headLength += next.value.length;
    if (headLength < 4) next = await iterator.next();
  }
  const start = Buffer.concat(head);
  const isZip = start[0] === ZIP_SIGNATURE[0] && start[1] === ZIP_SIGNATURE[1];
  const text = start
    .toString('utf8')
    .replace(/^\ufeff/, '')
    .trimStart();
  if (!isZip && (headLength === 0 || (text !== '' && !text.startsWith('<')))) {
    throw new ImportFileError(
      headLength === 0 ? 'empty_file' : 'unknown_layout',
      headLength === 0
        ? 'The file is empty.'
        : 'This is not an Apple Health export: choose export.zip or export.xml.',
    );
  }
  async function* replay(): AsyncGenerator<Uint8Array> {
    if (start.length > 0) yield start;
    if (next.done) return;
    for (next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { isZip, bytes: replay() };
}

/**
 * Compressed bytes are pushed this many at a time: deflate expands at most about 1032-fold, so one push never
 * yields more than about 8 MB of XML, whatever the archive.
 */
const ZIP_SLICE = 8 * 1024;
const NO_BYTES = new Uint8Array(0);

function isExportXml(name: string): boolean {
  const parts = name.split('/');
  const base = (parts.at(-1) ?? '').toLowerCase();
  return (
    parts.length <= 2 &&
    parts[0] !== '__MACOSX' &&
    base.endsWith('.xml') &&
    !base.endsWith('_cda.xml') &&
    !base.startsWith('._')
  );
}

/** The export XML inside a ZIP, inflated slice by slice; the archive's other entries pass uninflated. */
async function* exportXmlFromZip(zip: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let chosen: string | undefined;
  let finished = false;
  let failure: unknown;
  let inflated: Uint8Array[] = [];

  // Inflates the chosen entry only; for the others it lets the compressed bytes go by.
  class ChosenEntryInflate implements UnzipDecoder {
    static compression = 8;
    ondata: AsyncFlateStreamHandler = () => {};
    private readonly inflate: UnzipInflate | undefined;
    constructor(name: string) {
      if (name !== chosen) return;
      this.inflate = new UnzipInflate();
      this.inflate.ondata = (error, data, final) => this.ondata(error, data, final);
    }
    push(chunk: Uint8Array, final: boolean): void {
      if (this.inflate) this.inflate.push(chunk, final);
      else if (final) this.ondata(null, NO_BYTES, true);
    }
  }

  const unzip = new Unzip((file) => {
    const wanted = chosen === undefined && isExportXml(file.name);
    if (wanted) chosen = file.name;
    file.ondata = wanted
      ? (error, data, final) => {
          if (error) failure = error;
          else if (data.length > 0) inflated.push(data);
          if (final) finished = true;
        }
      : () => {};
    // Every entry is started: fflate keeps the bytes of an entry that never starts in memory.
    file.start();
  });
  unzip.register(ChosenEntryInflate);

  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final);
    } catch (error) {
      failure = error;
    }
    if (failure) {
      const reason = failure instanceof Error ? failure.message : String(failure);
      throw new ImportFileError('unreadable', `The ZIP file is damaged: ${reason}.`);
    }
  };

  for await (const chunk of zip) {
    for (let offset = 0; offset < chunk.length; offset += ZIP_SLICE) {
      push(chunk.subarray(offset, offset + ZIP_SLICE), false);
      if (inflated.length > 0) {
        const ready = inflated;
        inflated = [];
        yield* ready;
      }
      // The rest of the archive (export_cda.xml, routes) is not needed.
      if (finished) return;
    }
  }
  push(NO_BYTES, true);
  yield* inflated;
  if (chosen === undefined) {
    throw new ImportFileError('unknown_layout', 'The ZIP file holds no Apple Health export.xml.');
  }
  if (!finished) throw new ImportFileError('unreadable', `The ZIP file ends inside ${chosen}.`);
}

/** The top-level elements of `<HealthData>`; of `<Record>` elements the attributes, of others nothing. */
async function* parseHealthXml(xml: AsyncIterable<Uint8Array>): AsyncGenerator<HealthElement[]> {
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  let depth = 0;
  let batch: HealthElement[] = [];
  parser.on('opentag', (tag) => {
    depth += 1;
    if (depth === 1 && tag.name !== 'HealthData') {
      throw new ImportFileError(
        'unknown_layout',
        `This is not an Apple Health export: its XML starts with <${tag.name.slice(0, 40)}>, not <HealthData>.`,
        parser.line,
      );
    }
    if (depth !== 2) return;
    batch.push(
      tag.name === 'Record'
        ? { kind: 'record', line: parser.line, attributes: tag.attributes }
        : { kind: 'other', line: parser.line },
    );
  });
  parser.on('closetag', () => {
    depth -= 1;
  });
  parser.on('error', (error) => {
    throw new ImportFileError('invalid_xml', `The XML is broken at ${error.message}.`, parser.line);
  });
  for await (const text of decodeUtf8(xml)) {
    parser.write(text);
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  parser.close();
  if (batch.length > 0) yield batch;
}
