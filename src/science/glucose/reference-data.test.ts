import fs from 'node:fs';
// Checks against public CGM reference data in ../shared/data/cgm (see its README): the data stays outside the
// repository. CI must have it; elsewhere the tests skip with a message when it is absent.
import { describe, expect, it } from 'vitest';
import { agp } from './agp.ts';
import { glucoseMetrics } from './metrics.ts';
import { type GlucoseReading, toRegularGrid } from './readings.ts';
import { mage } from './variability.ts';

const DATA = new URL('../../../../shared/data/cgm/', import.meta.url);
const available = fs.existsSync(DATA);
const MISSING = `reference data not found: ${DATA.pathname} (../shared/data/cgm next to the repository)`;

interface Row {
  id: string;
  reading: GlucoseReading | undefined;
}

const files = new Map<string, Row[]>();

/** Data rows of an `id,time,gl` file, 1-based as in mage_manual_calculations.csv; NA readings stay as rows. */
function rowsOf(file: string): Row[] {
  let rows = files.get(file);
  if (rows) return rows;
  const lines = fs.readFileSync(new URL(file, DATA), 'utf8').trim().split('\n').slice(1);
  rows = lines.map((line) => {
    const [id = '', time = '', gl = ''] = line.split(',');
    // The files hold local wall-clock time without a zone: read as UTC so the clock time is kept, no DST.
    const epoch = Date.parse(`${time.replace(' ', 'T')}Z`);
    const mgdl = Number(gl);
    const valid = Number.isFinite(epoch) && Number.isFinite(mgdl) && mgdl > 0;
    return { id: id.replaceAll('"', ''), reading: valid ? { time: epoch, mgdl } : undefined };
  });
  files.set(file, rows);
  return rows;
}

function readingsOf(file: string, from = 1, to = Number.POSITIVE_INFINITY, id?: string): GlucoseReading[] {
  return rowsOf(file)
    .slice(from - 1, to)
    .filter((row) => id === undefined || row.id === id)
    .flatMap((row) => (row.reading ? [row.reading] : []));
}

if (!available) {
  describe('CGM reference data (../shared/data/cgm)', () => {
    it.runIf(process.env.CI === 'true')(`is present in CI — ${MISSING}`, () => {
      throw new Error(MISSING);
    });
    it.skip(`skipped: ${MISSING}`, () => {});
  });
}

/** |actual − expected| ≤ 0.01, the rounding of the literals (4 decimals) well inside it. */
function expectNear(actual: number, expected: number, what: string) {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(0.01);
}

describe.skipIf(!available)(
  'Battelino 2019 consensus metrics, GMI (Bergenstal 2018), J-index (Wójcicki 1995), LBGI/HBGI (Kovatchev 1997), GRI (Klonoff 2023) on iglu example_data_5_subject (Broll et al. 2021)',
  () => {
    // Expected values computed independently of this code, in PostgreSQL 15 (psql -h 127.0.0.1 -U postgres):
    //   create temp table cgm (id text, time timestamp, gl double precision);
    //   \copy cgm from 'example_data_5_subject.csv' with (format csv, header true)
    //   select id, count(*), avg(gl), stddev_samp(gl), 100 * stddev_samp(gl) / avg(gl),
    //     3.31 + 0.02392 * avg(gl), 12.71 + 4.70587 * avg(gl) / 18.0156,
    //     100.0 * count(*) filter (where gl < 54) / count(*), … filter (where gl < 70),
    //     … (gl >= 70 and gl <= 180), … (gl >= 70 and gl <= 140), … (gl > 180), … (gl > 250),
    //     0.001 * (avg(gl) + stddev_samp(gl)) ^ 2,
    //     22.77 * sum(f * f) filter (where gl < 112.5) / count(*) as lbgi,   -- f = ln(gl) ^ 1.084 − 5.381
    //     22.77 * sum(f * f) filter (where gl >= 112.5) / count(*) as hbgi,
    //     least(100, 3.0 * %<54 + 2.4 * (%<70 − %<54) + 1.6 * %>250 + 0.8 * (%>180 − %>250)) as gri
    //   from cgm group by id;
    // Days and active %: interval = median step (percentile_cont) snapped to 1/5/15 min; days = (last − first
    // + interval) / 1 day; active = (round(span / interval) + 1 − Σ max(0, round(step / interval) − 1)) / (…).
    // Rounded to 4 decimals. The file has no repeated times and no missing values.
    // biome-ignore format: a table reads better in columns
    const expected: [id: string, n: number, ...values: number[]][] = [
      // id, n, mean, sd, cv, gmi %, gmi mmol/mol, <54, <70, 70–180, 70–140, >180, >250, J, LBGI, HBGI, GRI, days, active
      ['Subject 1', 2915, 123.6655, 33.2681, 26.9017, 6.2681, 45.0128, 0, 0.1372, 91.6638, 73.7221, 8.199, 0.3774, 24.6282, 0.432, 1.8073, 7.1904, 12.6765, 79.8411],
      ['Subject 2', 2829, 218.4528, 52.3711, 23.9736, 8.5354, 69.7722, 0, 0, 26.4404, 3.3581, 73.5596, 26.087, 73.3456, 0.0046, 16.1939, 79.7172, 16.6747, 58.913],
      ['Subject 3', 1533, 154.0417, 44.7831, 29.0721, 6.9947, 52.9474, 0, 0.3262, 81.3438, 49.8369, 18.3301, 5.6751, 39.5313, 0.1423, 5.1081, 19.987, 5.7775, 92.1274],
      ['Subject 4', 3664, 129.6744, 29.0678, 22.416, 6.4118, 46.5824, 0.0546, 0.2729, 95.1146, 67.7402, 4.6124, 0, 25.1991, 0.3562, 1.8657, 4.3777, 12.8908, 98.6803],
      ['Subject 5', 2925, 174.6075, 58.5766, 33.5476, 7.4866, 58.3194, 0, 0.1026, 62.1197, 30.1197, 37.7778, 11.2821, 54.3748, 0.1946, 8.8956, 39.494, 10.6037, 95.776],
    ];

    it.each(expected)('matches the independently computed values for %s', (id, n, ...values) => {
      const m = glucoseMetrics(readingsOf('example_data_5_subject.csv', 1, Number.POSITIVE_INFINITY, id), {
        timeZone: 'UTC',
      });
      expect(m.readings).toBe(n);
      expect(m.intervalMinutes).toBe(5);
      const actual = [
        m.meanMgdl,
        m.sdMgdl,
        m.cvPercent,
        m.gmiPercent,
        m.gmiMmolMol,
        m.percentBelow54,
        m.percentBelow70,
        m.percentIn70to180,
        m.percentIn70to140,
        m.percentAbove180,
        m.percentAbove250,
        m.jIndex,
        m.lbgi,
        m.hbgi,
        m.gri,
        m.days,
        m.activePercent,
      ];
      const names = [
        'mean',
        'sd',
        'cv',
        'gmi',
        'gmi mmol/mol',
        '<54',
        '<70',
        '70–180',
        '70–140',
        '>180',
        '>250',
      ];
      names.push('J', 'LBGI', 'HBGI', 'GRI', 'days', 'active');
      actual.forEach((value, k) => {
        expectNear(value, values[k] as number, `${id} ${names[k]}`);
      });
      // None has 14 days with ≥ 70 % active (Subject 2 has 16.7 days but 58.9 % active).
      expect(m.sufficient).toBe(false);
      expect(m.mageMgdl).not.toBeNull();
      expect(m.congaMgdl).not.toBeNull();
      expect(m.moddMgdl).not.toBeNull();
    });
  },
);

describe.skipIf(!available)('AGP percentiles (type 7, as R quantile) on iglu example_data_5_subject', () => {
  // PostgreSQL's percentile_cont interpolates like type 7:
  //   select (extract(hour from time) * 60 + floor(extract(minute from time) / 15) * 15)::int as bin, count(*),
  //     percentile_cont(0.05) within group (order by gl), … 0.25, 0.5, 0.75, 0.95
  //   from cgm where id = 'Subject 1' group by 1;
  // The wall-clock times are read as UTC and the AGP is computed in UTC, so bins are the recorded clock times.
  const bins = [
    [0, 77.8, 89.5, 96, 122.5, 144.7],
    [480, 102.7, 106, 112, 121.5, 198.6],
    [720, 87.05, 94, 101.5, 137.25, 155],
    [1080, 93.8, 126.5, 168, 206, 265.4],
  ] as const;

  it.each(bins)('Subject 1, bin starting at minute %i', (minute, p5, p25, p50, p75, p95) => {
    const profile = agp(readingsOf('example_data_5_subject.csv', 1, Number.POSITIVE_INFINITY, 'Subject 1'), {
      timeZone: 'UTC',
    });
    const b = profile.minutes.indexOf(minute);
    expectNear(profile.p5[b] as number, p5, 'p5');
    expectNear(profile.p25[b] as number, p25, 'p25');
    expectNear(profile.p50[b] as number, p50, 'p50');
    expectNear(profile.p75[b] as number, p75, 'p75');
    expectNear(profile.p95[b] as number, p95, 'p95');
  });
});

// Fernandes et al. (J Diabetes Sci Technol 2022;16:576) compared their algorithm with 45 manual calculations and
// report the relative error (mean 8.9 %, median 1.4 %, IQR 0.5–7.1 % for iglu's implementation); they state no
// per-trace acceptance limit. We therefore accept |ours − manual| ≤ max(10 % of manual, 15 mg/dL), the limit
// this project set for itself, and list every trace outside it below with the reason.
const MAGE_TOLERANCE = { relative: 0.1, mgdl: 15 } as const;

interface ManualMage {
  row: number;
  dataset: string;
  file: string;
  start: number;
  end: number;
  manual: number;
  subject: string;
  comment: string;
}

function manualCalculations(): ManualMage[] {
  const lines = fs.readFileSync(new URL('mage_manual_calculations.csv', DATA), 'utf8').trim().split('\n');
  return lines.slice(1).map((line) => {
    const c = line.split(',').map((cell) => cell.replaceAll('"', ''));
    // The JHU traces are iglu's example_data_5_subject, stored here under that name.
    const file = c[2] === 'ExampleData5Subjects.csv' ? 'example_data_5_subject.csv' : (c[2] ?? '');
    return {
      row: Number(c[0]),
      dataset: c[1] ?? '',
      file,
      start: Number(c[3]),
      end: Number(c[4]),
      manual: Number(c[5]),
      subject: c[10] ?? '',
      comment: c[11] ?? '',
    };
  });
}

function mageOf(trace: ManualMage, options: Parameters<typeof mage>[1] = {}): number | null {
  return mage(toRegularGrid(readingsOf(trace.file, trace.start, trace.end), 5), options);
}

function withinTolerance(value: number | null, manual: number): boolean {
  if (value === null) return false;
  return Math.abs(value - manual) <= Math.max(MAGE_TOLERANCE.relative * manual, MAGE_TOLERANCE.mgdl);
}

/**
 * Traces where our MAGE (Service direction, gaps > 180 min split) is outside the tolerance, with the reason.
 * Each is checked below so that the explanation stays true.
 */
const KNOWN_DISAGREEMENTS: Record<number, string> = {
  11: 'a 4 h 20 min gap splits the day (gaps > 180 min, iglu ≥ 3.5.1); the hour after it is too short for the 32-point moving average, while the manual calculation spans the gap',
  27: 'the first fall above one SD (199 → 135) precedes the first such rise, so the Service rule picks MAGE−; the manual calculation used MAGE+, which we reproduce',
  28: 'neither direction reaches the manual value (ours: MAGE+ 86.2, MAGE− 81.3; manual 104)',
  34: 'the published algorithm itself gives 38.93 here (iglu v4.0.0 tests, mage_ground_truth.csv); ours agrees with it, not with the manual 69',
};

describe.skipIf(!available)(
  'MAGE, moving-average method (Fernandes et al., J Diabetes Sci Technol 2022), against the manual calculations',
  () => {
    const traces = available ? manualCalculations() : [];
    const agreeing = traces.filter((t) => KNOWN_DISAGREEMENTS[t.row] === undefined);

    it('has the 51 manual traces, 6 of them excluded by the publication', () => {
      expect(traces).toHaveLength(51);
      expect(traces.filter((t) => t.comment === 'exclude').map((t) => t.row)).toEqual([
        19, 20, 21, 22, 23, 45,
      ]);
    });

    // Also the 6 traces the publication excluded (too short, or long missing stretches) are within tolerance.
    it.each(agreeing.map((t) => [t.row, t.dataset, t.subject, t.manual, t] as const))(
      'trace %i (%s, %s): manual %i mg/dL, ours within max(10 %, 15 mg/dL)',
      (_row, _dataset, _subject, manual, trace) => {
        const value = mageOf(trace);
        expect(value, `ours ${value}`).not.toBeNull();
        expect(withinTolerance(value, manual), `ours ${value} vs manual ${manual}`).toBe(true);
      },
    );

    it('agrees within tolerance on 47 of 51 traces (41 of the 45 the publication used)', () => {
      const within = traces.filter((t) => withinTolerance(mageOf(t), t.manual));
      expect(within).toHaveLength(47);
      expect(within.filter((t) => t.comment !== 'exclude')).toHaveLength(41);
    });

    it(`trace 11 is outside: ${KNOWN_DISAGREEMENTS[11]}`, () => {
      const trace = traces.find((t) => t.row === 11) as ManualMage;
      expect(mageOf(trace)).toBeCloseTo(149.99, 1);
      // Treated as one trace across the gap (as by hand), the algorithm gives 101.4: within tolerance of 91.
      const unsplit = mageOf(trace, { maxGapMinutes: Number.POSITIVE_INFINITY });
      expect(unsplit).toBeCloseTo(101.44, 1);
      expect(withinTolerance(unsplit, trace.manual)).toBe(true);
    });

    it(`trace 27 is outside: ${KNOWN_DISAGREEMENTS[27]}`, () => {
      const trace = traces.find((t) => t.row === 27) as ManualMage;
      expect(mageOf(trace)).toBeCloseTo(64, 1);
      expect(mageOf(trace, { direction: 'minus' })).toBeCloseTo(64, 1);
      expect(mageOf(trace, { direction: 'plus' })).toBeCloseTo(154, 1);
      expect(withinTolerance(mageOf(trace, { direction: 'plus' }), trace.manual)).toBe(true);
    });

    it(`trace 28 is outside: ${KNOWN_DISAGREEMENTS[28]}`, () => {
      const trace = traces.find((t) => t.row === 28) as ManualMage;
      expect(mageOf(trace)).toBeCloseTo(86.21, 1);
      expect(mageOf(trace, { direction: 'plus' })).toBeCloseTo(86.21, 1);
      expect(mageOf(trace, { direction: 'minus' })).toBeCloseTo(81.33, 1);
      expect(trace.manual).toBe(104);
    });

    it(`trace 34 is outside: ${KNOWN_DISAGREEMENTS[34]}`, () => {
      const trace = traces.find((t) => t.row === 34) as ManualMage;
      const value = mageOf(trace) as number;
      // iglu puts its grid on the clock (00:05, 00:10 …) and ours on the first reading: within 1 mg/dL.
      expect(Math.abs(value - 38.93)).toBeLessThan(1);
      expect(trace.manual).toBe(69);
    });
  },
);
