import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { toMmol } from '../../../science/glucose/units.ts';
import { genericCsvImporter } from './generic-csv.ts';
import { observations, parseAll } from './test-support.ts';
import { ImportFileError, type ImportOptions, type ImportSource } from './types.ts';

function* chunks(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
/** Chunks of 13 bytes: lines and fields straddle them. */
const textSource = (text: string): ImportSource => ({
  name: 'cgm.csv',
  size: text.length,
  open: () => Readable.from(chunks(Buffer.from(text), 13)),
});

const parse = (text: string, options: Partial<ImportOptions> = {}) =>
  parseAll(genericCsvImporter, textSource(text), options);

const IGLU = [
  '"id","time","gl"',
  '"Subject 1",2015-06-06 16:50:27,153',
  '"Subject 1",2015-06-06 17:05:27,137',
  '"Subject 2",2015-02-24 17:31:29,93',
].join('\n');

describe('CSV with id, time, gl', () => {
  it('reads the iglu layout: quoted ids as sources, local times in the zone, mg/dL', async () => {
    const read = observations(await parse(IGLU));
    expect(
      read.map((o) => [o.source, new Date(o.time).toISOString(), o.utcOffsetMinutes, o.originalValue]),
    ).toEqual([
      ['csv:Subject 1', '2015-06-06T14:50:27.000Z', 120, '153'],
      ['csv:Subject 1', '2015-06-06T15:05:27.000Z', 120, '137'],
      ['csv:Subject 2', '2015-02-24T16:31:29.000Z', 60, '93'],
    ]);
    expect(read[0]).toMatchObject({
      code: '105272-9',
      method: 'continuous',
      value: toMmol(153),
      originalUnit: 'mg/dL',
      timeZone: 'Europe/Amsterdam',
      flag: null,
      line: 2,
    });
  });

  it('resolves the times in the zone asked for', async () => {
    const read = observations(await parse(IGLU, { timeZone: 'America/New_York' }));
    expect(new Date(read[0]?.time as number).toISOString()).toBe('2015-06-06T20:50:27.000Z');
  });

  it('honours a time written with its own offset', async () => {
    const text = 'id,time,gl\nA,2026-02-10T08:15:00+05:30,100\nB,2026-02-10 08:15:00Z,100';
    const read = observations(await parse(text));
    expect(read.map((o) => [new Date(o.time).toISOString(), o.utcOffsetMinutes, o.timeZone])).toEqual([
      ['2026-02-10T02:45:00.000Z', 330, null],
      ['2026-02-10T08:15:00.000Z', 0, null],
    ]);
  });

  it('finds the columns in any order among others, and reads rows out of time order', async () => {
    const text = 'gl,device,time,ID\n120,x,2026-02-10 09:00:00,p1\n110,x,2026-02-10 08:00:00,p1';
    const read = observations(await parse(text));
    expect(read.map((o) => [o.source, o.originalValue, new Date(o.time).toISOString()])).toEqual([
      ['csv:p1', '120', '2026-02-10T08:00:00.000Z'],
      ['csv:p1', '110', '2026-02-10T07:00:00.000Z'],
    ]);
  });

  it('moves a time in the missing hour of 29 March 2026 forward by an hour', async () => {
    const read = observations(await parse('id,time,gl\nA,2026-03-29 02:30:00,100'));
    expect(new Date(read[0]?.time as number).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('rejects missing values, bad times and empty ids with their line', async () => {
    const text = [
      'id,time,gl',
      'A,2026-02-10 08:00:00,NA',
      'A,2026-02-10 08:05,100',
      'A,10-02-2026 08:10:00,100',
      ',2026-02-10 08:15:00,100',
      'A,,100',
      'A,2026-02-10 08:20:00,',
    ].join('\n');
    const items = await parse(text);
    expect(observations(items).map((o) => o.line)).toEqual([3]);
    expect(items.filter((item) => item.kind === 'rejected')).toEqual([
      { kind: 'rejected', line: 2, reason: 'glucose value "NA" is not a number' },
      { kind: 'rejected', line: 4, reason: 'time "10-02-2026 08:10:00" is not a valid date and time' },
      { kind: 'rejected', line: 5, reason: 'id is empty' },
      { kind: 'rejected', line: 6, reason: 'time is empty' },
      { kind: 'rejected', line: 7, reason: 'glucose value is empty' },
    ]);
  });

  it('refuses a file without the three columns, naming the missing ones', async () => {
    const error = await parse('id,timestamp,glucose\nA,2026-02-10 08:00:00,100').then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).code).toBe('unknown_layout');
    expect((error as ImportFileError).message).toContain('line 1 lacks time, gl.');
  });

  it('yields nothing but the header for a file with only a header', async () => {
    expect(await parse('id,time,gl\n')).toEqual([{ kind: 'ignored', line: 1 }]);
  });
});
