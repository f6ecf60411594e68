/**
 * Nightscout entries (`/api/v1/entries.json`, DOMAIN.md §5): a JSON array of entries, newest first.
 *
 * - `type: 'sgv'`: a CGM reading, `sgv` always in mg/dL (Nightscout stores glucose in mg/dL whatever the site
 *   shows). Values below 39 are not glucose but Dexcom error codes (1 sensor not active … 12 bad RF; Nightscout
 *   `lib/plugins/errorcodes.js` treats every `mgdl < 39` as one): ignored.
 * - `type: 'mbg'`: a meter (finger-prick) reading in `mbg`, mg/dL.
 * - `cal` and any other type: ignored.
 * - `date` (epoch ms) is the instant; `utcOffset` (minutes), else the offset written in `dateString`, is the
 *   local offset; without either the offset is 0. The offset is always the file's, so `timeZone` is null.
 * - `device` names the uploader (`xDrip-DexcomG6`, `share2`, `loop://iPhone`): source `nightscout:<device>`.
 */

import { toMmol } from '../../../science/glucose/units.ts';
import { CODES } from '../codes.ts';
import {
  describe,
  field,
  isObject,
  parseIsoDateTime,
  readJsonValues,
  readSourceBytes,
  timeProblem,
  toNumber,
  valueProblem,
} from './json-stream.ts';
import type { Importer, ParsedItem } from './types.ts';

/** Below this, an sgv is a Dexcom error code, not glucose (Nightscout `lib/plugins/errorcodes.js`). */
const FIRST_GLUCOSE_SGV = 39;
const MAX_OFFSET_MINUTES = 18 * 60;

/**
 * One Nightscout entry (an element of `/api/v1/entries.json`) as an item; `line` is its element number.
 * Shared by the file importer and the pull from a Nightscout site.
 */
export function parseNightscoutEntry(entry: unknown, line: number, now: number = Date.now()): ParsedItem {
  if (!isObject(entry)) return { kind: 'rejected', line, reason: 'entry is not an object' };
  const type = entry.type;
  if (typeof type !== 'string') return { kind: 'rejected', line, reason: 'entry has no type' };
  if (type !== 'sgv' && type !== 'mbg') return { kind: 'ignored', line };

  const raw = entry[type];
  const mgdl = toNumber(raw);
  if (type === 'sgv' && Number.isFinite(mgdl) && mgdl < FIRST_GLUCOSE_SGV) return { kind: 'ignored', line };
  const code = type === 'sgv' ? CODES.cgmGlucose : CODES.capillaryGlucose;
  const originalValue = describe(raw);
  const value = toMmol(mgdl);
  const badValue =
    raw === undefined
      ? `${type} entry has no ${type} value`
      : valueProblem(code, value, originalValue, 'mg/dL');
  if (badValue) return { kind: 'rejected', line, reason: badValue };

  const when = entryTime(entry);
  if (typeof when === 'string') return { kind: 'rejected', line, reason: `${type} entry ${when}` };
  const badTime = timeProblem(when.time, now);
  if (badTime) return { kind: 'rejected', line, reason: badTime };

  const device = typeof entry.device === 'string' ? entry.device.trim() : '';
  return {
    kind: 'observation',
    observation: {
      code,
      time: when.time,
      endTime: null,
      utcOffsetMinutes: when.utcOffsetMinutes,
      timeZone: null,
      value,
      originalValue,
      originalUnit: 'mg/dL',
      source: device ? `nightscout:${device}` : 'nightscout',
      method: type === 'sgv' ? 'continuous' : 'manual',
      flag: null,
      line,
    },
  };
}

/** The instant from `date` (or `dateString` when `date` is missing) and the offset, or why there is none. */
function entryTime(entry: Record<string, unknown>): { time: number; utcOffsetMinutes: number } | string {
  const written =
    typeof entry.dateString === 'string' ? parseIsoDateTime(entry.dateString, 'UTC') : undefined;
  const fromText = written !== undefined && typeof written !== 'string' ? written : undefined;
  let time: number;
  if (entry.date !== undefined) {
    time = toNumber(entry.date);
    if (!Number.isFinite(time)) return `date ${describe(entry.date)} is not a time in milliseconds`;
  } else if (fromText) {
    time = fromText.time;
  } else {
    return typeof written === 'string' ? `has no date and its dateString ${written}` : 'has no date';
  }
  const offset = toNumber(field(entry, 'utcOffset'));
  if (Number.isInteger(offset) && Math.abs(offset) <= MAX_OFFSET_MINUTES)
    return { time, utcOffsetMinutes: offset };
  // A dateString without an offset was read in UTC above (timeZone 'UTC'): it says nothing about the offset.
  return { time, utcOffsetMinutes: fromText?.timeZone === null ? fromText.utcOffsetMinutes : 0 };
}

export const nightscoutImporter: Importer = {
  format: 'nightscout',
  async *parse(source, options) {
    const now = Date.now();
    for await (const item of readJsonValues(readSourceBytes(source, options.onProgress), {
      acceptObjects: false,
    })) {
      if (item.ok) yield parseNightscoutEntry(item.value, item.line, now);
      else yield { kind: 'rejected', line: item.line, reason: `entry ${item.reason}` };
    }
  },
};
