import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { toMmol } from '../../../science/glucose/units.ts';
import { dexcomImporter } from './dexcom.ts';
import { fileError, observations, parseAll, rejections } from './test-support.ts';
import type { ImportOptions, ImportSource, ParsedObservation } from './types.ts';

const fileSource = (url: URL): ImportSource => ({
  name: url.pathname,
  size: null,
  open: () => createReadStream(url, { highWaterMark: 211 }),
});
const textSource = (text: string): ImportSource => ({
  name: 'clarity.csv',
  size: text.length,
  open: () => Readable.from([Buffer.from(text)]),
});

const parse = (source: ImportSource, options: Partial<ImportOptions> = {}) =>
  parseAll(dexcomImporter, source, options);

const HEADER =
  'Index,Timestamp (YYYY-MM-DDThh:mm:ss),Event Type,Event Subtype,Patient Info,Device Info,Source Device ID,Glucose Value (mg/dL),Insulin Value (u),Carb Value (grams),Duration (hh:mm:ss),Glucose Rate of Change (mg/dL/min),Transmitter Time (Long Integer),Transmitter ID';
const egv = (index: number, stamp: string, value: string, device = 'iOS G6', transmitter = '8ABC12') =>
  `${index},${stamp},EGV,,,,${device},${value},,,,,1000,${transmitter}`;

const SAMPLE = new URL('../../../../../shared/data/cgm/dexcom_clarity_test_file.csv', import.meta.url);
const sampleAvailable = existsSync(SAMPLE);
const MISSING = `Dexcom sample not found: ${SAMPLE.pathname} (../shared/data/cgm next to the repository)`;

if (!sampleAvailable) {
  describe('the real Dexcom Clarity sample', () => {
    it.runIf(process.env.CI === 'true')(`is present in CI — ${MISSING}`, () => {
      throw new Error(MISSING);
    });
    it.skip(`skipped: ${MISSING}`, () => {});
  });
}

describe.skipIf(!sampleAvailable)('the real Dexcom Clarity sample (dexcom_clarity_test_file.csv)', () => {
  it('reads its 2,148 EGV rows, ignores the header and the 11 preamble rows, rejects nothing', async () => {
    const items = await parse(fileSource(SAMPLE));
    const text = readFileSync(SAMPLE, 'utf8');
    const egvLines = text.split('\n').filter((line) => line.split(',')[2] === 'EGV');
    expect(egvLines).toHaveLength(2148);
    expect(observations(items)).toHaveLength(2148);
    expect(items.filter((item) => item.kind === 'ignored').map((item) => item.line)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    expect(rejections(items)).toEqual([]);
  });

  it('reads the first reading as 103 mg/dL at 11:24:17 summer time on 24 October 2016', async () => {
    const [first] = observations(await parse(fileSource(SAMPLE)));
    expect(first).toEqual({
      code: '105272-9',
      time: Date.parse('2016-10-24T11:24:17+02:00'),
      endTime: null,
      utcOffsetMinutes: 120,
      timeZone: 'Europe/Amsterdam',
      value: toMmol(103),
      originalValue: '103',
      originalUnit: 'mg/dL',
      source: 'dexcom:iPhone G6',
      method: 'continuous',
      flag: null,
      line: 13,
    });
  });

  it('keeps the readings in time order through the end of summer time on 30 October 2016', async () => {
    const read = observations(await parse(fileSource(SAMPLE)));
    const backwards = read.slice(1).filter((o, i) => o.time <= (read[i] as ParsedObservation).time);
    expect(backwards).toEqual([]);
    const last = read[read.length - 1];
    expect(last?.time).toBe(Date.parse('2016-11-01T09:19:02+01:00'));
    expect(last?.utcOffsetMinutes).toBe(60);
  });

  it('never yields the name or the birth date in the preamble', async () => {
    const yielded = JSON.stringify(await parse(fileSource(SAMPLE)));
    expect(yielded).not.toContain('Schmoe');
    expect(yielded).not.toContain('Joe');
    expect(yielded).not.toContain('1/1/1970');
  });
});

describe('Dexcom Clarity: a G7 export in mmol/L (quoted fields, BOM, CRLF)', () => {
  const FIXTURE = new URL('./fixtures/dexcom-clarity-g7-mmol.csv', import.meta.url);

  it('reads EGVs as continuous CGM glucose and a calibration as capillary glucose', async () => {
    const items = await parse(fileSource(FIXTURE));
    const read = observations(items);
    const egvs = read.filter((o) => o.method === 'continuous');
    expect(egvs).toHaveLength(31);
    expect(egvs.every((o) => o.code === '105272-9' && o.originalUnit === 'mmol/L')).toBe(true);
    expect(egvs[0]).toMatchObject({ value: 6.1, originalValue: '6.1', source: 'dexcom:iOS G7' });
    const calibrations = read.filter((o) => o.method === 'manual');
    expect(calibrations.map((o) => [o.code, o.value, o.line])).toEqual([['14743-9', 7.4, 44]]);
    // The header, FirstName, LastName, DateOfBirth, Device, seven alerts, and an insulin dose.
    expect(items.filter((item) => item.kind === 'ignored')).toHaveLength(13);
    expect(rejections(items)).toEqual([]);
  });

  it('stores Low at 2.2 and High at 22.2 mmol/L, flagged out of range', async () => {
    const read = observations(await parse(fileSource(FIXTURE)));
    const flagged = read.filter((o) => o.flag !== null).map((o) => [o.originalValue, o.value, o.flag]);
    expect(flagged).toEqual([
      ['Low', 2.2, 'below_range'],
      ['Low', 2.2, 'below_range'],
      ['High', 22.2, 'above_range'],
    ]);
  });

  it('places the second 02:00–02:55 of 25 October 2026 in winter time: readings stay 5 minutes apart', async () => {
    const egvs = observations(await parse(fileSource(FIXTURE))).filter((o) => o.method === 'continuous');
    const steps = egvs.slice(1).map((o, i) => (o.time - (egvs[i] as ParsedObservation).time) / 60_000);
    expect(steps).toEqual([...Array<number>(29).fill(5), 10]);
    expect(egvs.map((o) => o.utcOffsetMinutes)).toEqual([
      ...Array<number>(15).fill(120),
      ...Array<number>(16).fill(60),
    ]);
  });

  it('never yields the name or the birth date in the preamble', async () => {
    const yielded = JSON.stringify(await parse(fileSource(FIXTURE)));
    for (const personal of ['Joe', 'Schmoe', '1970-01-01']) expect(yielded).not.toContain(personal);
  });
});

describe('Dexcom Clarity: rows and layouts', () => {
  it('stores Low at 40 and High at 400 mg/dL, flagged', async () => {
    const text = [HEADER, egv(1, '2026-02-10T08:00:00', 'Low'), egv(2, '2026-02-10T08:05:00', 'High')].join(
      '\n',
    );
    const read = observations(await parse(textSource(text)));
    expect(read.map((o) => [o.value, o.originalValue, o.originalUnit, o.flag])).toEqual([
      [toMmol(40), 'Low', 'mg/dL', 'below_range'],
      [toMmol(400), 'High', 'mg/dL', 'above_range'],
    ]);
  });

  it('rejects bad rows with their line and reason', async () => {
    const text = [
      HEADER,
      egv(1, '2026-02-10T08:00:00', '101'),
      egv(2, '2026-02-10T08:05:00', 'abc'),
      egv(3, '', '101'),
      egv(4, '2026-02-30T08:15:00', '101'),
      egv(5, '2026-02-10T08:20:00', '901'),
      '6,2026-02-10T08:25:00,Calibration,,,,iOS G6,Low,,,,,,8ABC12',
      egv(7, '2099-01-01T00:00:00', '101'),
    ].join('\n');
    const items = await parse(textSource(text));
    expect(observations(items).map((o) => o.line)).toEqual([2]);
    expect(rejections(items)).toEqual([
      { line: 3, reason: 'glucose value "abc" is not a number' },
      { line: 4, reason: 'timestamp is empty' },
      { line: 5, reason: 'timestamp "2026-02-30T08:15:00" is not a valid date and time' },
      { line: 6, reason: 'glucose value 901 mg/dL is outside 18–900 mg/dL' },
      { line: 7, reason: 'glucose value "Low" is not a number' },
      { line: 8, reason: 'time 2098-12-31T23:00:00.000Z is more than a day in the future' },
    ]);
  });

  it('names the device by the transmitter when the source device is missing', async () => {
    const text = [HEADER, egv(1, '2026-02-10T08:00:00', '101', '', '8XYZ99')].join('\n');
    expect(observations(await parse(textSource(text)))[0]?.source).toBe('dexcom:8XYZ99');
  });

  it('reads the older 12-column export without a BOM', async () => {
    const header = HEADER.split(',').slice(0, 12).join(',');
    const text = [header, '1,2016-10-24T11:24:17,EGV,,,,iPhone G6,103,,,,'].join('\r\n');
    expect(observations(await parse(textSource(text))).map((o) => o.originalValue)).toEqual(['103']);
  });

  it('rejects a truncated quoted last line and keeps the lines before it', async () => {
    const quoted = (line: string) =>
      line
        .split(',')
        .map((field) => `"${field}"`)
        .join(',');
    const text = [HEADER, egv(1, '2026-02-10T08:00:00', '101'), egv(2, '2026-02-10T08:05:00', '104')]
      .map(quoted)
      .join('\r\n');
    const items = await parse(textSource(`\ufeff${text.slice(0, text.lastIndexOf('08:05') + 2)}`));
    expect(observations(items).map((o) => o.line)).toEqual([2]);
    expect(rejections(items)).toEqual([
      { line: 3, reason: 'a quoted field is not closed (a truncated line?)' },
    ]);
  });

  it('refuses a file without the Clarity columns, saying which it expected', async () => {
    const error = await fileError(
      parse(textSource('Index,Timestamp,Glucose Value (mg/dL)\n1,2026-02-10T08:00:00,100')),
    );
    expect(error.code).toBe('unknown_layout');
    expect(error.message).toContain("'Event Type'");
    expect(error.line).toBe(1);
  });

  it('refuses an empty file', async () => {
    expect((await fileError(parse(textSource('')))).code).toBe('empty_file');
  });
});
