/**
 * Local calendar dates in an IANA time zone: which date an instant falls on, and the instant a date begins.
 * Reports count whole local days, so that "14 days" means 14 dates on the participant's calendar whether or
 * not daylight saving time changed in between.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** No zone is more than 14 hours from UTC: a local day begins within 15 hours of that date's UTC midnight. */
const SEARCH_MS = 15 * 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** The local date (YYYY-MM-DD) of an instant (epoch ms) in the zone. */
export function localDateOf(time: number, timeZone: string): string {
  let year = 0;
  let month = 0;
  let day = 0;
  for (const part of formatterFor(timeZone).formatToParts(time)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
  }
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

const utcMidnightOf = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** The calendar date `days` after (or before, when negative) a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  return new Date(utcMidnightOf(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The first instant (epoch ms, whole minutes) of a local date in the zone: usually local midnight; where
 * midnight does not exist (a zone that springs forward at midnight) the first minute after the gap.
 */
export function startOfLocalDay(date: string, timeZone: string): number {
  // Binary search over minutes for the first one whose local date is the date or later.
  let before = (utcMidnightOf(date) - SEARCH_MS) / MINUTE_MS;
  let from = (utcMidnightOf(date) + SEARCH_MS) / MINUTE_MS;
  while (from - before > 1) {
    const middle = Math.floor((before + from) / 2);
    if (localDateOf(middle * MINUTE_MS, timeZone) >= date) from = middle;
    else before = middle;
  }
  return from * MINUTE_MS;
}
