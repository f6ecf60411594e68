/**
 * The pure parts of loading observations (used by `store.load`): which readings may be copied straight into
 * the table, and their rows in COPY's text format, gathered into chunks for one table each. Pure so that a
 * worker thread can run it (parse-worker.thread.ts).
 */
import { copyField } from '../../platform/db/copy-text.ts';
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

/** Memory for a chunk of at least `size` bytes, of its own (not a slice of a pool). */
export type Allocate = (size: number) => Buffer;

/**
 * Rows gathered as UTF-8 bytes for one table. Each row's string lives only until it is written here, so the
 * heap does not fill with rows that outlived a garbage collection while they waited to be sent. Every take
 * hands over its buffer and starts a new one: the bytes may be copied while the next rows are written, or
 * be transferred to another thread.
 */
export class CopyBuffer {
  /** The rows in the buffer now. */
  rows = 0;
  // Allocated at the first row: of a load's three tables, one or two often get none.
  private buffer: Buffer = Buffer.alloc(0);
  private length = 0;

  constructor(private readonly allocate: Allocate = Buffer.allocUnsafeSlow) {}

  /** Adds a row (no line break); false when it does not fit and the buffer must be taken first. */
  add(line: string): boolean {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8; the test keeps Buffer.write from cutting a row off.
    const room = line.length * 3 + 1;
    if (this.length + room > this.buffer.length) {
      if (this.length > 0) return false;
      // Memory of the chunk's own, so that it can be transferred to another thread.
      this.buffer = this.allocate(Math.max(CHUNK_BYTES, room));
    }
    this.length += this.buffer.write(line, this.length);
    this.buffer[this.length++] = 10;
    this.rows++;
    return true;
  }

  /** The rows added since the last take; the next row starts a buffer of its own. */
  take(): Uint8Array {
    const bytes = this.buffer.subarray(0, this.length);
    this.buffer = Buffer.alloc(0);
    this.length = 0;
    this.rows = 0;
    return bytes;
  }

  get empty(): boolean {
    return this.length === 0;
  }
}

/** The tables a load copies into: the table itself, and the two temporary tables of `store.load`. */
export type CopyTable = 'observations' | 'observation_staging' | 'observation_yielding';

/**
 * Rows in COPY's text format for one table; for `observations`, the months their times fall in. `release`, where
 * given, is called once the rows are copied: their memory may then be used again.
 */
export interface CopyChunk {
  table: CopyTable;
  bytes: Uint8Array;
  rows: number;
  months: string[];
  release?: () => void;
}

/**
 * Observations, in the file's order, as chunks of COPY rows: straight into the table where {@link DirectRoute}
 * finds them safe, into staging where not, and readings that give way to another source into a table of their
 * own. A chunk is handed out when its buffer is full, and the rest by {@link finish}.
 */
export class CopyEncoder {
  private readonly route: DirectRoute;
  private readonly lines: CopyLines;
  private readonly direct: CopyBuffer;
  private readonly staged: CopyBuffer;
  private readonly yielding: CopyBuffer;
  /** The months of the rows in `direct`, in the order first seen. */
  private months: string[] = [];

  constructor(
    participantId: string,
    importId: string,
    periods: readonly StoredPeriod[],
    allocate?: Allocate,
  ) {
    this.route = new DirectRoute(periods);
    this.lines = new CopyLines(participantId, importId);
    this.direct = new CopyBuffer(allocate);
    this.staged = new CopyBuffer(allocate);
    this.yielding = new CopyBuffer(allocate);
  }

  /** Adds a reading; answers the chunk that filled up before it, if one did. */
  add(o: ParsedObservation): CopyChunk | undefined {
    if (o.yieldsTo !== undefined) {
      return this.put(this.yielding, 'observation_yielding', this.lines.yielding(o as YieldingObservation));
    }
    if (!this.route.safe(o)) return this.put(this.staged, 'observation_staging', this.lines.staged(o));
    const chunk = this.put(this.direct, 'observations', this.lines.direct(o));
    const month = this.lines.month;
    if (this.months.at(-1) !== month && !this.months.includes(month)) this.months.push(month);
    return chunk;
  }

  /** The chunks of rows not handed out yet. */
  finish(): CopyChunk[] {
    const chunks: CopyChunk[] = [];
    if (!this.direct.empty) chunks.push(this.take(this.direct, 'observations'));
    if (!this.staged.empty) chunks.push(this.take(this.staged, 'observation_staging'));
    if (!this.yielding.empty) chunks.push(this.take(this.yielding, 'observation_yielding'));
    return chunks;
  }

  private put(buffer: CopyBuffer, table: CopyTable, line: string): CopyChunk | undefined {
    if (buffer.add(line)) return undefined;
    const chunk = this.take(buffer, table);
    buffer.add(line);
    return chunk;
  }

  private take(buffer: CopyBuffer, table: CopyTable): CopyChunk {
    const rows = buffer.rows;
    const bytes = buffer.take();
    if (table !== 'observations') return { table, bytes, rows, months: [] };
    const months = this.months;
    this.months = [];
    return { table, bytes, rows, months };
  }
}

type YieldingObservation = ParsedObservation & { yieldsTo: string };

/**
 * The memory of chunks whose rows were copied, filled again: a load of any length allocates a few chunks, where
 * a new megabyte a chunk would pile up as garbage outside V8's heap until a full collection.
 */
export class ChunkMemory {
  private readonly free: ArrayBuffer[] = [];

  readonly allocate: Allocate = (size) => {
    const memory = size <= CHUNK_BYTES ? this.free.pop() : undefined;
    return memory ? Buffer.from(memory) : Buffer.allocUnsafeSlow(size);
  };

  release(memory: ArrayBuffer): void {
    this.free.push(memory);
  }
}

/** Observations encoded in this thread, as chunks of COPY rows whose memory is used again once released. */
export async function* encodeObservations(
  observations: AsyncIterable<ParsedObservation>,
  participantId: string,
  importId: string,
  periods: readonly StoredPeriod[],
): AsyncGenerator<CopyChunk> {
  const memory = new ChunkMemory();
  const encoder = new CopyEncoder(participantId, importId, periods, memory.allocate);
  const released = (chunk: CopyChunk): CopyChunk => ({
    ...chunk,
    release: () => memory.release(chunk.bytes.buffer as ArrayBuffer),
  });
  for await (const observation of observations) {
    const chunk = encoder.add(observation);
    if (chunk) yield released(chunk);
  }
  for (const chunk of encoder.finish()) yield released(chunk);
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
