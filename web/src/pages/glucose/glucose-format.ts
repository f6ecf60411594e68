import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toMmol } from '../../../../src/science/glucose/units.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';

/** mmol/L is the Dutch convention (DOMAIN.md §3); mg/dL for people whose meter or doctor uses it. */
export const GLUCOSE_UNITS = ['mmol/L', 'mg/dL'] as const;
export type GlucoseUnit = (typeof GLUCOSE_UNITS)[number];

/**
 * A choice remembered in this browser (localStorage), like the language: one of `options`, else `fallback`.
 */
export function useStoredChoice<T extends string>(key: string, options: readonly T[], fallback: T) {
  const [value, setValue] = useState<T>(() => {
    try {
      const stored = localStorage.getItem(key);
      return options.find((option) => option === stored) ?? fallback;
    } catch {
      return fallback;
    }
  });
  const choose = useCallback(
    (next: T) => {
      setValue(next);
      try {
        localStorage.setItem(key, next);
      } catch {
        // Storage can be blocked; the choice then lasts while the page is open.
      }
    },
    [key],
  );
  return [value, choose] as const;
}

export const useGlucoseUnit = () => useStoredChoice('topfit.glucoseUnit', GLUCOSE_UNITS, 'mmol/L');

export const RANGES = ['veryHigh', 'high', 'inRange', 'low', 'veryLow'] as const;
export type RangeKey = (typeof RANGES)[number];

/**
 * The consensus ranges as written in each unit (Battelino 2019; DOMAIN.md §3): in mg/dL the edges are whole
 * numbers (in range 70–180 inclusive), in mmol/L the published one-decimal edges, which are not a rounding of
 * the mg/dL ones (high starts at 10.1, not at 181/18.0156 = 10.05).
 */
const RANGE_EDGES: Record<GlucoseUnit, Record<RangeKey, readonly [number | null, number | null]>> = {
  'mmol/L': {
    veryLow: [null, 3.0],
    low: [3.0, 3.8],
    inRange: [3.9, 10.0],
    high: [10.1, 13.9],
    veryHigh: [13.9, null],
  },
  'mg/dL': {
    veryLow: [null, 54],
    low: [54, 69],
    inRange: [70, 180],
    high: [181, 250],
    veryHigh: [250, null],
  },
};

/** The tight range for people without diabetes, 70–140 mg/dL = 3.9–7.8 mmol/L (Battelino 2019). */
const TIGHT_RANGE: Record<GlucoseUnit, readonly [number, number]> = {
  'mmol/L': [3.9, 7.8],
  'mg/dL': [70, 140],
};

const useIntlLocale = () => (useLocale() === 'en' ? 'en-GB' : 'nl-NL');

/**
 * A number with the separators of the language shown, and at most `digits` decimals (exactly `digits` when
 * `fixed`, as on an axis, where 85 between 84,5 and 85,5 reads as 85,0).
 */
export function useNumber(): (value: number, digits?: number, fixed?: boolean) => string {
  const locale = useIntlLocale();
  return (value, digits = 0, fixed = false) =>
    new Intl.NumberFormat(locale, {
      minimumFractionDigits: fixed ? digits : 0,
      maximumFractionDigits: digits,
    }).format(value);
}

/**
 * A date written out in the zone the report counts its days in (the participant's): the period starts at local
 * midnight there, which in a browser set to another zone would read as the day before.
 */
export function useReportDate(timeZone: string): (value: string) => string {
  const locale = useIntlLocale();
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone });
  } catch {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long' });
  }
  return (value) => {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : format.format(date);
  };
}

/** Numbers, glucose values, percentages and times in the language shown and the unit chosen. */
export function useGlucoseFormat(unit: GlucoseUnit) {
  const { t } = useTranslation();
  const locale = useIntlLocale();
  const number = useNumber();
  const decimals = unit === 'mmol/L' ? 1 : 0;
  const glucoseNumber = new Intl.NumberFormat(locale, {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  const edge = (value: number) => glucoseNumber.format(value);

  /** A glucose value given in mg/dL, as a number in the chosen unit (no unit). */
  const value = (mgdl: number) => glucoseNumber.format(unit === 'mmol/L' ? toMmol(mgdl) : mgdl);
  const rangeText = ([low, high]: readonly [number | null, number | null]) => {
    if (low === null) return t('glucose.units.below', { value: edge(high ?? 0), unit });
    if (high === null) return t('glucose.units.above', { value: edge(low), unit });
    return t('glucose.units.between', { low: edge(low), high: edge(high), unit });
  };
  return {
    unit,
    value,
    withUnit: (mgdl: number) => `${value(mgdl)} ${unit}`,
    number,
    /** A percentage: one decimal below 10 %, where a tenth still means minutes a day. */
    percent: (value: number) =>
      new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: value < 10 ? 1 : 0 }).format(
        value / 100,
      ),
    range: (key: RangeKey) => rangeText(RANGE_EDGES[unit][key]),
    tightRange: () => rangeText(TIGHT_RANGE[unit]),
    /** A percentage of the time as time a day, which reads more easily: 4 % is about an hour a day. */
    perDay: (percent: number) => {
      const minutes = (percent / 100) * 1440;
      if (minutes === 0) return t('glucose.units.noTime');
      if (minutes < 59.5)
        return t('glucose.units.minutesPerDay', { count: Math.max(1, Math.round(minutes)) });
      const hours = Math.round((minutes / 60) * 2) / 2;
      return t('glucose.units.hoursPerDay', { count: hours, hours: number(hours, 1) });
    },
  };
}

export type GlucoseFormat = ReturnType<typeof useGlucoseFormat>;
