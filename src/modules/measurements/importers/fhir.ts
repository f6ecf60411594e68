/**
 * FHIR R4 Observations (DOMAIN.md §4–5): a Bundle of any type (its entries streamed one at a time), a JSON
 * array of resources, NDJSON (one resource a line, as FHIR bulk data writes it), or a single Observation.
 * Resources other than Observation (a Patient, say) are ignored, never read.
 *
 * The LOINC code (system `http://loinc.org`) decides what an Observation is; the unit of `valueQuantity` (its
 * UCUM `code`, else `unit`) decides the conversion:
 * - 105272-9 / 99504-3 (glucose by a CGM, mmol/L / mg/dL) → CGM glucose, 'continuous'.
 * - 14743-9 / 41653-7 (capillary glucose by a meter, mmol/L / mg/dL) → capillary glucose, 'manual'; so do
 *   2339-0 / 15074-8 (glucose in blood, mg/dL / mmol/L), the codes consumer apps use for a meter reading.
 *   2345-7 (glucose in serum or plasma) is a laboratory test, not a self-measurement: rejected with that reason.
 * - 55423-8 steps, 8867-4 heart rate, 29463-7 or 3141-9 body weight, 8302-2 height, 8280-0 waist.
 * Any other code is rejected, naming the code. `status` entered-in-error or cancelled: ignored.
 *
 * Time: `effectiveDateTime` or `effectiveInstant` (with an offset; without one, read in the participant's zone),
 * or `effectivePeriod` (start, and end for steps). Source: `fhir:` + the device (`device.display`, else
 * `device.reference`), else `meta.source`; `fhir` alone without either.
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
  type JsonObject,
  KG_PER,
  parseIsoDateTime,
  readJsonValues,
  readSourceBytes,
  timeProblem,
  toNumber,
  valueProblem,
} from './json-stream.ts';
import type { Importer, ParsedItem } from './types.ts';

const LOINC = 'http://loinc.org';

type Convert = (value: number) => number;
const same: Convert = (value) => value;
const times =
  (factor: number): Convert =>
  (value) =>
    value * factor;

const GLUCOSE_UNITS: Record<string, Convert> = { 'mg/dL': toMmol, 'mmol/L': same };
const STEP_UNITS: Record<string, Convert> = {
  '{steps}': same,
  steps: same,
  '{step}': same,
  '{count}': same,
  '1': same,
};
const RATE_UNITS: Record<string, Convert> = {
  '/min': same,
  '{beats}/min': same,
  'beats/min': same,
  '{beat}/min': same,
};
const MASS_UNITS: Record<string, Convert> = {
  kg: same,
  g: times(KG_PER.g),
  '[lb_av]': times(KG_PER.lb),
  lb: times(KG_PER.lb),
};
const LENGTH_UNITS: Record<string, Convert> = {
  cm: same,
  m: times(CM_PER.m),
  mm: times(CM_PER.mm),
  '[in_i]': times(CM_PER.in),
  in: times(CM_PER.in),
  '[ft_i]': times(CM_PER.ft),
};

/** The LOINC codes read, each with the code stored and the units accepted. */
const READ: Record<string, { code: ObservationCode; units: Record<string, Convert> }> = {
  '105272-9': { code: CODES.cgmGlucose, units: GLUCOSE_UNITS },
  '99504-3': { code: CODES.cgmGlucose, units: GLUCOSE_UNITS },
  '14743-9': { code: CODES.capillaryGlucose, units: GLUCOSE_UNITS },
  '41653-7': { code: CODES.capillaryGlucose, units: GLUCOSE_UNITS },
  '2339-0': { code: CODES.capillaryGlucose, units: GLUCOSE_UNITS },
  '15074-8': { code: CODES.capillaryGlucose, units: GLUCOSE_UNITS },
  '55423-8': { code: CODES.steps, units: STEP_UNITS },
  '8867-4': { code: CODES.heartRate, units: RATE_UNITS },
  '29463-7': { code: CODES.weight, units: MASS_UNITS },
  '3141-9': { code: CODES.weight, units: MASS_UNITS },
  '8302-2': { code: CODES.height, units: LENGTH_UNITS },
  '8280-0': { code: CODES.waist, units: LENGTH_UNITS },
};

/** Codes refused with a reason of their own. */
const REFUSED: Record<string, string> = {
  '2345-7':
    'glucose in serum or plasma (2345-7) is a laboratory test; only CGM and finger-prick glucose are stored',
};

export const fhirImporter: Importer = {
  format: 'fhir',
  async *parse(source, options) {
    const now = Date.now();
    const bytes = readSourceBytes(source, options.onProgress);
    for await (const item of readJsonValues(bytes, { arrayKey: 'entry', acceptObjects: true })) {
      if (!item.ok) {
        yield { kind: 'rejected', line: item.line, reason: `resource ${item.reason}` };
        continue;
      }
      const resource = field(item.value, 'resource') ?? item.value;
      if (field(resource, 'resourceType') === 'Bundle') {
        // A Bundle on one line of NDJSON, or a small one read whole: its entries are already in memory.
        const entries = field(resource, 'entry');
        for (const entry of Array.isArray(entries) ? entries : []) {
          yield observationItem(field(entry, 'resource'), item.line, options.timeZone, now);
        }
      } else {
        yield observationItem(resource, item.line, options.timeZone, now);
      }
    }
  },
};

/** Fields of a Bundle entry: one with these and no resource (a deletion in a history, a response) holds no reading. */
const ENTRY_FIELDS = ['fullUrl', 'request', 'response', 'search'];

function observationItem(resource: unknown, line: number, timeZone: string, now: number): ParsedItem {
  if (!isObject(resource)) return { kind: 'rejected', line, reason: 'entry holds no FHIR resource' };
  const type = resource.resourceType;
  if (typeof type !== 'string') {
    if (ENTRY_FIELDS.some((name) => name in resource)) return { kind: 'ignored', line };
    return { kind: 'rejected', line, reason: 'entry is not a FHIR resource (it has no resourceType)' };
  }
  if (type !== 'Observation') return { kind: 'ignored', line };
  if (resource.status === 'entered-in-error' || resource.status === 'cancelled')
    return { kind: 'ignored', line };

  const loincCodes = codings(resource)
    .filter((coding) => coding.system === LOINC && typeof coding.code === 'string')
    .map((coding) => coding.code as string);
  const loinc = loincCodes.find((code) => READ[code]) ?? loincCodes.find((code) => REFUSED[code]);
  if (!loinc) {
    const named = loincCodes.length > 0 ? `LOINC ${loincCodes.join(', ')}` : codeText(resource);
    return { kind: 'rejected', line, reason: `Observation ${named} is not a code the platform stores` };
  }
  const read = READ[loinc];
  if (!read) return { kind: 'rejected', line, reason: REFUSED[loinc] ?? loinc };

  const quantity = resource.valueQuantity;
  if (!isObject(quantity))
    return { kind: 'rejected', line, reason: `Observation ${loinc} has no valueQuantity` };
  const unitCode = typeof quantity.code === 'string' ? quantity.code : undefined;
  const unitText = typeof quantity.unit === 'string' ? quantity.unit : undefined;
  const originalUnit = unitCode ?? unitText ?? '';
  const convert =
    read.units[originalUnit] ??
    (unitText ? read.units[unitText] : undefined) ??
    (originalUnit === '' && read.code === CODES.steps ? same : undefined);
  if (!convert)
    return { kind: 'rejected', line, reason: `Observation ${loinc} unit "${originalUnit}" is not supported` };
  const originalValue = describe(quantity.value);
  const value = convert(toNumber(quantity.value));
  const badValue = valueProblem(read.code, value, originalValue, originalUnit);
  if (badValue) return { kind: 'rejected', line, reason: badValue };

  const when = effectiveTime(resource, read.code, timeZone);
  if (typeof when === 'string') return { kind: 'rejected', line, reason: `Observation ${loinc} ${when}` };
  const badTime =
    timeProblem(when.time, now) ??
    (when.endTime === null ? null : intervalProblem(when.time, when.endTime, now));
  if (badTime) return { kind: 'rejected', line, reason: badTime };

  return {
    kind: 'observation',
    observation: {
      code: read.code,
      time: when.time,
      endTime: when.endTime,
      utcOffsetMinutes: when.utcOffsetMinutes,
      timeZone: when.timeZone,
      value,
      originalValue,
      originalUnit,
      source: sourceOf(resource),
      method: DEFAULT_METHOD[read.code],
      flag: null,
      line,
    },
  };
}

function codings(resource: JsonObject): JsonObject[] {
  const coding = field(resource.code, 'coding');
  return Array.isArray(coding) ? coding.filter(isObject) : [];
}

function codeText(resource: JsonObject): string {
  const first = codings(resource)[0];
  if (first) return `code ${describe(first.code)} (${describe(first.system)})`;
  const text = field(resource.code, 'text');
  return typeof text === 'string' ? `"${describe(text)}"` : 'without a code';
}

interface EffectiveTime {
  time: number;
  endTime: number | null;
  utcOffsetMinutes: number;
  timeZone: string | null;
}

function effectiveTime(
  resource: JsonObject,
  code: ObservationCode,
  timeZone: string,
): EffectiveTime | string {
  const point = resource.effectiveDateTime ?? resource.effectiveInstant;
  if (point !== undefined) {
    const parsed = parseIsoDateTime(point, timeZone);
    return typeof parsed === 'string' ? `effective time: ${parsed}` : { ...parsed, endTime: null };
  }
  const period = resource.effectivePeriod;
  if (!isObject(period)) return 'has no effectiveDateTime or effectivePeriod';
  const start = parseIsoDateTime(period.start, timeZone);
  if (typeof start === 'string') return `effectivePeriod.start: ${start}`;
  if (code !== CODES.steps || period.end === undefined) return { ...start, endTime: null };
  const end = parseIsoDateTime(period.end, timeZone);
  if (typeof end === 'string') return `effectivePeriod.end: ${end}`;
  return { ...start, endTime: end.time };
}

function sourceOf(resource: JsonObject): string {
  const device = resource.device;
  const name = [field(device, 'display'), field(device, 'reference'), field(resource.meta, 'source')].find(
    (candidate): candidate is string => typeof candidate === 'string' && candidate.trim() !== '',
  );
  return name ? `fhir:${name.trim().slice(0, 200)}` : 'fhir';
}
