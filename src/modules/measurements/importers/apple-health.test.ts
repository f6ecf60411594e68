import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { strToU8, Zip, ZipDeflate, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { toMmol } from '../../../science/glucose/units.ts';
import { CODES } from '../codes.ts';
import { appleHealthImporter, HealthDates, parseHealthDate } from './apple-health.ts';
import {
  damaged,
  expectPlausible as expectPlausibleItem,
  fileError,
  observations,
  onlyImportFileErrors,
  parseAll,
  sourceOf,
} from './test-support.ts';
import type { ImportSource, ParsedItem } from './types.ts';

const fixtureXml = readFileSync(new URL('./fixtures/apple-export.xml', import.meta.url));

const parse = (source: ImportSource) => parseAll(appleHealthImporter, source);

const lineOf = (item: ParsedItem) => (item.kind === 'observation' ? item.observation.line : item.line);
const byLine = (items: ParsedItem[]) => new Map(items.map((item) => [lineOf(item), item]));

/** The shared bounds, and a source that names the kind of device and never the owner's device name. */
function expectPlausible(item: ParsedItem): void {
  expectPlausibleItem(item);
  if (item.kind === 'observation') {
    expect(item.observation.source).toMatch(/^apple-health:(watch|iphone|cgm|other):[0-9a-f]{12}$/);
  }
}

const WATCH_DEVICE =
  '&lt;&lt;HKDevice: 0x283e08b40&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1&gt;';
const PHONE_DEVICE =
  '&lt;&lt;HKDevice: 0x283e0a110&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone14,5&gt;';

function record(fields: Record<string, string>): string {
  const attributes = Object.entries(fields)
    .map(([name, value]) => `${name}="${value}"`)
    .join(' ');
  return ` <Record ${attributes}/>`;
}

const steps = (sourceName: string, device: string, start: string, end: string, value: number) =>
  record({
    type: 'HKQuantityTypeIdentifierStepCount',
    sourceName,
    device,
    unit: 'count',
    startDate: `2026-03-01 ${start}:00 +0100`,
    endDate: `2026-03-01 ${end}:00 +0100`,
    value: String(value),
  });

const exportOf = (...records: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="nl_NL">\n <ExportDate value="2026-03-10 20:00:00 +0100"/>\n${records.join('\n')}\n</HealthData>\n`;

describe('Apple Health export.xml', () => {
  it('reads glucose, steps, heart rate, weight, height and waist in their canonical units', async () => {
    const lines = byLine(await parse(sourceOf(fixtureXml)));
    expect(lines.get(40)).toEqual({
      kind: 'observation',
      observation: {
        code: CODES.cgmGlucose,
        time: Date.UTC(2026, 2, 1, 7, 15),
        endTime: null,
        utcOffsetMinutes: 60,
        timeZone: null,
        value: toMmol(97),
        originalValue: '97',
        originalUnit: 'mg/dL',
        source: expect.stringMatching(/^apple-health:cgm:[0-9a-f]{12}$/),
        method: 'continuous',
        flag: null,
        line: 40,
      },
    });
    expect(lines.get(42)).toMatchObject({
      kind: 'observation',
      observation: {
        code: CODES.capillaryGlucose,
        value: 5.4,
        originalUnit: 'mmol<180.1558800000541>/L',
        method: 'manual',
      },
    });
    expect(lines.get(47)).toMatchObject({
      kind: 'observation',
      observation: {
        code: CODES.steps,
        time: Date.UTC(2026, 2, 1, 8, 0),
        endTime: Date.UTC(2026, 2, 1, 8, 10),
        value: 812,
      },
    });
    expect(lines.get(51)).toMatchObject({
      kind: 'observation',
      observation: { code: CODES.heartRate, value: 104 },
    });
    const weight = lines.get(52);
    expect(weight?.kind === 'observation' && weight.observation.value).toBeCloseTo(172.4 * 0.45359237, 10);
    expect(lines.get(53)).toMatchObject({
      kind: 'observation',
      observation: { code: CODES.height, value: 171 },
    });
    const waist = lines.get(54);
    expect(waist?.kind === 'observation' && waist.observation.value).toBeCloseTo(34.5 * 2.54, 10);
  });

  it('rejects a record with a value that is not a number, by its line', async () => {
    const lines = byLine(await parse(sourceOf(fixtureXml)));
    expect(lines.get(46)).toEqual({
      kind: 'rejected',
      line: 46,
      reason: 'glucose value "abc" is not a number',
    });
  });

  it('ignores <Me>, workouts, summaries, correlations and other record types, and yields no personal data', async () => {
    const items = await parse(sourceOf(fixtureXml));
    const lines = byLine(items);
    expect(lines.get(39)).toEqual({ kind: 'ignored', line: 39 });
    for (const line of [38, 55, 56, 59, 62]) expect(lines.get(line)).toEqual({ kind: 'ignored', line });
    // The record inside the Correlation (line 57) is a copy of a top-level one: not read twice.
    expect(lines.has(57)).toBe(false);
    const everything = JSON.stringify(items);
    for (const personal of ['1961-04-12', 'Female', 'APositive', 'Jan'])
      expect(everything).not.toContain(personal);
  });

  it("marks the iPhone's steps as giving way to the Watch's, and nothing else", async () => {
    const lines = byLine(await parse(sourceOf(fixtureXml)));
    for (const line of [49, 50]) {
      expect(lines.get(line)).toMatchObject({
        kind: 'observation',
        observation: { code: CODES.steps, source: expect.stringMatching(/^apple-health:iphone:/) },
      });
    }
    expect(lines.get(49)).toMatchObject({ observation: { yieldsTo: 'apple-health:watch:' } });
    expect(lines.get(50)).toMatchObject({ observation: { value: 1020, yieldsTo: 'apple-health:watch:' } });
    const others = observations([...lines.values()]).filter((o) => !o.source.includes(':iphone:'));
    expect(others.length).toBeGreaterThan(0);
    for (const observation of others) expect(observation).not.toHaveProperty('yieldsTo');
  });

  it('yields every step record in the order of the file, holding none back', async () => {
    const xml = exportOf(
      steps('iPhone van Jan', PHONE_DEVICE, '09:00', '09:05', 400),
      steps('iPhone van Jan', PHONE_DEVICE, '09:30', '09:40', 900),
      steps('Garmin Connect', '', '12:00', '12:05', 310),
      steps('Apple Watch van Jan', WATCH_DEVICE, '09:35', '09:45', 950),
    );
    const items = await parse(sourceOf(xml));
    expect(
      observations(items).map(
        ({ value, source, yieldsTo }) => `${source.split(':')[1]} ${value} ${yieldsTo ?? '-'}`,
      ),
    ).toEqual([
      'iphone 400 apple-health:watch:',
      'iphone 900 apple-health:watch:',
      'other 310 -',
      'watch 950 -',
    ]);
  });

  it('names sources without the names people give their devices, the same in every import', async () => {
    const first = observations(await parse(sourceOf(fixtureXml)));
    const second = observations(await parse(sourceOf(fixtureXml, 13)));
    expect(second).toEqual(first);
    const sources = new Set(first.map((observation) => observation.source));
    expect([...sources].map((source) => source.split(':')[1]).sort()).toEqual([
      'cgm',
      'iphone',
      'other',
      'watch',
    ]);
    for (const source of sources) expect(source).not.toMatch(/jan|iphone van|withings|libre/i);
  });

  it('reads offsets west of Greenwich and rejects dates and units it cannot read', async () => {
    const xml = exportOf(
      record({
        type: 'HKQuantityTypeIdentifierHeartRate',
        sourceName: 'Polar',
        unit: 'count/min',
        startDate: '2026-03-01 22:30:00 -0500',
        endDate: '2026-03-01 22:30:00 -0500',
        value: '61',
      }),
      record({
        type: 'HKQuantityTypeIdentifierHeartRate',
        sourceName: 'Polar',
        unit: 'count/min',
        startDate: '2026-02-30 10:00:00 +0100',
        endDate: '2026-02-30 10:00:00 +0100',
        value: '61',
      }),
      record({
        type: 'HKQuantityTypeIdentifierBodyMass',
        sourceName: 'Withings',
        unit: 'oz',
        startDate: '2026-03-01 07:00:00 +0100',
        endDate: '2026-03-01 07:00:00 +0100',
        value: '2800',
      }),
      steps('Garmin Connect', '', '10:00', '09:00', 12),
      record({
        type: 'HKQuantityTypeIdentifierBloodGlucose',
        sourceName: 'Dexcom G7',
        unit: 'mg/dL',
        startDate: '1999-12-31 23:00:00 +0000',
        endDate: '1999-12-31 23:00:00 +0000',
        value: '100',
      }),
    );
    const items = await parse(sourceOf(xml));
    expect(items[1]).toMatchObject({
      kind: 'observation',
      observation: { time: Date.UTC(2026, 2, 2, 3, 30), utcOffsetMinutes: -300, timeZone: null },
    });
    expect(items.slice(2).map((item) => item.kind === 'rejected' && item.reason)).toEqual([
      'startDate "2026-02-30 10:00:00 +0100" is not a real date and time',
      'BodyMass unit "oz" is not supported',
      'the interval ends before it starts',
      'time 1999-12-31T23:00:00.000Z is before 2000-01-01',
    ]);
  });

  it('refuses XML that is no Health export, and broken XML with the line it broke on', async () => {
    expect((await fileError(parse(sourceOf('<?xml version="1.0"?>\n<gpx></gpx>')))).code).toBe(
      'unknown_layout',
    );
    const broken = await fileError(parse(sourceOf(exportOf(' <Record type="x" value="1">', ' </Oops>'))));
    expect(broken.code).toBe('invalid_xml');
    expect(broken.line).toBe(5);
    expect((await fileError(parse(sourceOf('date,steps\n2026-03-01,812')))).code).toBe('unknown_layout');
    expect((await fileError(parse(sourceOf('')))).code).toBe('empty_file');
  });
});

describe('Apple Health dates', () => {
  it('are read the same from a run of one day as one by one, whatever comes between', () => {
    const digit = fc.constantFrom('0', '1', '2', '3', '5', '9');
    const pair = fc.tuple(digit, digit).map(([a, b]) => a + b);
    // Mostly one day and offset with other times, now and then another day, offset or a damaged date.
    const date = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.tuple(pair, pair, pair).map(([h, m, s]) => `2024-02-29 ${h}:${m}:${s} +0100`),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.constantFrom('2023-02-29', '2024-12-31', '2026-03-29'),
            pair,
            fc.constantFrom('+0100', '-0330', '+1900', '+0075'),
          )
          .map(([day, h, offset]) => `${day} ${h}:30:00 ${offset}`),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.integer({ min: 0, max: 24 }), fc.string({ minLength: 1, maxLength: 1 }))
          .map(([at, c]) => {
            const text = '2024-02-29 10:20:30 +0100';
            return text.slice(0, at) + c + text.slice(at + 1);
          }),
      },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
    fc.assert(
      fc.property(fc.array(date, { maxLength: 40 }), (texts) => {
        const dates = new HealthDates();
        for (const text of texts) expect(dates.read(text)).toEqual(parseHealthDate(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe('Apple Health export.zip', () => {
  const archive = (files: Record<string, Uint8Array>, level: 0 | 6 = 6) => zipSync(files, { level });
  const otherEntries = {
    'apple_health_export/export_cda.xml': strToU8(
      `<ClinicalDocument>${'<entry/>'.repeat(5000)}</ClinicalDocument>`,
    ),
    'apple_health_export/workout-routes/route_2026-03-01_9.20am.gpx': strToU8('<gpx></gpx>'),
    'apple_health_export/electrocardiograms/ecg_2026-03-01.csv': strToU8('Name,Jan Jansen\n'),
  };

  it('reads export.xml out of the ZIP the Health app makes, and skips the other entries', async () => {
    const zip = archive({ ...otherEntries, 'apple_health_export/export.xml': fixtureXml });
    const fromZip = await parse(sourceOf(zip, 1000));
    expect(fromZip).toEqual(await parse(sourceOf(fixtureXml)));
  });

  it('finds the export under its translated name, stored or deflated', async () => {
    for (const level of [0, 6] as const) {
      const zip = archive(
        {
          'apple_health_export/export_cda.xml': strToU8('<x/>'),
          'apple_health_export/exportar.xml': fixtureXml,
        },
        level,
      );
      // The fixture's 11 readings, the iPhone's steps that give way to the Watch's among them.
      expect(observations(await parse(sourceOf(zip)))).toHaveLength(11);
    }
  });

  it('reads a ZIP written as a stream, with sizes after the data', async () => {
    const parts: Uint8Array[] = [];
    const zip = new Zip((error, data) => {
      if (error) throw error;
      parts.push(data);
    });
    for (const [name, bytes] of Object.entries({
      ...otherEntries,
      'apple_health_export/export.xml': fixtureXml,
    })) {
      const entry = new ZipDeflate(name, { level: 6 });
      zip.add(entry);
      entry.push(bytes, true);
    }
    zip.end();
    expect(observations(await parse(sourceOf(Buffer.concat(parts), 777)))).toHaveLength(11);
  });

  it('refuses a ZIP without an export, and a damaged or cut-off ZIP', async () => {
    const without = await fileError(parse(sourceOf(archive(otherEntries))));
    expect(without.code).toBe('unknown_layout');
    expect(without.message).toBe('The ZIP file holds no Apple Health export.xml.');
    const zip = archive({ 'apple_health_export/export.xml': fixtureXml });
    const cut = await fileError(parse(sourceOf(zip.subarray(0, zip.length / 2))));
    expect(['unreadable', 'invalid_xml']).toContain(cut.code);
    const damaged = Uint8Array.from(zip);
    damaged.fill(0xff, 60, 400);
    expect(['unreadable', 'invalid_xml']).toContain((await fileError(parse(sourceOf(damaged)))).code);
  });
});

describe('Apple Health on any input', () => {
  const neverWorseThanImportFileError = onlyImportFileErrors(appleHealthImporter, 511, expectPlausible);

  const zip = zipSync({ 'apple_health_export/export.xml': fixtureXml }, { level: 6 });

  it('never throws anything but ImportFileError on random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), neverWorseThanImportFileError), {
      numRuns: 200,
    });
  });

  it('never throws anything but ImportFileError on a damaged export.xml, and keeps observations plausible', async () => {
    await fc.assert(fc.asyncProperty(damaged(fixtureXml), neverWorseThanImportFileError), { numRuns: 200 });
  });

  it('never throws anything but ImportFileError on a damaged export.zip', async () => {
    await fc.assert(fc.asyncProperty(damaged(zip), neverWorseThanImportFileError), { numRuns: 200 });
  });

  it('keeps any record it accepts plausible', async () => {
    const attribute = fc.stringMatching(/^[-+ .:0-9a-zA-Z]{0,30}$/);
    const anyRecord = fc.record({
      type: fc.constantFrom(
        'HKQuantityTypeIdentifierBloodGlucose',
        'HKQuantityTypeIdentifierStepCount',
        'HKQuantityTypeIdentifierHeartRate',
        'HKQuantityTypeIdentifierBodyMass',
        'HKQuantityTypeIdentifierHeight',
        'HKQuantityTypeIdentifierWaistCircumference',
      ),
      sourceName: fc.constantFrom('Dexcom G7', 'Apple Watch', 'iPhone', 'Withings'),
      unit: fc.constantFrom(
        'mg/dL',
        'mmol&lt;180.1558800000541&gt;/L',
        'count',
        'count/min',
        'kg',
        'lb',
        'cm',
        'in',
        'm',
      ),
      value: fc.oneof(attribute, fc.double().map(String), fc.integer({ min: -100, max: 2000 }).map(String)),
      startDate: fc.oneof(
        attribute,
        fc.date({ noInvalidDate: true }).map((date) => healthDate(date)),
      ),
      endDate: fc.oneof(
        attribute,
        fc.date({ noInvalidDate: true }).map((date) => healthDate(date)),
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(anyRecord, { maxLength: 10 }), async (records) => {
        for (const item of await parse(sourceOf(exportOf(...records.map(record))))) expectPlausible(item);
      }),
      { numRuns: 150 },
    );
  });
});

function healthDate(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} +0000`;
}

describe('a large Apple Health export', () => {
  it('is read in constant memory: 100 MB of XML, never held', async () => {
    const recordsPerPiece = 500;
    const pieceCount = 600;
    const source: ImportSource = {
      name: 'export.xml',
      size: null,
      async *open() {
        yield Buffer.from(exportOf().replace('</HealthData>\n', ''));
        let minute = 0;
        for (let piece = 0; piece < pieceCount; piece += 1) {
          let text = '';
          for (let index = 0; index < recordsPerPiece; index += 1) {
            minute += 2;
            const start = new Date(Date.UTC(2024, 0, 1) + minute * 60_000);
            const end = new Date(start.getTime() + 240_000);
            text += `${record({
              type: 'HKQuantityTypeIdentifierStepCount',
              sourceName: index % 2 ? 'Apple Watch van Jan' : 'iPhone van Jan',
              device: index % 2 ? WATCH_DEVICE : PHONE_DEVICE,
              unit: 'count',
              creationDate: healthDate(end),
              startDate: healthDate(start),
              endDate: healthDate(end),
              value: String(index),
            })}\n`;
          }
          yield Buffer.from(text);
        }
        yield Buffer.from('</HealthData>\n');
      },
    };
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const counts = { observation: 0, ignored: 0, rejected: 0 };
    let read = 0;
    for await (const item of appleHealthImporter.parse(source, { timeZone: 'Europe/Amsterdam' })) {
      counts[item.kind] += 1;
      read += 1;
      if (read % 20_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    // The iPhone's records are yielded as they come, for the store to weigh against the Watch's (the export
    // date is ignored).
    expect(counts).toEqual({ observation: 300_000, ignored: 1, rejected: 0 });
    expect((peak - before) / 2 ** 20).toBeLessThan(150);
  }, 120_000);
});
