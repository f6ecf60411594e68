/** What the importers' tests share: sources in small chunks, collecting items, bounds, damaged files. */
import fc from 'fast-check';
import { expect } from 'vitest';
import { toMmol } from '../../../science/glucose/units.ts';
import { CODES, OBSERVATION_CODES } from '../codes.ts';
import { EARLIEST_TIME, MAX_AHEAD_MS, PLAUSIBLE_RANGE } from './json-stream.ts';
import {
  type Importer,
  ImportFileError,
  type ImportOptions,
  type ImportSource,
  type ParsedItem,
  type ParsedObservation,
} from './types.ts';

/** Bytes or text as a source read in chunks of `chunkSize`, so that values straddle chunk boundaries. */
export function sourceOf(content: string | Uint8Array, chunkSize = 65_536, name = 'file'): ImportSource {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return {
    name,
    size: bytes.length,
    async *open() {
      for (let offset = 0; offset < bytes.length; offset += chunkSize)
        yield bytes.subarray(offset, offset + chunkSize);
    },
  };
}

/** Every item an importer yields for a source, in Amsterdam unless the options say otherwise. */
export async function parseAll(
  importer: Importer,
  source: ImportSource,
  options: Partial<ImportOptions> = {},
): Promise<ParsedItem[]> {
  const items: ParsedItem[] = [];
  for await (const item of importer.parse(source, { timeZone: 'Europe/Amsterdam', ...options }))
    items.push(item);
  return items;
}

export const observations = (items: ParsedItem[]): ParsedObservation[] =>
  items.flatMap((item) => (item.kind === 'observation' ? [item.observation] : []));

export const rejections = (items: ParsedItem[]) =>
  items.flatMap((item) => (item.kind === 'rejected' ? [{ line: item.line, reason: item.reason }] : []));

/** The ImportFileError an attempt fails with; the test fails if it fails otherwise, or not at all. */
export async function fileError(attempt: Promise<unknown>): Promise<ImportFileError> {
  const error = await attempt.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ImportFileError);
  return error as ImportFileError;
}

/** An item within the bounds every importer keeps (the spec's rules, json-stream's ranges). */
export function expectPlausible(item: ParsedItem): void {
  if (item.kind !== 'observation') {
    expect(item.line).toBeGreaterThan(0);
    return;
  }
  const { code, time, endTime, value, utcOffsetMinutes } = item.observation;
  expect(OBSERVATION_CODES).toContain(code);
  expect(time).toBeGreaterThanOrEqual(EARLIEST_TIME);
  expect(time).toBeLessThanOrEqual(Date.now() + MAX_AHEAD_MS);
  expect(Math.abs(utcOffsetMinutes)).toBeLessThanOrEqual(18 * 60);
  if (endTime !== null) {
    expect(endTime).toBeGreaterThanOrEqual(time);
    expect(endTime - time).toBeLessThanOrEqual(25 * 3_600_000);
    expect(endTime).toBeLessThanOrEqual(Date.now() + MAX_AHEAD_MS);
  }
  const glucose = code === CODES.cgmGlucose || code === CODES.capillaryGlucose;
  // Glucose written in mg/dL may go down to 18 mg/dL, a hair under 1 mmol/L.
  expect(value).toBeGreaterThanOrEqual(glucose ? toMmol(18) : PLAUSIBLE_RANGE[code].min);
  expect(value).toBeLessThanOrEqual(PLAUSIBLE_RANGE[code].max);
}

/** A valid file with one to six bytes changed or removed. */
export const damaged = (original: Uint8Array) =>
  fc
    .array(
      fc.record({
        at: fc.nat(original.length - 1),
        byte: fc.integer({ min: 0, max: 255 }),
        remove: fc.boolean(),
      }),
      { minLength: 1, maxLength: 6 },
    )
    .map((changes) => {
      const bytes = [...original];
      for (const { at, byte, remove } of changes) {
        if (remove) bytes.splice(at, 1);
        else bytes[at] = byte;
      }
      return Uint8Array.from(bytes);
    });

/**
 * The property that no input crashes a parser: it reads the bytes (in chunks of `chunkSize`) and either
 * yields only plausible items (`check` adds the importer's own rules) or fails with an ImportFileError.
 */
export const onlyImportFileErrors =
  (importer: Importer, chunkSize: number, check: (item: ParsedItem) => void = expectPlausible) =>
  async (bytes: Uint8Array) => {
    try {
      for (const item of await parseAll(importer, sourceOf(bytes, chunkSize))) check(item);
    } catch (error) {
      expect(error).toBeInstanceOf(ImportFileError);
    }
  };
