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
 * first in its default source order). Records are not ordered by time across sources in the export, so the
 * file is read once, yielding everything except iPhone step records, which are held (compactly, about 64 bytes
 * each), and noting the Watch's step intervals (16 bytes each, merged at the end); then the iPhone step records
 * that overlap no Watch interval are yielded, and the rest ignored. An iPhone record that overlaps a Watch
 * interval only partly is dropped whole (a small undercount at the edges, where Health would split it).
 * Steps of other sources (third-party apps) are kept as they are.
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
  parse: parseAppleHealth,
};

async function* parseAppleHealth(source: ImportSource, options: ImportOptions): AsyncGenerator<ParsedItem> {
  const now = Date.now();
  const sources = new SourceNames();
  const watchSteps = new IntervalSet();
  const phoneSteps = new HeldItems();

  for await (const elements of healthElements(source, (bytesRead) => options.onProgress?.(bytesRead))) {
    for (const element of elements) {
      if (element.kind === 'other') {
        yield { kind: 'ignored', line: element.line };
        continue;
      }
      const { attributes } = element;
      const kind = sources.kind(attributes);
      const item = recordItem(element, kind, sources, now);
      if (attributes.type === STEP_COUNT && kind === 'iphone') {
        phoneSteps.add(item);
        continue;
      }
      if (item.kind === 'observation' && attributes.type === STEP_COUNT && kind === 'watch') {
        const { time, endTime } = item.observation;
        watchSteps.add(time, endTime ?? time);
      }
      yield item;
    }
  }
  if (phoneSteps.count === 0) return;

  watchSteps.merge();
  for (const item of phoneSteps.items()) {
    if (item.kind === 'observation' && watchSteps.overlaps(item.observation.time, item.observation.endTime)) {
      yield { kind: 'ignored', line: item.observation.line };
    } else {
      yield item;
    }
  }
}

/**
 * The iPhone's step records, held until every Watch interval is known, compactly (eight numbers each, the
 * texts kept once): reading the file a second time for them took a third of an import.
 */
class HeldItems {
  count = 0;
  private numbers: Float64Array = new Float64Array(8 * 1024);
  private readonly texts: string[] = [];
  private readonly textIndex = new Map<string, number>();
  /** Items that are not observations (rejected records), by position. */
  private readonly others = new Map<number, ParsedItem>();

  add(item: ParsedItem): void {
    if (this.count * 8 === this.numbers.length) this.numbers = grow(this.numbers);
    if (item.kind === 'observation') {
      const o = item.observation;
      this.numbers.set(
        [
          o.time,
          o.endTime ?? Number.NaN,
          o.utcOffsetMinutes,
          o.value,
          o.line,
          this.text(o.originalValue),
          this.text(o.originalUnit),
          this.text(o.source),
        ],
        this.count * 8,
      );
    } else this.others.set(this.count, item);
    this.count += 1;
  }

  /** The items in the order they were added. */
  *items(): Generator<ParsedItem> {
    const n = this.numbers;
    for (let i = 0; i < this.count; i++) {
      const other = this.others.get(i);
      if (other) {
        yield other;
        continue;
      }
      const at = i * 8;
      const end = n[at + 1] as number;
      yield {
        kind: 'observation',
        observation: {
          code: CODES.steps,
          time: n[at] as number,
          endTime: Number.isNaN(end) ? null : end,
          utcOffsetMinutes: n[at + 2] as number,
          timeZone: null,
          value: n[at + 3] as number,
          originalValue: this.texts[n[at + 5] as number] as string,
          originalUnit: this.texts[n[at + 6] as number] as string,
          source: this.texts[n[at + 7] as number] as string,
          method: DEFAULT_METHOD[CODES.steps],
          flag: null,
          line: n[at + 4] as number,
        },
      };
    }
  }

  private text(value: string): number {
    let index = this.textIndex.get(value);
    if (index === undefined) {
      index = this.texts.length;
      this.texts.push(value);
      this.textIndex.set(value, index);
    }
    return index;
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

function recordItem(record: HealthRecord, kind: SourceKind, sources: SourceNames, now: number): ParsedItem {
  const { attributes, line } = record;
  const type = attributes.type;
  if (!type) return { kind: 'rejected', line, reason: 'record has no type' };
  const kept = KEPT[type];
  if (!kept) return { kind: 'ignored', line };
  const shortType = type.slice(TYPE_PREFIX.length);

  const originalUnit = attributes.unit ?? '';
  const convert = kept.units[MMOL_WITH_MOLAR_MASS.test(originalUnit) ? 'mmol/L' : originalUnit];
  if (!convert)
    return { kind: 'rejected', line, reason: `${shortType} unit "${originalUnit}" is not supported` };
  const originalValue = attributes.value ?? '';
  if (originalValue === '') return { kind: 'rejected', line, reason: `${shortType} record has no value` };

  const code = kept.code === CODES.capillaryGlucose && kind === 'cgm' ? CODES.cgmGlucose : kept.code;
  const value = convert(toNumber(originalValue));
  const badValue = valueProblem(code, value, originalValue, originalUnit);
  if (badValue) return { kind: 'rejected', line, reason: badValue };

  const start = parseHealthDate(attributes.startDate);
  if (typeof start === 'string') return { kind: 'rejected', line, reason: `startDate ${start}` };
  const badTime = timeProblem(start.time, now);
  if (badTime) return { kind: 'rejected', line, reason: badTime };
  let endTime: number | null = null;
  if (code === CODES.steps) {
    const end = parseHealthDate(attributes.endDate);
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
      source: sources.source(attributes, kind),
      method: DEFAULT_METHOD[code],
      flag: null,
      line,
    },
  };
}

const HEALTH_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/** `2026-03-01 08:15:00 +0100` → the instant and its offset, or why not. */
function parseHealthDate(text: string | undefined): { time: number; utcOffsetMinutes: number } | string {
  if (text === undefined) return 'is missing';
  const match = HEALTH_DATE.exec(text);
  if (!match) return `"${text.slice(0, 40)}" is not a date like 2026-03-01 08:15:00 +0100`;
  const number = (group: number) => Number(match[group]);
  const wall = {
    year: number(1),
    month: number(2),
    day: number(3),
    hour: number(4),
    minute: number(5),
    second: number(6),
  };
  if (!isValidWallClock(wall)) return `"${text}" is not a real date and time`;
  const offset = (match[7] === '-' ? -1 : 1) * (number(8) * 60 + number(9));
  if (number(9) > 59 || Math.abs(offset) > 18 * 60) return `"${text}" has no valid UTC offset`;
  const local = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return { time: local - offset * 60_000, utcOffsetMinutes: offset };
}

type SourceKind = 'watch' | 'iphone' | 'cgm' | 'other';

/** Words the apps and devices of continuous glucose monitors name themselves with. */
const CGM_NAMES = /libre|dexcom|eversense|guardian|\bcgm\b/i;

/** Kinds and pseudonymous sources per source name, worked out once per name (an export has a few dozen). */
class SourceNames {
  private readonly kinds = new Map<string, SourceKind>();
  private readonly sources = new Map<string, string>();

  kind(attributes: Record<string, string>): SourceKind {
    const name = attributes.sourceName ?? '';
    const device = attributes.device ?? '';
    const key = `${name}\u0000${modelOf(device)}`;
    let kind = this.kinds.get(key);
    if (kind === undefined) {
      kind = sourceKind(name, device);
      this.kinds.set(key, kind);
    }
    return kind;
  }

  source(attributes: Record<string, string>, kind: SourceKind): string {
    const name = attributes.sourceName ?? '';
    const key = `${kind}\u0000${name}`;
    let source = this.sources.get(key);
    if (source === undefined) {
      source = `apple-health:${kind}:${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
      this.sources.set(key, source);
    }
    return source;
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

/** Intervals [start, end) in a compact form; merged into sorted, disjoint intervals before lookups. */
class IntervalSet {
  private starts: Float64Array = new Float64Array(1024);
  private ends: Float64Array = new Float64Array(1024);
  private count = 0;

  add(start: number, end: number): void {
    if (this.count === this.starts.length) {
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.starts[this.count] = start;
    // An instant still covers its own millisecond.
    this.ends[this.count] = Math.max(end, start + 1);
    this.count += 1;
  }

  /**
   * Sorts starts and ends apart and sweeps them: the union of intervals only depends on how many are open at
   * each instant, so which start belongs to which end does not matter.
   */
  merge(): void {
    const starts = this.starts.subarray(0, this.count).sort();
    const ends = this.ends.subarray(0, this.count).sort();
    const mergedStarts = new Float64Array(this.count);
    const mergedEnds = new Float64Array(this.count);
    let merged = 0;
    let open = 0;
    let i = 0;
    let j = 0;
    let from = 0;
    while (i < this.count) {
      if ((starts[i] as number) <= (ends[j] as number)) {
        if (open === 0) from = starts[i] as number;
        open += 1;
        i += 1;
      } else {
        open -= 1;
        if (open === 0) {
          mergedStarts[merged] = from;
          mergedEnds[merged] = ends[j] as number;
          merged += 1;
        }
        j += 1;
      }
    }
    if (this.count > 0) {
      mergedStarts[merged] = from;
      mergedEnds[merged] = ends[this.count - 1] as number;
      merged += 1;
    }
    this.starts = mergedStarts.slice(0, merged);
    this.ends = mergedEnds.slice(0, merged);
    this.count = merged;
  }

  /** Whether [start, end) meets a merged interval (an instant when `end` is null). */
  overlaps(start: number, end: number | null): boolean {
    const until = Math.max(end ?? start, start + 1);
    // The last interval starting before `until`: the only one that can reach back past `start`.
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.starts[mid] as number) < until) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && (this.ends[lo - 1] as number) > start;
  }
}

function grow(array: Float64Array): Float64Array {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
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
