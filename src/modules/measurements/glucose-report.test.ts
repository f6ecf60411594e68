import { execFile } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeGlucoseReport, reportRows, reportTable } from './glucose-report.ts';
import type { ImportSource } from './importers/types.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/topfit.mjs');
const FIXTURES = new URL('./importers/fixtures/', import.meta.url);
const DATA = new URL('../../../../shared/data/cgm/', import.meta.url);
const IGLU = new URL('example_data_5_subject.csv', DATA);
const DEXCOM = new URL('dexcom_clarity_test_file.csv', DATA);
const available = existsSync(IGLU) && existsSync(DEXCOM);
const MISSING = `CGM data not found: ${DATA.pathname} (../shared/data/cgm next to the repository)`;

async function topfit(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'glucose-report', ...args], {
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const fixtureSource = (name: string): ImportSource => ({
  name,
  size: null,
  open: () => createReadStream(new URL(name, FIXTURES)),
});

/** Mean, count and percentages worked out from the rows themselves, not through the importers or the science. */
function summaryOf(values: number[]) {
  const n = values.length;
  const share = (test: (value: number) => boolean) => (100 * values.filter(test).length) / n;
  return {
    readings: n,
    mean: values.reduce((sum, value) => sum + value, 0) / n,
    inRange: share((value) => value >= 70 && value <= 180),
    tight: share((value) => value >= 70 && value <= 140),
    below70: share((value) => value < 70),
    above250: share((value) => value > 250),
  };
}

if (!available) {
  describe('topfit glucose-report on the public CGM data', () => {
    it.runIf(process.env.CI === 'true')(`has its data in CI — ${MISSING}`, () => {
      throw new Error(MISSING);
    });
    it.skip(`skipped: ${MISSING}`, () => {});
  });
}

describe.skipIf(!available)('topfit glucose-report on the public CGM data', () => {
  it('reports each subject of the iglu example (id,time,gl) with the mean and ranges of its rows', async () => {
    const result = await topfit(IGLU.pathname, '--format', 'csv', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as Record<string, number | string | boolean | null>[];

    const bySubject = new Map<string, number[]>();
    for (const line of readFileSync(IGLU, 'utf8').trim().split('\n').slice(1)) {
      const [id = '', , gl = ''] = line.split(',');
      const values = bySubject.get(id.replaceAll('"', '')) ?? [];
      values.push(Number(gl));
      bySubject.set(id.replaceAll('"', ''), values);
    }
    expect(rows.map((row) => row.id)).toEqual([...bySubject.keys()]);
    for (const row of rows) {
      const expected = summaryOf(bySubject.get(row.id as string) as number[]);
      expect(row.readings).toBe(expected.readings);
      expect(row.mean_mg_dl as number).toBeCloseTo(expected.mean, 9);
      expect(row.percent_in_70_180 as number).toBeCloseTo(expected.inRange, 9);
      expect(row.percent_in_70_140 as number).toBeCloseTo(expected.tight, 9);
      expect(row.percent_below_70 as number).toBeCloseTo(expected.below70, 9);
      expect(row.percent_above_250 as number).toBeCloseTo(expected.above250, 9);
      expect(row.gmi_percent as number).toBeCloseTo(3.31 + 0.02392 * expected.mean, 9);
      for (const key of [
        'days',
        'active_percent',
        'sd_mg_dl',
        'cv_percent',
        'percent_below_54',
        'percent_above_180',
        'lbgi',
        'hbgi',
        'j_index',
        'gri',
        'mage_mg_dl',
        'conga_mg_dl',
        'modd_mg_dl',
      ]) {
        expect(typeof row[key], key).toBe('number');
      }
      expect(row.sufficient).toBe(false);
    }
  });

  it('reports the Dexcom sample as one subject named after the file, from its EGV rows', async () => {
    const result = await topfit(DEXCOM.pathname, '--json');
    expect(result.code).toBe(0);
    const [row, ...more] = JSON.parse(result.stdout) as Record<string, number | string>[];
    expect(more).toEqual([]);
    const egvs = readFileSync(DEXCOM, 'utf8')
      .split('\n')
      .map((line) => line.split(','))
      .filter((fields) => fields[2] === 'EGV')
      .map((fields) => Number(fields[7]));
    const expected = summaryOf(egvs);
    expect(row?.id).toBe('dexcom_clarity_test_file');
    expect(row?.readings).toBe(2148);
    expect(row?.mean_mg_dl as number).toBeCloseTo(expected.mean, 9);
    expect(row?.percent_in_70_180 as number).toBeCloseTo(expected.inRange, 9);
    expect(row?.first_time).toBe('2016-10-24T09:24:17.000Z');
  });
});

describe('topfit glucose-report: tables, warnings and failures', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'topfit-glucose-report-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints an aligned table and warns on stderr about rejected rows with their count and lines', async () => {
    const file = path.join(dir, 'two.csv');
    const rows = ['id,time,gl'];
    for (let i = 0; i < 12; i++) rows.push(`A,2026-02-10 08:${String(i * 5).padStart(2, '0')}:00,${100 + i}`);
    rows.splice(3, 0, 'A,2026-02-10 07:00:00,NA', 'A,2026-02-10 07:05:00,5000');
    rows.push('B,2026-02-10 08:00:00,90', 'B,not a time,90');
    await writeFile(file, rows.join('\n'));
    const result = await topfit(file);
    expect(result.code).toBe(0);
    expect(result.stderr.trim()).toBe(
      'warning: 3 rows rejected (lines 4, 5, 17); line 4: glucose value "NA" is not a number',
    );
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^id\s+readings\s+days\s+active%\s+mean\s+SD\s+CV%\s+GMI%/);
    expect(lines[1]).toMatch(/^A\s+12\s/);
    expect(lines[2]).toMatch(/^B\s+1\s/);
    // Right-aligned numbers: every row as long as the header.
    expect(new Set(lines.slice(0, 3).map((line) => line.length)).size).toBe(1);
  });

  it('exits 2 with a clear message for a file it cannot read or does not know', async () => {
    const missing = await topfit(path.join(dir, 'missing.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing.csv: cannot read it (ENOENT)');
    const unknown = path.join(dir, 'notes.txt');
    await writeFile(unknown, 'just some notes\nnothing else\n');
    const notKnown = await topfit(unknown);
    expect(notKnown.code).toBe(2);
    expect(notKnown.stderr).toContain('This file is in none of the formats we read: LibreView CSV');
    expect(notKnown.stdout).toBe('');
  });
});

describe('computeGlucoseReport', () => {
  it('counts only continuous readings: LibreView scans and strip values stay out', async () => {
    const report = await computeGlucoseReport(fixtureSource('libreview-libre2-mgdl-dmy.csv'), {
      format: 'auto',
      timeZone: 'Europe/Amsterdam',
    });
    expect(report.format).toBe('libreview');
    expect(report.subjects.map((subject) => [subject.id, subject.metrics.readings])).toEqual([
      ['libreview-libre2-mgdl-dmy', 8],
    ]);
    expect(report.subjects[0]?.metrics.meanMgdl).toBeCloseTo(
      (98 + 101 + 104 + 107 + 110 + 112 + 115 + 118) / 8,
      9,
    );
    // Fifteen minutes apart through the start of summer time: the sensor ran without a gap.
    expect(report.subjects[0]?.metrics.activePercent).toBe(100);
  });

  it('reads Nightscout entries (helper B) as one subject and names the metrics in snake_case', async () => {
    const report = await computeGlucoseReport(fixtureSource('ns-entries.json'), {
      format: 'nightscout',
      timeZone: 'Europe/Amsterdam',
    });
    const [row] = reportRows(report);
    expect(row?.id).toBe('ns-entries');
    expect(Object.keys(row ?? {})).toEqual(
      expect.arrayContaining([
        'readings',
        'days',
        'active_percent',
        'mean_mg_dl',
        'sd_mg_dl',
        'cv_percent',
        'gmi_percent',
        'percent_in_70_180',
        'percent_in_70_140',
        'percent_below_54',
        'percent_below_70',
        'percent_above_180',
        'percent_above_250',
        'lbgi',
        'hbgi',
        'j_index',
        'gri',
        'mage_mg_dl',
        'conga_mg_dl',
        'modd_mg_dl',
        'sufficient',
      ]),
    );
    expect(reportTable(report).split('\n')[1]).toMatch(/^ns-entries\s+\d+\s/);
  });

  it('refuses a format the report does not take', async () => {
    await expect(
      computeGlucoseReport(fixtureSource('fhir-bundle.json'), {
        format: 'auto',
        timeZone: 'Europe/Amsterdam',
      }),
    ).rejects.toThrow('This is a fhir file; the glucose report reads csv, libreview, dexcom, nightscout.');
  });
});
