import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportValue, toCsv } from './index.ts';

/** A small RFC 4180 reader, to check that what toCsv writes reads back the same. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('CSV of an export', () => {
  it('quotes commas, quotes and line breaks, and leaves plain values alone', () => {
    expect(toCsv([{ a: 'x', b: 'with, comma', c: 'say "hi"', d: 'two\nlines', e: null, f: 3 }])).toBe(
      'a,b,c,d,e,f\r\nx,"with, comma","say ""hi""","two\nlines",,3\r\n',
    );
  });

  it('reads back exactly what it wrote, for any text (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string()), { minLength: 1, maxLength: 20 }), (pairs) => {
        const rows = pairs.map(([a, b]) => ({ a, b }));
        expect(readCsv(toCsv(rows))).toEqual([['a', 'b'], ...pairs]);
      }),
    );
  });

  it('writes dates as ISO 8601 and objects as JSON', () => {
    expect(exportValue(new Date('2026-11-24T10:00:00Z'))).toBe('2026-11-24T10:00:00.000Z');
    expect(exportValue({ a: 1 })).toBe('{"a":1}');
    expect(exportValue(undefined)).toBeNull();
  });
});
