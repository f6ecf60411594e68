/**
 * Local time of day for many readings without an Intl call per reading.
 *
 * The UTC offset of a time zone is constant between transitions (daylight saving time). For a sorted run of
 * readings we sample the offset every 6 hours; where two samples differ, a binary search finds the second at
 * which the offset changes. A fortnight costs about 60 Intl calls instead of 4,000, and days with a daylight
 * saving change still get the right local time on both sides of it.
 */

export const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

const SECOND_MS = 1000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const SAMPLE_MS = 6 * 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter) return formatter;
  if (typeof timeZone !== 'string' || timeZone === '') {
    throw new RangeError(`Glucose: time zone must be an IANA name, got '${String(timeZone)}'`);
  }
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new RangeError(`Glucose: unknown time zone '${timeZone}'`);
  }
  formatters.set(timeZone, formatter);
  return formatter;
}

/** @throws RangeError unless `timeZone` is an IANA time zone this runtime knows. */
export function checkTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

/**
 * Local wall-clock time minus UTC, in milliseconds, at `time` (epoch ms) in the zone.
 * @throws RangeError for an unknown time zone.
 */
export function utcOffsetMs(timeZone: string, time: number): number {
  return offsetAt(formatterFor(timeZone), time);
}

/** Local wall-clock time minus UTC, in milliseconds, at `time` (epoch ms). */
function offsetAt(formatter: Intl.DateTimeFormat, time: number): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatter.formatToParts(time)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
    }
  }
  const wholeSecond = time - (((time % SECOND_MS) + SECOND_MS) % SECOND_MS);
  return Date.UTC(year, month - 1, day, hour, minute, second) - wholeSecond;
}

/** The offsets in force over [first, last]: `offsets[k]` applies from `starts[k]` until `starts[k + 1]`. */
interface OffsetTable {
  starts: number[];
  offsets: number[];
}

function offsetTable(timeZone: string, first: number, last: number): OffsetTable {
  const formatter = formatterFor(timeZone);
  let offset = offsetAt(formatter, first);
  const table: OffsetTable = { starts: [first], offsets: [offset] };
  for (let from = first; from < last; ) {
    const to = Math.min(from + SAMPLE_MS, last);
    const next = offsetAt(formatter, to);
    if (next !== offset) {
      // The change lies in (lo, hi]: halve to one second.
      let lo = from;
      let hi = to;
      while (hi - lo > SECOND_MS) {
        const mid = lo + Math.max(SECOND_MS, Math.floor((hi - lo) / 2 / SECOND_MS) * SECOND_MS);
        if (offsetAt(formatter, mid) === offset) lo = mid;
        else hi = mid;
      }
      table.starts.push(hi);
      table.offsets.push(next);
      offset = next;
    }
    from = to;
  }
  return table;
}

/**
 * Minute of the local day (0–1439) for each time in a sorted array.
 * @throws RangeError for an unknown time zone.
 */
export function minutesOfDay(times: Float64Array, timeZone: string): Uint16Array {
  const out = new Uint16Array(times.length);
  if (times.length === 0) return out;
  const { starts, offsets } = offsetTable(timeZone, times[0] as number, times[times.length - 1] as number);
  let k = 0;
  let offset = offsets[0] as number;
  let nextStart = starts.length > 1 ? (starts[1] as number) : Number.POSITIVE_INFINITY;
  for (let i = 0; i < times.length; i++) {
    const time = times[i] as number;
    while (time >= nextStart) {
      k++;
      offset = offsets[k] as number;
      nextStart = k + 1 < starts.length ? (starts[k + 1] as number) : Number.POSITIVE_INFINITY;
    }
    const local = (((time + offset) % DAY_MS) + DAY_MS) % DAY_MS;
    out[i] = Math.floor(local / MINUTE_MS);
  }
  return out;
}
