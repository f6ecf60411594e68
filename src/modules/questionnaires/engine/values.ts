import type { Coding, Quantity } from '@medplum/fhirtypes';

/**
 * A value read from an answer (`value[x]`), an enableWhen (`answer[x]`), an answer option or a min/max
 * extension, in a form the engine can compare. Dates and dateTimes share a kind so they compare with each other.
 */
export type Value =
  | { kind: 'boolean'; value: boolean }
  | { kind: 'number'; value: number }
  | { kind: 'date'; value: string }
  | { kind: 'time'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'coding'; value: Coding }
  | { kind: 'quantity'; value: Quantity };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

export const isCoding = (value: unknown): value is Coding =>
  isRecord(value) && typeof value.code === 'string';

export const isQuantity = (value: unknown): value is Quantity =>
  isRecord(value) && isFiniteNumber(value.value);

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?$/;
const ZONE = /(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)$/;

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const daysInMonth = (year: number, month: number) =>
  [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;

/** A FHIR date: YYYY, YYYY-MM or YYYY-MM-DD, and a day that exists in that month. */
export function isDate(value: unknown): value is string {
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  if (!match) return false;
  const [year, month, day] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  if (month === undefined) return true;
  if (month < 1 || month > 12) return false;
  return day === undefined || (day >= 1 && day <= daysInMonth(year ?? 0, month));
}

/** A FHIR time: hh:mm:ss with optional fractions of a second. */
export const isTime = (value: unknown): value is string => typeof value === 'string' && TIME.test(value);

/** A FHIR dateTime: a date, or a full date with a time and a time zone (FHIR requires the zone). */
export function isDateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const [date, timeAndZone, ...rest] = value.split('T');
  if (timeAndZone === undefined) return isDate(date);
  const zone = ZONE.exec(timeAndZone)?.[0];
  return (
    rest.length === 0 &&
    date?.length === 10 &&
    isDate(date) &&
    !!zone &&
    isTime(timeAndZone.slice(0, -zone.length))
  );
}

const READERS: [suffix: string, read: (raw: unknown) => Value | undefined][] = [
  ['Boolean', (raw) => (typeof raw === 'boolean' ? { kind: 'boolean', value: raw } : undefined)],
  ['Decimal', (raw) => (isFiniteNumber(raw) ? { kind: 'number', value: raw } : undefined)],
  ['Integer', (raw) => (isFiniteNumber(raw) ? { kind: 'number', value: raw } : undefined)],
  ['Date', (raw) => (isDate(raw) ? { kind: 'date', value: raw } : undefined)],
  ['DateTime', (raw) => (isDateTime(raw) ? { kind: 'date', value: raw } : undefined)],
  ['Time', (raw) => (isTime(raw) ? { kind: 'time', value: raw } : undefined)],
  ['String', (raw) => (typeof raw === 'string' ? { kind: 'string', value: raw } : undefined)],
  ['Uri', (raw) => (typeof raw === 'string' ? { kind: 'string', value: raw } : undefined)],
  ['Coding', (raw) => (isCoding(raw) ? { kind: 'coding', value: raw } : undefined)],
  ['Quantity', (raw) => (isQuantity(raw) ? { kind: 'quantity', value: raw } : undefined)],
];

/** The first well-formed `<prefix>[x]` value of an element (`value` for answers, `answer` for enableWhen). */
export function readValue(element: object, prefix: 'value' | 'answer'): Value | undefined {
  const record = element as Record<string, unknown>;
  for (const [suffix, read] of READERS) {
    const value = read(record[`${prefix}${suffix}`]);
    if (value) return value;
  }
  return undefined;
}

const sign = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** Dates compare at their common precision (2024 equals 2024-05); with a time, as instants. */
function compareDates(a: string, b: string): number | undefined {
  if (!a.includes('T') && !b.includes('T')) {
    const precision = Math.min(a.length, b.length);
    return sign(a.slice(0, precision), b.slice(0, precision));
  }
  const [x, y] = [Date.parse(a), Date.parse(b)];
  return Number.isNaN(x) || Number.isNaN(y) ? undefined : sign(x, y);
}

const unitOf = (quantity: Quantity) => `${quantity.system ?? ''}|${quantity.code ?? quantity.unit ?? ''}`;

/** Quantities compare in the same unit; a bare number bounds a quantity's value whatever its unit. */
function compareAmounts(a: Value, b: Value): number | undefined {
  if (a.kind === 'quantity' && b.kind === 'quantity') {
    return unitOf(a.value) === unitOf(b.value) ? sign(a.value.value ?? 0, b.value.value ?? 0) : undefined;
  }
  const amount = (value: Value) =>
    value.kind === 'number' ? value.value : value.kind === 'quantity' ? value.value.value : undefined;
  const [x, y] = [amount(a), amount(b)];
  return x === undefined || y === undefined ? undefined : sign(x, y);
}

/** Negative, zero or positive as a is below, equal to or above b; undefined when they have no order. */
export function compareValues(a: Value, b: Value): number | undefined {
  if (a.kind === 'date' && b.kind === 'date') return compareDates(a.value, b.value);
  if ((a.kind === 'string' && b.kind === 'string') || (a.kind === 'time' && b.kind === 'time')) {
    return sign(a.value, b.value);
  }
  return compareAmounts(a, b);
}

/** A coding matches an option with the same code, and the same system when the option names one. */
export const matchesCoding = (coding: Coding, option: Coding) =>
  coding.code !== undefined &&
  coding.code === option.code &&
  (option.system === undefined || option.system === coding.system);

/** Whether a given value equals a reference value (an enableWhen answer, an option, an expected answer). */
export function sameValue(given: Value, reference: Value): boolean {
  if (given.kind === 'boolean' || reference.kind === 'boolean') {
    return given.kind === reference.kind && given.value === reference.value;
  }
  if (given.kind === 'coding' || reference.kind === 'coding') {
    return (
      given.kind === 'coding' && reference.kind === 'coding' && matchesCoding(given.value, reference.value)
    );
  }
  return compareValues(given, reference) === 0;
}
