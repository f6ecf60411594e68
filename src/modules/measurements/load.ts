/**
 * The pure parts of loading observations (used by `store.load`): which readings may be copied straight into
 * the table, and their rows in COPY's text format.
 */
import { copyField } from '../../platform/db/index.ts';
import { CANONICAL_UNIT } from './codes.ts';
import type { ParsedObservation } from './importers/types.ts';

/** The first and last time (epoch ms) of a participant's stored observations of one code. */
export interface StoredPeriod {
  code: string;
  first: number;
  last: number;
}

/**
 * Tells the readings that cannot collide with a stored reading or with another reading of the same file from
 * those that might. A reading is safe when its time lies outside the stored period of its code, and after
 * every earlier reading of its stream (code and source) in the file: then no row with its key exists yet, and
 * no earlier row of the file has its key; a later row with its key is not safe, as its time is not after this
 * one's. Files list a stream's readings in time order, so nearly all readings of a first import are safe,
 * and the rest (a file imported again, the repeated hour of a clock change) go the careful way.
 */
export class DirectRoute {
  private readonly stored = new Map<string, StoredPeriod>();
  /** The latest time seen per code and source. */
  private readonly latest = new Map<string, Map<string, number>>();

  constructor(periods: readonly StoredPeriod[]) {
    for (const period of periods) this.stored.set(period.code, period);
  }

  /** Whether `o` is safe; called once per reading, in the file's order. */
  safe(o: ParsedObservation): boolean {
    let bySource = this.latest.get(o.code);
    if (!bySource) {
      bySource = new Map();
      this.latest.set(o.code, bySource);
    }
    const latest = bySource.get(o.source);
    if (latest === undefined || o.time > latest) bySource.set(o.source, o.time);
    if (latest !== undefined && o.time <= latest) return false;
    const period = this.stored.get(o.code);
    return !period || o.time < period.first || o.time > period.last;
  }
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

const HOUR_MS = 3_600_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * Times as `toISOString` writes them, with the date and hour worked out once per hour: a gigabyte's export
 * writes millions, and `new Date(…).toISOString()` for each was a tenth of an import's time.
 */
class IsoTimes {
  private hour = Number.NaN;
  private prefix = '';

  text(time: number): string {
    if (!Number.isInteger(time)) return new Date(time).toISOString();
    const hour = Math.floor(time / HOUR_MS);
    if (hour !== this.hour) {
      // 'YYYY-MM-DDTHH:' (or '+YYYYYY-…' far from now): all but 'mm:ss.sssZ'.
      this.prefix = new Date(hour * HOUR_MS).toISOString().slice(0, -10);
      this.hour = hour;
    }
    const ms = time - hour * HOUR_MS;
    const minute = Math.floor(ms / 60_000);
    const second = Math.floor((ms % 60_000) / 1000);
    return `${this.prefix}${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}.${THREE_DIGITS[ms % 1000]}Z`;
  }
}

/** A text field in COPY's text format; most need no escaping, and the test is cheaper than the replace. */
const text = (value: string) => (NEEDS_ESCAPE.test(value) ? copyField(value) : value);

/**
 * Observations as rows in COPY's text format, in the column order of {@link OBSERVATION_COLUMNS}. Sources,
 * zones and units repeat from row to row, so the last one's escaped form is kept.
 */
export class CopyLines {
  /** The UTC month ('YYYY-MM') of the last row made; none before the first. */
  month = '\u0000';
  private readonly head: string;
  private readonly tail: string;
  private source = { raw: '', escaped: '' };
  private zone = { raw: '', escaped: '' };
  private unit = { raw: '', escaped: '' };
  private readonly starts = new IsoTimes();
  private readonly ends = new IsoTimes();

  constructor(participantId: string, importId: string) {
    this.head = `${copyField(participantId)}\t`;
    this.tail = `\t${copyField(importId)}`;
  }

  /** The staging table's row: {@link STAGING_COLUMNS}. */
  staged(o: ParsedObservation): string {
    const at = this.starts.text(o.time);
    if (!at.startsWith(this.month)) this.month = at.slice(0, 7);
    if (o.source !== this.source.raw) this.source = { raw: o.source, escaped: text(o.source) };
    if (o.originalUnit !== this.unit.raw) this.unit = { raw: o.originalUnit, escaped: text(o.originalUnit) };
    let zone = '\\N';
    if (o.timeZone !== null) {
      if (o.timeZone !== this.zone.raw) this.zone = { raw: o.timeZone, escaped: text(o.timeZone) };
      zone = this.zone.escaped;
    }
    const end = o.endTime === null ? '\\N' : this.ends.text(o.endTime);
    return `${o.code}\t${at}\t${this.source.escaped}\t${end}\t${o.utcOffsetMinutes}\t${zone}\t${o.value}\t${CANONICAL_UNIT[o.code]}\t${text(o.originalValue)}\t${this.unit.escaped}\t${o.method}\t${o.flag ?? '\\N'}`;
  }

  /** The row of a reading that gives way to another source: {@link YIELDING_COLUMNS}. */
  yielding(o: ParsedObservation & { yieldsTo: string }): string {
    return `${this.staged(o)}\t${text(o.yieldsTo)}`;
  }

  /** The table's row: {@link OBSERVATION_COLUMNS}. */
  direct(o: ParsedObservation): string {
    return this.head + this.staged(o) + this.tail;
  }
}

/** Bytes of COPY text sent at a time: about 8,000 glucose readings. */
const CHUNK_BYTES = 1 << 20;

/**
 * Rows gathered as UTF-8 bytes for one table, in two buffers taking turns: one is filled while the other is
 * being copied. Each row's string lives only until it is written here, so the heap does not fill with rows
 * that outlived a garbage collection while they waited to be sent.
 */
export class CopyBuffer {
  rows = 0;
  private buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  private current = 0;
  private length = 0;

  /** Adds a row (no line break); false when it does not fit and the buffer must be sent first. */
  add(line: string): boolean {
    const buffer = this.buffers[this.current] as Buffer;
    // A UTF-16 code unit takes at most 3 bytes in UTF-8; the test keeps Buffer.write from cutting a row off.
    const room = line.length * 3 + 1;
    if (this.length + room > buffer.length) {
      if (this.length > 0) return false;
      this.buffers[this.current] = Buffer.allocUnsafe(room);
      return this.add(line);
    }
    this.length += buffer.write(line, this.length);
    buffer[this.length++] = 10;
    this.rows++;
    return true;
  }

  /**
   * The rows added since the last take, and a turn to the other buffer. The bytes stay valid until the next
   * take but one: send them and wait for the copy before taking again.
   */
  take(): Uint8Array {
    const bytes = (this.buffers[this.current] as Buffer).subarray(0, this.length);
    this.current = 1 - this.current;
    this.length = 0;
    return bytes;
  }

  get empty(): boolean {
    return this.length === 0;
  }
}

/** The columns an importer fills, in the order of {@link CopyLines.staged}. */
export const STAGING_COLUMNS = [
  'code',
  'effective_at',
  'source',
  'effective_end',
  'utc_offset_minutes',
  'time_zone',
  'value',
  'unit',
  'original_value',
  'original_unit',
  'method',
  'flag',
] as const;

/** The columns of a reading that gives way to another source, in the order of {@link CopyLines.yielding}. */
export const YIELDING_COLUMNS = [...STAGING_COLUMNS, 'yields_to'] as const;

/** Every column of `observations`, in the order of {@link CopyLines.direct}. */
export const OBSERVATION_COLUMNS = ['participant_id', ...STAGING_COLUMNS, 'import_id'] as const;
