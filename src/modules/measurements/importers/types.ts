import type { ObservationCode } from '../codes.ts';

/** The file formats the platform reads (DOMAIN.md §5). */
export const IMPORT_FORMATS = [
  'libreview',
  'dexcom',
  'csv',
  'nightscout',
  'apple-health',
  'fhir',
  'open-mhealth',
] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One observation read from a file, already in the canonical unit of its code. */
export interface ParsedObservation {
  code: ObservationCode;
  /** Epoch ms UTC of the observation (the start of the interval for steps). */
  time: number;
  /** Epoch ms UTC of the interval's end (steps); null for a point in time. */
  endTime: number | null;
  /** Offset from UTC in minutes at `time`: as the file wrote it, or as resolved from the time zone. */
  utcOffsetMinutes: number;
  /** The IANA zone a local time without an offset was resolved in; null when the file gave the offset. */
  timeZone: string | null;
  /** Value in the canonical unit of `code`. */
  value: number;
  /** As written in the file ('5.4', '97', 'Low') and the unit as written ('mg/dL', 'mmol/L', 'count'). */
  originalValue: string;
  originalUnit: string;
  /**
   * The device, part of the natural key (participant, code, time, source): the same reading in two exports, or
   * in two overlapping ones, has the same source. Never a person's name.
   */
  source: string;
  /** A sensor reading on the device's own schedule, a Libre scan, or a value entered or measured by hand. */
  method: 'continuous' | 'scan' | 'manual';
  /** Beyond the sensor's range: Dexcom writes 'Low' and 'High' instead of a number. */
  flag: 'below_range' | 'above_range' | null;
  /** 1-based line (CSV, NDJSON) or record number (JSON element, XML record), for messages. */
  line: number;
  /**
   * A source prefix this reading gives way to: it is stored only if no reading of its code from a source
   * starting with the prefix overlaps its interval, stored before or in the same file (Apple Health: the
   * iPhone's steps give way to the Watch's, `apple-health:watch:`). Resolved by the store at the end of the
   * load, because records of different sources do not come in time order.
   */
  yieldsTo?: string;
}

export type ParsedItem =
  | { kind: 'observation'; observation: ParsedObservation }
  /** Should have been a reading but is invalid. */
  | { kind: 'rejected'; line: number; reason: string }
  /** Not a reading the platform keeps: notes, insulin, alerts, a preamble with personal data. */
  | { kind: 'ignored'; line: number };

export interface ImportOptions {
  /** The zone of local times written without an offset (the participant's; default Europe/Amsterdam). */
  timeZone: string;
  /** LibreView: the date order when the file does not show it. */
  dateOrder?: 'dmy' | 'mdy';
  /** Called now and then with the number of bytes read so far. */
  onProgress?: (bytesRead: number) => void;
}

/** A file that can be opened more than once: format detection peeks, and some formats read twice. */
export interface ImportSource {
  name: string;
  size: number | null;
  /** The file on disk that `open` reads, where there is one: a worker thread reads it there itself. */
  path?: string;
  open(): NodeJS.ReadableStream | AsyncIterable<Uint8Array>;
}

export interface Importer {
  format: ImportFormat;
  parse(source: ImportSource, options: ImportOptions): AsyncIterable<ParsedItem>;
  /** The same items in batches, where the importer has them so: taken without a promise per item. */
  parseBatches?(source: ImportSource, options: ImportOptions): AsyncIterable<ParsedItem[]>;
  /**
   * Parsed in a worker thread that is fed the file's bytes (parse-worker.ts): for an importer that opens its
   * source once and whose files are large enough for the parsing to be worth a core of its own.
   */
  inWorker?: boolean;
}

/**
 * A file that cannot be imported at all (an unknown layout, an ambiguous date order, a broken ZIP). `code` is a
 * stable slug for the web app; `line` where the problem was found.
 */
export class ImportFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}
