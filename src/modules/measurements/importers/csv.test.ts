import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parse as parseWithCsvParse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMmol } from '../../../science/glucose/units.ts';
import {
  type CsvRecord,
  firstRecords,
  parseDecimal,
  parseGlucose,
  readCsv,
  sniffDelimiter,
  timeProblem,
  unitInHeader,
} from './csv.ts';
import { detectFormat } from './detect.ts';
import { dexcomImporter } from './dexcom.ts';
import { genericCsvImporter } from './generic-csv.ts';
import { libreViewImporter } from './libreview.ts';
import { type Importer, ImportFileError, type ImportSource, type ParsedItem } from './types.ts';

function* chunks(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
const bytesSource = (bytes: Uint8Array, chunkSize = 64): ImportSource => ({
  name: 'upload.csv',
  size: bytes.length,
  open: () => Readable.from(chunks(bytes, chunkSize)),
});
const textSource = (text: string, chunkSize?: number) => bytesSource(Buffer.from(text), chunkSize);

async function records(source: ImportSource, delimiter: ',' | ';' | '\t' = ',') {
  const out: (CsvRecord | ParsedItem)[] = [];
  for await (const batch of readCsv(source, delimiter, {})) out.push(...batch);
  return out;
}

describe('readCsv', () => {
  it('gives each record the line it ends on, skipping empty lines and keeping quoted newlines', async () => {
    const text = '\ufeffa,b\r\n1,2\r\n\r\n3,"four\nlines, quoted"\n5,"say ""hi"""\n';
    expect(await records(textSource(text, 3))).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 5, fields: ['3', 'four\nlines, quoted'] },
      { line: 6, fields: ['5', 'say "hi"'] },
    ]);
  });

  it('keeps characters split across chunks whole', async () => {
    const text = 'Gerät,Glukose\nÄ,ü\n';
    for (const size of [1, 2, 3, 5]) {
      expect(await records(textSource(text, size))).toEqual([
        { line: 1, fields: ['Gerät', 'Glukose'] },
        { line: 2, fields: ['Ä', 'ü'] },
      ]);
    }
  });

  it('yields a quote never closed (a truncated last line) as a rejected record', async () => {
    expect(await records(textSource('a,b\n1,2\n3,"4'))).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { kind: 'rejected', line: 3, reason: 'a quoted field is not closed (a truncated line?)' },
    ]);
  });

  it('refuses a record longer than 64 K characters instead of losing the rest of the file', async () => {
    const error = await records(textSource(`a,b\n1,${'x'.repeat(70_000)}\n3,4\n`)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).code).toBe('unreadable');
    expect((error as ImportFileError).line).toBe(2);
  });

  it('reads every line ending, mixed in one file, and counts a line break inside quotes once', async () => {
    const text = 'a,b\r1,2\r\n3,"x\r\ny"\n\n4,"5"\r';
    for (const size of [1, 2, 7, 64]) {
      expect(await records(textSource(text, size))).toEqual([
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
        { line: 4, fields: ['3', 'x\r\ny'] },
        { line: 6, fields: ['4', '5'] },
      ]);
    }
  });

  it('keeps a stray quote as written, and reads quoted delimiters with any delimiter', async () => {
    expect(await records(textSource('a,b"c,"d"e,"f""g"h,""\n'))).toEqual([
      { line: 1, fields: ['a', 'b"c', '"d"e', '"f"g"h', ''] },
    ]);
    expect(await records(textSource('x;"1;2";"3,4"\n', 3), ';')).toEqual([
      { line: 1, fields: ['x', '1;2', '3,4'] },
    ]);
    expect(await records(textSource('x\t"1\t2"\ty', 2), '\t')).toEqual([
      { line: 1, fields: ['x', '1\t2', 'y'] },
    ]);
  });

  it('refuses a line without an end as soon as it passes 64 K characters, not at the end of the file', async () => {
    let chunksRead = 0;
    const endless: ImportSource = {
      name: 'x.csv',
      size: null,
      async *open() {
        yield Buffer.from('a,b\n1,2\n');
        for (let i = 0; i < 1000; i++) {
          chunksRead++;
          yield Buffer.from('x'.repeat(1000));
        }
      },
    };
    const error = await records(endless).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).line).toBe(3);
    expect(chunksRead).toBeLessThan(100);
  });

  it('splits records as csv-parse does (relax_quotes, any line ending), in chunks of any size', async () => {
    const piece = fc.constantFrom('a', 'b1', ' ', ',', ';', '\t', '"', '""', '\n', '\r', '\r\n', 'é', '€');
    // Quoted fields, whole, so that quotes around delimiters and line breaks are common.
    const quoted = fc.array(piece, { maxLength: 6 }).map((pieces) => `"${pieces.join('')}"`);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(piece, quoted), { maxLength: 40, size: 'medium' }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 16 }),
        fc.constantFrom<',' | ';' | '\t'>(',', ';', '\t'),
        async (pieces, withCr, bom, chunkSize, delimiter) => {
          const body = pieces.filter((text) => withCr || !text.includes('\r')).join('');
          const text = `${bom ? '\ufeff' : ''}${body}`;
          let unclosed = false;
          const expected = parseWithCsvParse(Buffer.from(text), {
            bom: true,
            delimiter,
            record_delimiter: ['\r\n', '\n', '\r'],
            relax_column_count: true,
            relax_quotes: true,
            skip_empty_lines: true,
            skip_records_with_error: true,
            info: true,
            on_skip: (error) => {
              unclosed ||= (error as { code?: string } | undefined)?.code === 'CSV_QUOTE_NOT_CLOSED';
              return undefined;
            },
          }) as unknown as { record: string[]; info: { lines: number } }[];
          const read = await records(textSource(text, chunkSize), delimiter);
          const split = read.filter((item): item is CsvRecord => 'fields' in item);
          expect(split.map((record) => record.fields)).toEqual(expected.map(({ record }) => record));
          // csv-parse counts a CRLF inside quotes as two lines; we count it as one.
          if (!text.includes('\r')) {
            expect(split.map((record) => record.line)).toEqual(expected.map(({ info }) => info.lines));
          }
          expect(read.length - split.length).toBe(unclosed ? 1 : 0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('turns a failing stream into an unreadable-file error', async () => {
    const failing: ImportSource = {
      name: 'x.csv',
      size: null,
      async *open() {
        yield Buffer.from('a,b\n1,2\n');
        throw new Error('disk gone');
      },
    };
    const error = await records(failing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).message).toBe('The file could not be read: disk gone');
  });

  it('reports progress in bytes read', async () => {
    const seen: number[] = [];
    for await (const _ of readCsv(textSource('a,b\n1,2\n3,4\n', 4), ',', {
      onProgress: (n) => seen.push(n),
    })) {
      // Only the progress matters here.
    }
    expect(seen).toEqual([4, 8, 12]);
  });
});

describe('the shared checks', () => {
  it('finds the delimiter outside quotes over the first lines', () => {
    expect(sniffDelimiter('a;b;c\n1;2;3')).toBe(';');
    expect(sniffDelimiter('"a;b",c,d\n')).toBe(',');
    expect(sniffDelimiter('a\tb\tc')).toBe('\t');
    expect(sniffDelimiter('single')).toBe(',');
  });

  it('splits only complete lines of a peek unless it is the whole file', () => {
    expect(firstRecords('a,b\n1,"2', 5, false).records).toEqual([['a', 'b']]);
    expect(firstRecords('a,b\n1,2', 5, true).records).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads the unit in a column name in any language', () => {
    expect(unitInHeader('Historic Glucose mg/dL')).toBe('mg/dL');
    expect(unitInHeader('Glukose-Scan mmol/L')).toBe('mmol/L');
    expect(unitInHeader('Glucose Value (mmol/l)')).toBe('mmol/L');
    expect(unitInHeader('Ketones')).toBeNull();
  });

  it('reads decimals with a point or a comma, and nothing else', () => {
    expect(parseDecimal(' 5.4 ')).toBe(5.4);
    expect(parseDecimal('5,4')).toBe(5.4);
    expect(parseDecimal('97')).toBe(97);
    for (const text of ['', '5.4.1', '-5', '1e3', 'NaN', 'Infinity', '5 4', '0x10']) {
      expect(parseDecimal(text)).toBeNull();
    }
  });

  it('accepts glucose from 18 to 900 mg/dL and 1 to 50 mmol/L', () => {
    expect(parseGlucose('18', 'mg/dL')).toEqual({ mmol: toMmol(18) });
    expect(parseGlucose('900', 'mg/dL')).toEqual({ mmol: toMmol(900) });
    expect(parseGlucose('17.9', 'mg/dL')).toEqual({
      reason: 'glucose value 17.9 mg/dL is outside 18–900 mg/dL',
    });
    expect(parseGlucose('1.0', 'mmol/L')).toEqual({ mmol: 1 });
    expect(parseGlucose('50.1', 'mmol/L')).toEqual({
      reason: 'glucose value 50.1 mmol/L is outside 1–50 mmol/L',
    });
  });

  it('accepts times from 2000 to a day ahead', () => {
    const now = Date.parse('2026-02-10T08:00:00Z');
    expect(timeProblem(Date.parse('2000-01-01T00:00:00Z'), now)).toBeNull();
    expect(timeProblem(now + 86_400_000, now)).toBeNull();
    expect(timeProblem(now + 86_400_001, now)).toBe(
      'time 2026-02-11T08:00:00.001Z is more than a day in the future',
    );
    expect(timeProblem(Date.parse('1999-12-31T23:59:59Z'), now)).toBe(
      'time 1999-12-31T23:59:59.000Z is before 2000-01-01',
    );
  });
});

describe('no input crashes an importer (fast-check)', () => {
  const fixtures = new URL('./fixtures/', import.meta.url);
  const valid: [Importer, string][] = [
    [libreViewImporter, 'libreview-libre2-mgdl-dmy.csv'],
    [libreViewImporter, 'libreview-libre3-mmol-mdy.csv'],
    [libreViewImporter, 'libreview-de-mgdl.csv'],
    [dexcomImporter, 'dexcom-clarity-g7-mmol.csv'],
  ];
  const iglu = Buffer.from(
    '"id","time","gl"\n"Subject 1",2015-06-06 16:50:27,153\n"Subject 1",2015-06-06 17:05:27,137\n',
  );
  const EARLIEST = Date.UTC(2000, 0, 1);

  /** Parses to the end: only ImportFileError may escape, and every observation keeps the bounds. */
  async function check(importer: Importer, bytes: Uint8Array, dateOrder?: 'dmy' | 'mdy') {
    const latest = Date.now() + 86_400_000;
    try {
      for await (const item of importer.parse(bytesSource(bytes, 50), {
        timeZone: 'Europe/Amsterdam',
        ...(dateOrder ? { dateOrder } : {}),
      })) {
        if (item.kind !== 'observation') {
          expect(Number.isInteger(item.line) && item.line >= 1).toBe(true);
          continue;
        }
        const { value, time, flag, code } = item.observation;
        expect(['105272-9', '14743-9']).toContain(code);
        expect(time).toBeGreaterThanOrEqual(EARLIEST);
        expect(time).toBeLessThanOrEqual(latest);
        expect(Number.isFinite(value)).toBe(true);
        if (flag === null) {
          expect(value).toBeGreaterThanOrEqual(toMmol(18));
          expect(value).toBeLessThanOrEqual(50);
        }
      }
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
    }
  }

  /** Flip, delete, insert or duplicate bytes, or cut the file short. */
  const mutation = fc.oneof(
    fc.record({
      kind: fc.constant('replace' as const),
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({
      kind: fc.constant('delete' as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 40 }),
    }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ maxLength: 20 }),
    }),
    fc.record({
      kind: fc.constant('insertText' as const),
      at: fc.nat(),
      text: fc.constantFrom('"', ',', ';', '\n', '\r', '\ufeff', 'Low', 'High', '-', ':', '99', '13', '2:30'),
    }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  );
  type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;
  function mutate(original: Uint8Array, mutations: Mutation[]): Uint8Array {
    let bytes = Buffer.from(original);
    for (const m of mutations) {
      const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
      if (m.kind === 'replace' && at < bytes.length) bytes[at] = m.byte;
      else if (m.kind === 'delete')
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
      else if (m.kind === 'insert')
        bytes = Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
      else if (m.kind === 'insertText') {
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(m.text), bytes.subarray(at)]);
      } else if (m.kind === 'cut') bytes = bytes.subarray(0, at);
    }
    return bytes;
  }

  it('random bytes: only ImportFileError, for every importer and for detection', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        for (const importer of [libreViewImporter, dexcomImporter, genericCsvImporter])
          await check(importer, bytes, 'dmy');
        await detectFormat(bytesSource(bytes)).catch((error: unknown) => {
          if (!(error instanceof ImportFileError)) throw error;
        });
      }),
      { numRuns: 150 },
    );
  });

  it('random text after a valid header: only ImportFileError, and every reading within bounds', async () => {
    const headers: [Importer, string][] = [
      [
        dexcomImporter,
        readFileSync(new URL('dexcom-clarity-g7-mmol.csv', fixtures), 'utf8').split('\n')[0] as string,
      ],
      [genericCsvImporter, 'id,time,gl'],
      [
        libreViewImporter,
        readFileSync(new URL('libreview-libre2-mgdl-dmy.csv', fixtures), 'utf8')
          .split('\n')
          .slice(0, 2)
          .join('\n'),
      ],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 300 }),
        fc.constantFrom(...headers),
        async (body, [importer, header]) => {
          await check(importer, Buffer.from(`${header}\n${body}`), 'mdy');
        },
      ),
      { numRuns: 150 },
    );
  });

  for (const [importer, name] of [...valid, [genericCsvImporter, 'iglu'] as [Importer, string]]) {
    it(`mutations of a valid file (${name}): only ImportFileError, and every reading within bounds`, async () => {
      const original = name === 'iglu' ? iglu : readFileSync(new URL(name, fixtures));
      await fc.assert(
        fc.asyncProperty(
          fc.array(mutation, { minLength: 1, maxLength: 6 }),
          fc.constantFrom(undefined, 'dmy' as const),
          async (mutations, order) => {
            const bytes = mutate(original, mutations);
            await check(importer, bytes, order);
            await detectFormat(bytesSource(bytes)).catch((error: unknown) => {
              if (!(error instanceof ImportFileError)) throw error;
            });
          },
        ),
        { numRuns: 100 },
      );
    });
  }
});
