/**
 * Open mHealth data points (DOMAIN.md §5; schemas at github.com/openmhealth/schemas): one data point, a JSON
 * array of them, or NDJSON (one a line). A data point is `{ header, body }`: `header.schema_id.name` names the
 * schema and `header.acquisition_provenance.source_name` the source (`omh:<name>`; `omh` without one). A bare
 * body (no header) is read by the field it holds. Read:
 * - `blood-glucose`: `blood_glucose {value, unit mg/dL|mmol/L}`. `specimen_source` 'interstitial fluid' → CGM
 *   glucose ('continuous'); 'capillary blood', 'whole blood', 'plasma' (meters report plasma-equivalent values)
 *   or none → capillary glucose ('manual'); 'serum' or 'tears' → rejected.
 * - `step-count`: `step_count` (a number in 2.0, `{value, unit: steps}` in 3.0) over
 *   `effective_time_frame.time_interval` (start and end, or either with a `duration`).
 * - `body-weight` (kg, g, lb, oz), `heart-rate` (beats/min), `body-height` (cm, m, mm, in, ft).
 * A point in time is `effective_time_frame.date_time`. A `descriptive_statistic` (an average, a maximum) is
 * not a single reading: rejected. Other schemas: rejected, naming the schema.
 */

import { toMmol } from '../../../science/glucose/units.ts';
import { CODES, type ObservationCode } from '../codes.ts';
import {
  CM_PER,
  DEFAULT_METHOD,
  describe,
  field,
  intervalProblem,
  isObject,
  KG_PER,
  type ParsedTime,
  parseIsoDateTime,
  readJsonValues,
  readSourceBytes,
  timeProblem,
  toNumber,
  valueProblem,
} from './json-stream.ts';
import type { Importer, ParsedItem } from './types.ts';

type Convert = (value: number) => number;
const same: Convert = (value) => value;
const times =
  (factor: number): Convert =>
  (value) =>
    value * factor;

interface Schema {
  /** The field of the body that holds the measure. */
  field: string;
  code: ObservationCode;
  units: Record<string, Convert>;
}

const SCHEMAS: Record<string, Schema> = {
  'blood-glucose': {
    field: 'blood_glucose',
    code: CODES.capillaryGlucose,
    units: { 'mg/dL': toMmol, 'mmol/L': same },
  },
  'step-count': { field: 'step_count', code: CODES.steps, units: { steps: same } },
  'body-weight': {
    field: 'body_weight',
    code: CODES.weight,
    units: { kg: same, g: times(KG_PER.g), lb: times(KG_PER.lb), oz: times(KG_PER.oz) },
  },
  'heart-rate': { field: 'heart_rate', code: CODES.heartRate, units: { 'beats/min': same } },
  'body-height': {
    field: 'body_height',
    code: CODES.height,
    units: { cm: same, m: times(CM_PER.m), mm: times(CM_PER.mm), in: times(CM_PER.in), ft: times(CM_PER.ft) },
  },
};

const CAPILLARY_SPECIMENS = new Set(['capillary blood', 'whole blood', 'plasma']);

/** Seconds per unit of an Open mHealth duration (duration-unit-value schema). */
const SECONDS_PER: Record<string, number> = { ms: 0.001, sec: 1, min: 60, h: 3600, d: 86_400 };

export const openMhealthImporter: Importer = {
  format: 'open-mhealth',
  async *parse(source, options) {
    const now = Date.now();
    const bytes = readSourceBytes(source, options.onProgress);
    for await (const item of readJsonValues(bytes, { acceptObjects: true })) {
      if (item.ok) yield dataPointItem(item.value, item.line, options.timeZone, now);
      else yield { kind: 'rejected', line: item.line, reason: `data point ${item.reason}` };
    }
  },
};

function dataPointItem(point: unknown, line: number, timeZone: string, now: number): ParsedItem {
  if (!isObject(point)) return { kind: 'rejected', line, reason: 'data point is not an object' };
  const header = point.header;
  const body = isObject(header) ? point.body : point;
  if (!isObject(body)) return { kind: 'rejected', line, reason: 'data point has no body' };
  const schemaName = isObject(header)
    ? field(field(header, 'schema_id'), 'name')
    : Object.entries(SCHEMAS).find(([, schema]) => schema.field in body)?.[0];
  if (typeof schemaName !== 'string') {
    return { kind: 'rejected', line, reason: 'data point names no schema (header.schema_id.name)' };
  }
  const schema = SCHEMAS[schemaName];
  if (!schema)
    return {
      kind: 'rejected',
      line,
      reason: `schema "${describe(schemaName)}" is not one the platform stores`,
    };
  if (body.descriptive_statistic !== undefined) {
    return {
      kind: 'rejected',
      line,
      reason: `${schemaName} is a statistic (${describe(body.descriptive_statistic)}), not a single reading`,
    };
  }

  const measure = body[schema.field];
  const written = isObject(measure) ? measure.value : measure;
  const originalUnit = isObject(measure) ? String(measure.unit ?? '') : '';
  const convert = schema.code === CODES.steps && originalUnit === '' ? same : schema.units[originalUnit];
  if (!convert)
    return {
      kind: 'rejected',
      line,
      reason: `${schemaName} unit "${describe(originalUnit)}" is not supported`,
    };
  let code = schema.code;
  if (schema.code === CODES.capillaryGlucose && body.specimen_source !== undefined) {
    const specimen = body.specimen_source;
    if (specimen === 'interstitial fluid') code = CODES.cgmGlucose;
    else if (typeof specimen !== 'string' || !CAPILLARY_SPECIMENS.has(specimen)) {
      return { kind: 'rejected', line, reason: `blood glucose in ${describe(specimen)} is not stored` };
    }
  }
  const originalValue = describe(written);
  const value = convert(toNumber(written));
  const badValue = valueProblem(code, value, originalValue, originalUnit);
  if (badValue) return { kind: 'rejected', line, reason: badValue };

  const when = timeFrame(body.effective_time_frame, code, timeZone);
  if (typeof when === 'string') return { kind: 'rejected', line, reason: `${schemaName} ${when}` };
  const badTime =
    timeProblem(when.time, now) ??
    (when.endTime === null ? null : intervalProblem(when.time, when.endTime, now));
  if (badTime) return { kind: 'rejected', line, reason: badTime };

  const sourceName = field(field(header, 'acquisition_provenance'), 'source_name');
  return {
    kind: 'observation',
    observation: {
      code,
      time: when.time,
      endTime: when.endTime,
      utcOffsetMinutes: when.utcOffsetMinutes,
      timeZone: when.timeZone,
      value,
      originalValue,
      originalUnit,
      source:
        typeof sourceName === 'string' && sourceName.trim() !== ''
          ? `omh:${sourceName.trim().slice(0, 200)}`
          : 'omh',
      method: DEFAULT_METHOD[code],
      flag: null,
      line,
    },
  };
}

type TimeFrame = ParsedTime & { endTime: number | null };

/** A point in time (`date_time`), or for steps an interval (`time_interval`). */
function timeFrame(frame: unknown, code: ObservationCode, timeZone: string): TimeFrame | string {
  if (!isObject(frame)) return 'has no effective_time_frame';
  if (code !== CODES.steps) {
    if (frame.date_time === undefined) return 'needs effective_time_frame.date_time (a point in time)';
    const point = parseIsoDateTime(frame.date_time, timeZone);
    return typeof point === 'string' ? `date_time: ${point}` : { ...point, endTime: null };
  }
  const interval = frame.time_interval;
  if (!isObject(interval)) return 'needs effective_time_frame.time_interval';
  const duration = durationMs(interval.duration);
  if (interval.start_date_time !== undefined) {
    const start = parseIsoDateTime(interval.start_date_time, timeZone);
    if (typeof start === 'string') return `start_date_time: ${start}`;
    if (interval.end_date_time === undefined) {
      return typeof duration === 'number' ? { ...start, endTime: start.time + duration } : duration;
    }
    const end = parseIsoDateTime(interval.end_date_time, timeZone);
    if (typeof end === 'string') return `end_date_time: ${end}`;
    return { ...start, endTime: end.time };
  }
  if (interval.end_date_time === undefined)
    return 'time_interval has neither start_date_time nor end_date_time';
  const end = parseIsoDateTime(interval.end_date_time, timeZone);
  if (typeof end === 'string') return `end_date_time: ${end}`;
  if (typeof duration === 'string') return duration;
  // The offset at the end stands for the start too: an interval of steps does not span a change of offset
  // often enough to be worth a zone lookup.
  return { ...end, time: end.time - duration, endTime: end.time };
}

function durationMs(duration: unknown): number | string {
  if (!isObject(duration)) return 'time_interval needs a duration with only one end';
  const seconds = SECONDS_PER[String(duration.unit)];
  const value = toNumber(duration.value);
  if (seconds === undefined) return `duration unit "${describe(duration.unit)}" is not supported`;
  if (!Number.isFinite(value) || value < 0)
    return `duration ${describe(duration.value)} is not a length of time`;
  return value * seconds * 1000;
}
