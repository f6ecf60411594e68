import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GLUCOSE_METRICS_MODEL,
  type GlucoseMetrics,
  glucoseMetrics,
  glycemiaRiskIndex,
  gmiMmolMol,
  gmiPercent,
  jIndex,
} from './metrics.ts';
import type { GlucoseReading } from './readings.ts';
import { MGDL_PER_MMOL, toMgdl, toMmol } from './units.ts';

const CONSENSUS = 'International Consensus on Time in Range (Battelino, Diabetes Care 2019;42:1593)';
const GMI = 'GMI (Bergenstal, Diabetes Care 2018;41:2275)';
const KOVATCHEV = 'LBGI/HBGI (Kovatchev, Diabetes Care 1997;20:1655)';
const WOJCICKI = 'J-index (Wójcicki, Horm Metab Res 1995;27:41)';
const KLONOFF = 'Glycemia Risk Index (Klonoff, J Diabetes Sci Technol 2023;17:1226)';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 4, 6, 0, 0, 0);

/** Readings every `stepMinutes` from T0 with the given values. */
function series(values: readonly number[], stepMinutes = 5): GlucoseReading[] {
  return values.map((mgdl, i) => ({ time: T0 + i * stepMinutes * MINUTE, mgdl }));
}

const constant = (mgdl: number, count = 288) => series(Array.from({ length: count }, () => mgdl));

describe(`${GMI}: check values`, () => {
  // Bergenstal 2018, Table 1: CGM mean glucose (mg/dL) → GMI (%), printed to one decimal.
  it.each([
    [100, 5.7],
    [125, 6.3],
    [150, 6.9],
    [175, 7.5],
    [200, 8.1],
    [225, 8.7],
    [250, 9.3],
    [275, 9.9],
    [300, 10.5],
    [350, 11.7],
  ])('mean %i mg/dL gives a GMI of %s', (mean, gmi) => {
    expect(gmiPercent(mean).toFixed(1)).toBe(gmi.toFixed(1));
  });

  // Same table, mmol/L → mmol/mol.
  it.each([
    [5, 36.2],
    [6, 40.9],
    [7, 45.7],
    [8, 50.4],
    [9, 55.1],
    [10, 59.8],
    [12, 69.2],
    [14, 78.6],
    [16, 88.0],
    [18, 97.4],
  ])('mean %i mmol/L gives a GMI of %s mmol/mol', (mmol, gmi) => {
    expect(gmiMmolMol(toMgdl(mmol)).toFixed(1)).toBe(gmi.toFixed(1));
  });

  it('reports both GMI forms from the mean of the readings', () => {
    const m = glucoseMetrics(constant(150));
    expect(m.meanMgdl).toBe(150);
    expect(m.meanMmol).toBeCloseTo(150 / 18.0156, 10);
    expect(m.gmiPercent).toBeCloseTo(3.31 + 0.02392 * 150, 10);
    expect(m.gmiMmolMol).toBeCloseTo(12.71 + (4.70587 * 150) / 18.0156, 10);
  });
});

describe(`${CONSENSUS}: range edges with the iglu convention (in range inclusive, below and above strict)`, () => {
  const edges: [number, Partial<GlucoseMetrics>][] = [
    [53.9, { percentBelow54: 100, percentBelow70: 100, percentIn70to180: 0 }],
    [54, { percentBelow54: 0, percentBelow70: 100 }],
    [69.9, { percentBelow54: 0, percentBelow70: 100, percentIn70to180: 0 }],
    [70, { percentBelow70: 0, percentIn70to180: 100, percentIn70to140: 100 }],
    [140, { percentIn70to140: 100, percentIn70to180: 100 }],
    [140.1, { percentIn70to140: 0, percentIn70to180: 100 }],
    [180, { percentIn70to180: 100, percentAbove180: 0 }],
    [180.1, { percentIn70to180: 0, percentAbove180: 100, percentAbove250: 0 }],
    [250, { percentAbove180: 100, percentAbove250: 0 }],
    [250.1, { percentAbove180: 100, percentAbove250: 100 }],
  ];

  it.each(edges)('%s mg/dL', (mgdl, expected) => {
    expect(glucoseMetrics([{ time: T0, mgdl }])).toMatchObject(expected);
  });

  it('counts each reading once: below 70, 70–180 and above 180 add up to 100 %', () => {
    const m = glucoseMetrics(series([40, 60, 70, 100, 150, 180, 200, 260]));
    expect(m.percentBelow54).toBe(12.5);
    expect(m.percentBelow70).toBe(25);
    expect(m.percentIn70to180).toBe(50);
    expect(m.percentIn70to140).toBe(25);
    expect(m.percentAbove180).toBe(25);
    expect(m.percentAbove250).toBe(12.5);
  });
});

describe(`${CONSENSUS}: data sufficiency (14 days, ≥ 70 % of readings) and CV`, () => {
  const fortnight = () => constant(120, 14 * 288);

  it('14 days read every 5 min are 14 days of wear, 100 % active and sufficient', () => {
    const m = glucoseMetrics(fortnight());
    expect(m.intervalMinutes).toBe(5);
    expect(m.days).toBe(14);
    expect(m.activePercent).toBe(100);
    expect(m.sufficient).toBe(true);
  });

  it('is not sufficient with one reading less than 14 days', () => {
    const m = glucoseMetrics(fortnight().slice(1));
    expect(m.days).toBeLessThan(14);
    expect(m.sufficient).toBe(false);
  });

  it('counts readings missing in gaps: 14 days with 29 % removed are still sufficient, 31 % not', () => {
    const all = fortnight();
    // Remove a block in the middle so the span stays 14 days.
    const without = (share: number) => {
      const drop = Math.round(all.length * share);
      return [...all.slice(0, 100), ...all.slice(100 + drop)];
    };
    expect(glucoseMetrics(without(0.29)).activePercent).toBeCloseTo(71, 1);
    expect(glucoseMetrics(without(0.29)).sufficient).toBe(true);
    expect(glucoseMetrics(without(0.31)).activePercent).toBeLessThan(70);
    expect(glucoseMetrics(without(0.31)).sufficient).toBe(false);
  });

  it('computes CV as 100 × SD / mean with the n − 1 SD', () => {
    const m = glucoseMetrics(series([100, 200]));
    expect(m.sdMgdl).toBeCloseTo(Math.SQRT2 * 50, 10);
    expect(m.cvPercent).toBeCloseTo((100 * Math.SQRT2 * 50) / 150, 10);
  });

  it('gives a single reading SD 0 and no time-dependent metrics', () => {
    const m = glucoseMetrics([{ time: T0, mgdl: 100 }]);
    expect(m).toMatchObject({ readings: 1, sdMgdl: 0, cvPercent: 0, intervalMinutes: 5, activePercent: 100 });
    expect(m).toMatchObject({ mageMgdl: null, congaMgdl: null, moddMgdl: null, sufficient: false });
  });
});

describe(`${KOVATCHEV}: f = (ln g)^1.084 − 5.381, r = 22.77 f²`, () => {
  it('is about 0 for a constant 112.5 mg/dL, where the scale is symmetric', () => {
    const m = glucoseMetrics(constant(112.5));
    expect(m.lbgi).toBeLessThan(1e-6);
    expect(m.hbgi).toBeLessThan(1e-6);
  });

  // Kovatchev 1997: the risk runs from 0 to 100, reaching 100 at the extremes of the scale, 20 and 600 mg/dL.
  it('reaches a risk of about 100 at 20 mg/dL (LBGI) and at 600 mg/dL (HBGI)', () => {
    expect(glucoseMetrics(constant(20)).lbgi).toBeCloseTo(100, 0);
    expect(glucoseMetrics(constant(20)).hbgi).toBe(0);
    expect(glucoseMetrics(constant(600)).hbgi).toBeCloseTo(100, 0);
    expect(glucoseMetrics(constant(600)).lbgi).toBe(0);
  });

  it('averages the risk over all readings', () => {
    // r(40) by hand (python3: 22.77 * (math.log(40) ** 1.084 - 5.381) ** 2 = 36.41625…).
    const m = glucoseMetrics(series([40, 112.5, 40, 112.5]));
    expect(m.lbgi).toBeCloseTo(36.41625 / 2, 4);
    expect(m.hbgi).toBeLessThan(1e-6);
  });
});

describe(`${WOJCICKI}: 0.001 × (mean + SD)² in mg/dL`, () => {
  it('is 10 for a constant 100 mg/dL and 48.71 for 100 and 200 mg/dL', () => {
    expect(glucoseMetrics(constant(100)).jIndex).toBeCloseTo(10, 10);
    // mean 150, SD 70.7107: 0.001 × 220.7107² = 48.7132
    expect(glucoseMetrics(series([100, 200])).jIndex).toBeCloseTo(48.7132, 4);
    expect(jIndex(150, 30)).toBeCloseTo(32.4, 10);
  });
});

describe(`${KLONOFF}: 3.0 × %<54 + 2.4 × %54–69 + 1.6 × %>250 + 0.8 × %181–250, capped at 100`, () => {
  it('weighs the four zones', () => {
    // 1 % < 54, 3 % 54–69, 20 % 181–250, 5 % > 250: 3 + 7.2 + 8 + 16 = 34.2 (= 3 × hypo 3.4 + 1.6 × hyper 15).
    const gri = glycemiaRiskIndex({
      percentBelow54: 1,
      percentBelow70: 4,
      percentAbove180: 25,
      percentAbove250: 5,
    });
    expect(gri).toBeCloseTo(34.2, 10);
  });

  it('is 0 with all readings in range and capped at 100 when all are below 54', () => {
    expect(glucoseMetrics(constant(120)).gri).toBe(0);
    expect(glucoseMetrics(constant(50)).gri).toBe(100);
    expect(glucoseMetrics(constant(300)).gri).toBe(100);
  });

  it('follows the readings', () => {
    // 10 readings: one < 54, one 54–69, two 181–250, one > 250 → 3·10 + 2.4·10 + 0.8·20 + 1.6·10 = 86
    const m = glucoseMetrics(series([50, 60, 100, 100, 100, 100, 100, 200, 200, 300]));
    expect(m.gri).toBeCloseTo(86, 10);
  });
});

describe(`${CONSENSUS}: input handling`, () => {
  it('refuses no readings', () => {
    expect(() => glucoseMetrics([])).toThrow(RangeError);
  });

  it.each([
    [{ time: Number.NaN, mgdl: 100 }],
    [{ time: T0, mgdl: 0 }],
    [{ time: T0, mgdl: -5 }],
    [{ time: T0, mgdl: Number.NaN }],
    [{ time: T0, mgdl: Number.POSITIVE_INFINITY }],
    [{ time: T0, mgdl: '100' as unknown as number }],
  ])('refuses an invalid reading %o', (reading) => {
    expect(() => glucoseMetrics([reading])).toThrow(RangeError);
  });

  it.each([0, 2.5, 7, 60, -5])('refuses interval %s min', (intervalMinutes) => {
    expect(() => glucoseMetrics(constant(100), { intervalMinutes })).toThrow(RangeError);
  });

  it('refuses an unknown time zone', () => {
    expect(() => glucoseMetrics(constant(100), { timeZone: 'Europe/Atlantis' })).toThrow(RangeError);
  });

  it('keeps the first of readings with the same time', () => {
    const m = glucoseMetrics([
      { time: T0, mgdl: 100 },
      { time: T0, mgdl: 300 },
      { time: T0 + 5 * MINUTE, mgdl: 120 },
    ]);
    expect(m.readings).toBe(2);
    expect(m.meanMgdl).toBe(110);
  });

  it('detects 1-, 5- and 15-min sampling, or takes the interval given', () => {
    expect(glucoseMetrics(series(Array(60).fill(100), 1)).intervalMinutes).toBe(1);
    expect(glucoseMetrics(series(Array(60).fill(100), 5)).intervalMinutes).toBe(5);
    expect(glucoseMetrics(series(Array(60).fill(100), 15)).intervalMinutes).toBe(15);
    expect(glucoseMetrics(series(Array(60).fill(100), 5), { intervalMinutes: 15 }).intervalMinutes).toBe(15);
  });

  it('names its model and sources', () => {
    expect(GLUCOSE_METRICS_MODEL.id).toBe('cgm-metrics');
    expect(GLUCOSE_METRICS_MODEL.source).toContain('Battelino');
  });
});

// --- properties ---

/** A CGM-like trace: steps of 1–60 min (mostly 5), values 40–400 mg/dL. */
const traceArb = fc
  .array(
    fc.record({
      step: fc.oneof(
        { weight: 8, arbitrary: fc.constant(5) },
        { weight: 2, arbitrary: fc.integer({ min: 1, max: 60 }) },
      ),
      mgdl: fc.oneof(fc.integer({ min: 40, max: 400 }), fc.double({ min: 40, max: 400, noNaN: true })),
    }),
    { minLength: 1, maxLength: 600 },
  )
  .map((points) => {
    let time = T0;
    return points.map(({ step, mgdl }) => {
      time += step * MINUTE;
      return { time, mgdl };
    });
  });

describe(`${CONSENSUS}: properties`, () => {
  it('does not depend on the order of the readings', () => {
    fc.assert(
      fc.property(
        traceArb.chain((trace) =>
          fc.tuple(
            fc.constant(trace),
            fc.shuffledSubarray(trace, { minLength: trace.length, maxLength: trace.length }),
          ),
        ),
        ([trace, shuffled]) => {
          expect(glucoseMetrics(shuffled)).toEqual(glucoseMetrics(trace));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('ignores repeated readings: exact copies anywhere, other values at a known time after the first', () => {
    fc.assert(
      fc.property(
        traceArb
          .chain((trace) => fc.tuple(fc.constant(trace), fc.subarray(trace)))
          .chain(([trace, copies]) => {
            const all = [...trace, ...copies];
            return fc.tuple(
              fc.constant(trace),
              fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
              fc.array(fc.tuple(fc.nat(), fc.integer({ min: 40, max: 400 })), { maxLength: 20 }),
            );
          }),
        ([trace, repeated, others]) => {
          const conflicting = others.map(([k, mgdl]) => ({
            time: (trace[k % trace.length] as GlucoseReading).time,
            mgdl,
          }));
          expect(glucoseMetrics([...repeated, ...conflicting])).toEqual(glucoseMetrics(trace));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps every percentage and index in its range', () => {
    fc.assert(
      fc.property(traceArb, (trace) => {
        const m = glucoseMetrics(trace);
        for (const p of [m.percentBelow54, m.percentBelow70, m.percentIn70to180, m.percentAbove180, m.gri]) {
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(100);
        }
        expect(m.percentBelow54).toBeLessThanOrEqual(m.percentBelow70);
        expect(m.percentIn70to140).toBeLessThanOrEqual(m.percentIn70to180);
        expect(m.percentAbove250).toBeLessThanOrEqual(m.percentAbove180);
        expect(m.percentBelow70 + m.percentIn70to180 + m.percentAbove180).toBeCloseTo(100, 9);
        expect(m.activePercent).toBeGreaterThan(0);
        expect(m.activePercent).toBeLessThanOrEqual(100);
        expect(m.sdMgdl).toBeGreaterThanOrEqual(0);
        expect(m.lbgi).toBeGreaterThanOrEqual(0);
        expect(m.hbgi).toBeGreaterThanOrEqual(0);
        if (m.mageMgdl !== null) expect(m.mageMgdl).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 100 },
    );
  });
});

describe('Units: mg/dL = mmol/L × 18.0156 (DOMAIN.md §3)', () => {
  it('converts with the factor', () => {
    expect(MGDL_PER_MMOL).toBe(18.0156);
    expect(toMgdl(10)).toBeCloseTo(180.156, 10);
    expect(toMmol(180.156)).toBeCloseTo(10, 10);
  });

  it('round-trips mg/dL ↔ mmol/L', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 2000, noNaN: true }), (value) => {
        expect(toMgdl(toMmol(value))).toBeCloseTo(value, 9);
        expect(toMmol(toMgdl(value))).toBeCloseTo(value, 9);
      }),
    );
  });
});
