/**
 * Local wall-clock times written without an offset (LibreView, Dexcom Clarity, `id,time,gl` CSV) → UTC.
 *
 * Two wall times need a rule (documented choices, see docs/decisions.md):
 * - The repeated hour when daylight saving time ends (Europe/Amsterdam: 02:00–02:59 on the last Sunday of
 *   October happens twice). A lone time takes the FIRST occurrence (summer time). A stream of readings takes
 *   the second occurrence when its previous reading already lies past the first one (02:55 CEST followed by
 *   02:00 lands at 02:00 CET, five minutes later, not 55 minutes back). The streams we read are in time
 *   order (per device and record type), so a reading never really goes back.
 * - The missing hour when daylight saving time starts (02:00–02:59 on the last Sunday of March does not
 *   exist): the time is moved forward by the gap, so 02:30 becomes 03:30 CEST, the instant a clock that was
 *   not yet turned forward would have shown as 02:30.
 *
 * Speed: offsets come from Intl, which is slow (microseconds a call). The offsets that apply to a local day
 * are computed once per day and cached, so a year of 1-minute readings needs under a thousand Intl calls.
 */

import { checkTimeZone as checkScienceTimeZone, utcOffsetMs } from '../../../science/glucose/local-time.ts';
import { ImportFileError } from './types.ts';

/** A wall-clock time as written in a file; month 1–12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** A wall-clock time resolved in a zone. */
export interface ResolvedTime {
  /** Epoch ms UTC. */
  time: number;
  /** Local time minus UTC at `time`, in minutes. */
  utcOffsetMinutes: number;
}

export interface LocalTimeResolver {
  /** Resolves the next reading of one stream (see the rules at the top of this file). */
  resolve(wall: WallClock): ResolvedTime;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/**
 * The instant of a local time lies within 14 hours of the same numbers read as UTC (offsets run from −12 to
 * +14 hours). If the offset is the same 15 hours before a local day and 15 hours after it, no transition can
 * touch that day; if it differs, one transition lies between (the tz database has no zone that changes twice
 * within those 54 hours).
 */
const WINDOW_MS = 15 * HOUR_MS;
/** A thousand years of days; beyond it the cache starts again rather than growing. */
const MAX_CACHED_DAYS = 400_000;

/** The offsets around one local day: equal unless a transition lies near; `transition` its instant, or NaN. */
interface DayOffsets {
  before: number;
  after: number;
  transition: number;
}

/** Offsets of one zone, cached per local day. Shared by every resolver of the zone. */
class ZoneOffsets {
  private readonly days = new Map<number, DayOffsets>();
  /** Consecutive readings mostly fall on the same day: skip the map for them. */
  private lastDayKey = Number.NaN;
  private lastDay: DayOffsets | undefined;

  constructor(private readonly timeZone: string) {}

  /** The instants the local time `local` (wall-clock numbers read as UTC ms) can mean, earliest first. */
  candidates(local: number): { earlier: number; later: number; gapMs: number } {
    const dayKey = Math.floor(local / DAY_MS);
    let day = dayKey === this.lastDayKey ? this.lastDay : this.days.get(dayKey);
    if (!day) {
      day = this.dayOffsets(dayKey * DAY_MS);
      if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
      this.days.set(dayKey, day);
    }
    this.lastDayKey = dayKey;
    this.lastDay = day;
    const { before, after, transition } = day;
    if (before === after) {
      const time = local - before;
      return { earlier: time, later: time, gapMs: 0 };
    }
    // One transition at `transition`: the instant `local − before` is valid when it falls before it, the
    // instant `local − after` when it falls at or after it.
    const withBefore = local - before;
    const withAfter = local - after;
    const beforeValid = withBefore < transition;
    const afterValid = withAfter >= transition;
    if (beforeValid && afterValid) {
      return { earlier: Math.min(withBefore, withAfter), later: Math.max(withBefore, withAfter), gapMs: 0 };
    }
    if (beforeValid) return { earlier: withBefore, later: withBefore, gapMs: 0 };
    if (afterValid) return { earlier: withAfter, later: withAfter, gapMs: 0 };
    // In the gap: read with the offset from before the transition, which lands past it by the same distance.
    return { earlier: withBefore, later: withBefore, gapMs: after - before };
  }

  /** Local time minus UTC in ms at the instant `time`. */
  offsetAt(time: number): number {
    return utcOffsetMs(this.timeZone, time);
  }

  private dayOffsets(dayStart: number): DayOffsets {
    const from = dayStart - WINDOW_MS;
    const to = dayStart + DAY_MS + WINDOW_MS;
    const before = this.offsetAt(from);
    const after = this.offsetAt(to);
    if (before === after) return { before, after, transition: Number.NaN };
    // Halve (from, to] down to a second: the transition is the first instant with the new offset.
    let lo = from;
    let hi = to;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (this.offsetAt(mid) === before) lo = mid;
      else hi = mid;
    }
    return { before, after, transition: hi };
  }
}

const zones = new Map<string, ZoneOffsets>();

function zoneOffsets(timeZone: string): ZoneOffsets {
  const known = zones.get(timeZone);
  if (known) return known;
  try {
    if (typeof timeZone !== 'string' || timeZone.trim() === '') throw new RangeError('empty');
    checkScienceTimeZone(timeZone);
  } catch {
    throw new ImportFileError(
      'unknown_time_zone',
      `Unknown time zone '${String(timeZone)}': use an IANA name such as Europe/Amsterdam.`,
    );
  }
  const zone = new ZoneOffsets(timeZone);
  zones.set(timeZone, zone);
  return zone;
}

/** @throws ImportFileError 'unknown_time_zone' unless the runtime knows `timeZone`. */
export function checkTimeZone(timeZone: string): void {
  zoneOffsets(timeZone);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether the numbers form a real date and time with a four-digit year (no 31 April, no 24:00, no second 60). */
export function isValidWallClock(wall: WallClock): boolean {
  const { year, month, day, hour, minute, second } = wall;
  // Six tests rather than an array of six: this runs for every reading of every file.
  if (
    !Number.isInteger(year) ||
    !Number.isInteger(month) ||
    !Number.isInteger(day) ||
    !Number.isInteger(hour) ||
    !Number.isInteger(minute) ||
    !Number.isInteger(second)
  )
    return false;
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = (DAYS_IN_MONTH[month - 1] as number) + (leap ? 1 : 0);
  return day <= days && hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60;
}

function localMs(wall: WallClock): number {
  if (!isValidWallClock(wall)) {
    throw new RangeError(`Not a valid wall-clock time: ${JSON.stringify(wall)}`);
  }
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/**
 * Resolves one wall-clock time in `timeZone`: the first occurrence of a repeated time, a time in the gap
 * moved forward by the gap.
 * @throws ImportFileError 'unknown_time_zone'; RangeError for numbers that are no real date and time (check
 * with {@link isValidWallClock} first).
 */
export function resolveLocalTime(wall: WallClock, timeZone: string): ResolvedTime {
  const zone = zoneOffsets(timeZone);
  const local = localMs(wall);
  const { earlier, gapMs } = zone.candidates(local);
  return instant(local, earlier, gapMs);
}

function instant(local: number, time: number, gapMs: number): ResolvedTime {
  return { time, utcOffsetMinutes: Math.round((local + gapMs - time) / MINUTE_MS) };
}

/**
 * A resolver for one stream of readings (one device, one record type): it remembers the last instant it
 * returned, to place readings inside the repeated hour on the right side of the transition.
 * @throws ImportFileError 'unknown_time_zone'.
 */
export function createLocalTimeResolver(timeZone: string): LocalTimeResolver {
  const zone = zoneOffsets(timeZone);
  let last = Number.NaN;
  return {
    resolve(wall: WallClock): ResolvedTime {
      const local = localMs(wall);
      const { earlier, later, gapMs } = zone.candidates(local);
      // The stream already passed the first occurrence: it has crossed into the repeated hour. A previous
      // reading more than the repeated stretch beyond the second occurrence (rows out of order) says nothing.
      const time = last > earlier && last - later <= later - earlier ? later : earlier;
      last = time;
      return instant(local, time, gapMs);
    },
  };
}
