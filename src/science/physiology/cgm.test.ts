import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type GlucoseMetrics, type GlucoseReading, glucoseMetrics } from '../glucose/index.ts';
import { minutesOfDay, utcOffsetMs } from '../glucose/local-time.ts';
import { createRandom } from '../random.ts';
import {
  CGM_DEVICES,
  CGM_FLAG,
  type CgmDevice,
  type CgmSimulation,
  type CgmTrace,
  type GlycaemicStatus,
  type PhysiologyProfile,
  simulateCgm,
} from './cgm.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Monday 2 March 2026, 09:00 UTC (10:00 in Amsterdam): no daylight saving change in the fortnight. */
const START = Date.UTC(2026, 2, 2, 9, 0);
const ZONE = 'Europe/Amsterdam';

function fortnight(device: CgmDevice = 'libre3', start = START, timeZone = ZONE): CgmSimulation {
  return { start, days: 14, device, timeZone };
}

function readingsOf(trace: CgmTrace): GlucoseReading[] {
  return Array.from(trace.times, (time, k) => ({ time, mgdl: trace.mgdl[k] as number }));
}

function metricsOf(trace: CgmTrace, device: CgmDevice = 'libre3'): GlucoseMetrics {
  return glucoseMetrics(readingsOf(trace), {
    timeZone: ZONE,
    intervalMinutes: CGM_DEVICES[device].intervalMinutes,
  });
}

/** Type 7 quantile (as R's `quantile`), also used for the Hall subjects. */
function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (h - lo);
}

const median = (values: readonly number[]) => quantile(values, 0.5);

interface Person {
  profile: PhysiologyProfile;
  trace: CgmTrace;
  metrics: GlucoseMetrics;
  /** mean over days of the highest reading of the local day */
  meanDailyMax: number;
}

interface GroupSpec {
  status: GlycaemicStatus;
  n: number;
  age: [number, number];
  bmi: [number, number];
  treatedShare?: number;
  device?: CgmDevice;
}

function meanDailyMax(trace: CgmTrace): number {
  // A new local day starts where the minute of the day goes back (gaps are far shorter than a day).
  const minutes = minutesOfDay(trace.times, ZONE);
  const maxima: number[] = [];
  let max = 0;
  for (let k = 0; k < trace.times.length; k++) {
    if (k > 0 && (minutes[k] as number) < (minutes[k - 1] as number)) {
      maxima.push(max);
      max = 0;
    }
    max = Math.max(max, trace.mgdl[k] as number);
  }
  maxima.push(max);
  return maxima.reduce((a, b) => a + b, 0) / maxima.length;
}

/** A fixed-seed group of simulated persons: person i's profile and trace come from `derive(i)`. */
function simulateGroup(seed: string, spec: GroupSpec): Person[] {
  const root = createRandom(seed);
  const device = spec.device ?? 'libre3';
  return Array.from({ length: spec.n }, (_, i) => {
    const random = root.derive(i);
    const draw = random.derive('profile');
    const profile: PhysiologyProfile = {
      status: spec.status,
      ageYears: Math.round(draw.uniform(spec.age[0], spec.age[1])),
      sex: i % 2 === 0 ? 'female' : 'male',
      bmi: draw.uniform(spec.bmi[0], spec.bmi[1]),
      dailyActivity: draw.chance(0.5),
      treated: draw.chance(spec.treatedShare ?? 0),
    };
    const trace = simulateCgm(profile, fortnight(device), random);
    return { profile, trace, metrics: metricsOf(trace, device), meanDailyMax: meanDailyMax(trace) };
  });
}

// Shah 2019 studied non-obese people aged 7–80; we take adults 18–80 with BMI 19–30, half of them active daily.
const normal = simulateGroup('physiology-normal', { status: 'normal', n: 40, age: [18, 80], bmi: [19, 30] });
const prediabetes = simulateGroup('physiology-prediabetes', {
  status: 'prediabetes',
  n: 40,
  age: [35, 80],
  bmi: [22, 38],
});
const type2 = simulateGroup('physiology-type2', {
  status: 'type2',
  n: 60,
  age: [40, 85],
  bmi: [23, 42],
  treatedShare: 0.5,
});

const of = (group: Person[], metric: (p: Person) => number) => group.map(metric);

describe('People without diabetes, against Shah VN et al., Continuous glucose monitoring profiles in healthy nondiabetic participants: a multicenter prospective study. J Clin Endocrinol Metab 2019;104(10):4356–4364', () => {
  // Shah 2019 (153 participants, Dexcom G6): median time 70–140 mg/dL 96 % (IQR 93–98), within-person CV
  // 17 ± 3 %, mean glucose 98–99 mg/dL (104 over 60 years), median time > 140 2.1 %, median time < 70 1.1 %.
  // Tolerances from our sample of 40: the standard error of a median is about 1.25 σ / √n; with Shah's IQR of
  // 5 points (σ ≈ 3.7) that is 0.7 points for the time in range, so the accepted 93–99 is about ±4 SE. For the CV
  // (σ = 3) the SE of the mean is 0.5 and 13–21 is ±8 SE, wide because a model is not a cohort.

  it('keeps the median person about 96 % of the time in 70–140 mg/dL (accepted 93–99 %)', () => {
    const value = median(of(normal, (p) => p.metrics.percentIn70to140));
    expect(value).toBeGreaterThanOrEqual(93);
    expect(value).toBeLessThanOrEqual(99);
  });

  it('has a within-person CV of about 17 % (mean of the persons, accepted 13–21 %)', () => {
    const cvs = of(normal, (p) => p.metrics.cvPercent);
    const mean = cvs.reduce((a, b) => a + b, 0) / cvs.length;
    expect(mean).toBeGreaterThanOrEqual(13);
    expect(mean).toBeLessThanOrEqual(21);
  });

  it('has a median mean glucose of about 98–100 mg/dL (accepted 90–108)', () => {
    const value = median(of(normal, (p) => p.metrics.meanMgdl));
    expect(value).toBeGreaterThanOrEqual(90);
    expect(value).toBeLessThanOrEqual(108);
  });

  it('spends little time below 70 mg/dL (median about 1 %, below 4 %) and little above 140 (median about 2 %)', () => {
    const below = median(of(normal, (p) => p.metrics.percentBelow70));
    expect(below).toBeGreaterThan(0);
    expect(below).toBeLessThan(4);
    const above = median(of(normal, (p) => 100 - p.metrics.percentIn70to140 - p.metrics.percentBelow70));
    expect(above).toBeGreaterThan(0.5);
    expect(above).toBeLessThan(5);
  });

  it('gives everyone a GMI below the prediabetes range of 5.7 % or just at it', () => {
    // GMI (Bergenstal 2018) of 5.7 % is a mean of 100 mg/dL; people without diabetes above 60 average 104 (GMI 5.8).
    expect(
      quantile(
        of(normal, (p) => p.metrics.gmiPercent),
        0.9,
      ),
    ).toBeLessThan(6);
  });
});

// ----------------------------------------------------------------------------------------------------------
// Hall 2018 reference data (../shared/data/cgm, see src/science/glucose/reference-data.test.ts for the rule).
// ----------------------------------------------------------------------------------------------------------

const HALL = new URL('../../../../shared/data/cgm/Hall2018_processed.csv', import.meta.url);
const hallAvailable = fs.existsSync(HALL);
const MISSING = `reference data not found: ${HALL.pathname} (../shared/data/cgm next to the repository)`;

if (!hallAvailable) {
  describe('CGM reference data (../shared/data/cgm/Hall2018_processed.csv)', () => {
    it.runIf(process.env.CI === 'true')(`is present in CI — ${MISSING}`, () => {
      throw new Error(MISSING);
    });
    it.skip(`skipped: ${MISSING}`, () => {});
  });
}

interface HallSubject {
  id: string;
  metrics: GlucoseMetrics;
  max: number;
}

function hallSubjects(): HallSubject[] {
  const bySubject = new Map<string, GlucoseReading[]>();
  const lines = fs.readFileSync(HALL, 'utf8').trim().split('\n').slice(1);
  for (const line of lines) {
    const [id = '', time = '', gl = ''] = line.split(',');
    // Local wall-clock time without a zone: read as UTC (no daylight saving shift); only the readings matter here.
    const epoch = Date.parse(`${time.replace(' ', 'T')}Z`);
    const mgdl = Number(gl);
    if (!Number.isFinite(epoch) || !(mgdl > 0)) continue;
    const key = id.replaceAll('"', '');
    const readings = bySubject.get(key) ?? [];
    if (readings.length === 0) bySubject.set(key, readings);
    readings.push({ time: epoch, mgdl });
  }
  return [...bySubject].map(([id, readings]) => ({
    id,
    metrics: glucoseMetrics(readings, { timeZone: 'UTC' }),
    max: readings.reduce((m, r) => Math.max(m, r.mgdl), 0),
  }));
}

describe.skipIf(!hallAvailable)(
  'People without diabetes, against Hall H et al., Glucotypes reveal new patterns of glucose dysregulation. PLoS Biol 2018;16(7):e2005143 (Hall2018_processed.csv)',
  () => {
    // Hall's 57 participants had no diabetes diagnosis, but the cohort includes prediabetes and diabetes found by
    // testing, and the file carries no diagnosis. We compare with the subjects whose own trace looks
    // normoglycaemic: mean below 110 mg/dL (GMI below 5.9 %) and no reading above 200 mg/dL (the diagnostic
    // threshold of a random or 2-hour glucose for diabetes). That leaves 34 subjects. The selection cuts off the
    // top of the distribution, so the same selection is applied to the simulated people (it keeps 38 of 40):
    // like is compared with like.
    const subjects = hallAvailable ? hallSubjects() : [];
    const normoglycaemic = (mean: number, max: number) => mean < 110 && max <= 200;
    const selected = subjects.filter((s) => normoglycaemic(s.metrics.meanMgdl, s.max));
    const simulatedSelected = normal.filter((p) =>
      normoglycaemic(p.metrics.meanMgdl, Math.max(...p.trace.mgdl)),
    );
    const hall = (metric: (m: GlucoseMetrics) => number) => selected.map((s) => metric(s.metrics));
    const simulated = (metric: (m: GlucoseMetrics) => number) =>
      median(simulatedSelected.map((p) => metric(p.metrics)));
    const within = (value: number, values: number[], lower: number, upper: number) => {
      expect(value).toBeGreaterThanOrEqual(quantile(values, lower));
      expect(value).toBeLessThanOrEqual(quantile(values, upper));
    };

    it('selects 34 of the 57 subjects, and most simulated people, as normoglycaemic', () => {
      expect(subjects).toHaveLength(57);
      expect(selected).toHaveLength(34);
      expect(simulatedSelected.length).toBeGreaterThanOrEqual(0.8 * normal.length);
    });

    it("puts the simulated median mean glucose within the Hall subjects' interquartile range", () => {
      within(
        simulated((m) => m.meanMgdl),
        hall((m) => m.meanMgdl),
        0.25,
        0.75,
      );
    });

    it("puts the simulated median CV within the Hall subjects' interquartile range", () => {
      within(
        simulated((m) => m.cvPercent),
        hall((m) => m.cvPercent),
        0.25,
        0.75,
      );
    });

    it("puts the simulated median MAGE within the Hall subjects' interquartile range", () => {
      within(
        simulated((m) => m.mageMgdl ?? Number.NaN),
        hall((m) => m.mageMgdl ?? Number.NaN),
        0.25,
        0.75,
      );
    });

    it("puts the simulated median time above 140 mg/dL within the Hall subjects' interquartile range", () => {
      const above = (m: GlucoseMetrics) => 100 - m.percentIn70to140 - m.percentBelow70;
      within(simulated(above), hall(above), 0.25, 0.75);
    });

    it("puts the simulated median time in 70–140 mg/dL within the Hall subjects' 10th–90th percentiles", () => {
      // Not the IQR: Hall used the Dexcom G4, whose normoglycaemic subjects here spend a median 3.3 % below
      // 70 mg/dL against 1.1 % with the G6 in Shah 2019. That low reading moves Hall's time in 70–140 down (IQR
      // 89.7–95.6 against Shah's 93–98), while our sensor model is calibrated to the newer sensors. The time above
      // 140, which the low bias does not touch, is held to the IQR in the test before.
      expect(median(hall((m) => m.percentBelow70))).toBeGreaterThan(3);
      within(
        simulated((m) => m.percentIn70to140),
        hall((m) => m.percentIn70to140),
        0.1,
        0.9,
      );
    });
  },
);

describe('Prediabetes: larger excursions after meals than without diabetes (the issue); GMI in the HbA1c range of prediabetes, 5.7–6.4 % (American Diabetes Association, Standards of Care in Diabetes — Classification and diagnosis, Diabetes Care 2024;47(Suppl 1):S20–S42; GMI after Bergenstal 2018)', () => {
  it('spends more time above 140 mg/dL than people without diabetes', () => {
    const above = (p: Person) => 100 - p.metrics.percentIn70to140 - p.metrics.percentBelow70;
    expect(median(of(prediabetes, above))).toBeGreaterThan(2 * median(of(normal, above)));
  });

  it('has larger excursions: higher MAGE and a higher daily maximum than people without diabetes', () => {
    const mage = (p: Person) => p.metrics.mageMgdl ?? 0;
    expect(median(of(prediabetes, mage))).toBeGreaterThan(1.3 * median(of(normal, mage)));
    // The daily peak follows the meals; 20 mg/dL more is well beyond the spread of a median of 40 persons.
    expect(median(of(prediabetes, (p) => p.meanDailyMax))).toBeGreaterThan(
      median(of(normal, (p) => p.meanDailyMax)) + 20,
    );
  });

  it('has a median GMI within 5.7–6.4 %, the HbA1c range that defines prediabetes', () => {
    const gmi = median(of(prediabetes, (p) => p.metrics.gmiPercent));
    expect(gmi).toBeGreaterThanOrEqual(5.7);
    expect(gmi).toBeLessThanOrEqual(6.4);
  });

  it('stays mostly below 180 mg/dL (median time in 70–180 above 90 %, the consensus target being > 70 % in diabetes, Battelino 2019)', () => {
    expect(median(of(prediabetes, (p) => p.metrics.percentIn70to180))).toBeGreaterThan(90);
  });
});

describe('Type 2 diabetes: GMI 6.5–9 % (the issue; GMI after Bergenstal RM et al., Diabetes Care 2018;41(11):2275–2280)', () => {
  it('gives at least 90 % of persons (half of them on metformin) a GMI of 6.5–9 %', () => {
    const inRange = type2.filter((p) => p.metrics.gmiPercent >= 6.5 && p.metrics.gmiPercent <= 9);
    expect(inRange.length / type2.length).toBeGreaterThanOrEqual(0.9);
  });

  it('lowers the mean with metformin for the same person (Hundal 2000: hepatic glucose output −24 %)', () => {
    for (let i = 0; i < 10; i++) {
      const profile: PhysiologyProfile = {
        status: 'type2',
        ageYears: 60,
        sex: 'male',
        bmi: 31,
        dailyActivity: false,
      };
      const untreated = metricsOf(simulateCgm(profile, fortnight(), createRandom(`metformin-${i}`)));
      const treated = metricsOf(
        simulateCgm({ ...profile, treated: true }, fortnight(), createRandom(`metformin-${i}`)),
      );
      expect(treated.meanMgdl).toBeLessThan(untreated.meanMgdl - 5);
    }
  });

  it('shows the dawn phenomenon: higher glucose at 05:00–06:00 than at 02:00–03:00 local time, before breakfast', () => {
    let higher = 0;
    for (const person of type2) {
      const minutes = minutesOfDay(person.trace.times, ZONE);
      const byHour = (from: number) => {
        let sum = 0;
        let count = 0;
        minutes.forEach((minute, k) => {
          if (minute >= from * 60 && minute < (from + 1) * 60) {
            sum += person.trace.mgdl[k] as number;
            count++;
          }
        });
        return sum / count;
      };
      if (byHour(5) > byHour(2)) higher++;
    }
    // Sensor noise and the odd compression low can reverse a single person; most must rise.
    expect(higher / type2.length).toBeGreaterThan(0.8);
  });

  it('keeps the same person higher than with prediabetes or without diabetes', () => {
    expect(median(of(type2, (p) => p.metrics.meanMgdl))).toBeGreaterThan(
      median(of(prediabetes, (p) => p.metrics.meanMgdl)),
    );
    expect(median(of(prediabetes, (p) => p.metrics.meanMgdl))).toBeGreaterThan(
      median(of(normal, (p) => p.metrics.meanMgdl)),
    );
  });
});

describe('Exercise raises glucose uptake and insulin sensitivity (Breton MD, J Diabetes Sci Technol 2008;2(1):169–174)', () => {
  it('lowers the mean glucose of the same person when they are active every day', () => {
    for (const status of ['normal', 'prediabetes', 'type2'] as const) {
      for (let i = 0; i < 4; i++) {
        const profile: PhysiologyProfile = {
          status,
          ageYears: 55,
          sex: 'female',
          bmi: 28,
          dailyActivity: false,
        };
        const inactive = metricsOf(simulateCgm(profile, fortnight(), createRandom(`exercise-${i}`)));
        const active = metricsOf(
          simulateCgm({ ...profile, dailyActivity: true }, fortnight(), createRandom(`exercise-${i}`)),
        );
        expect(active.meanMgdl).toBeLessThan(inactive.meanMgdl);
      }
    }
  });

  it('reports more activity bouts for people who are active every day', () => {
    const profile: PhysiologyProfile = {
      status: 'normal',
      ageYears: 40,
      sex: 'male',
      bmi: 24,
      dailyActivity: false,
    };
    let activeBouts = 0;
    let inactiveBouts = 0;
    for (let i = 0; i < 10; i++) {
      inactiveBouts +=
        simulateCgm(profile, fortnight(), createRandom(`bouts-${i}`)).events?.activityTimes.length ?? 0;
      activeBouts +=
        simulateCgm({ ...profile, dailyActivity: true }, fortnight(), createRandom(`bouts-${i}`)).events
          ?.activityTimes.length ?? 0;
    }
    expect(activeBouts).toBeGreaterThan(1.5 * inactiveBouts);
  });
});

describe('Determinism (the brief: same seed, same data)', () => {
  const profile: PhysiologyProfile = {
    status: 'prediabetes',
    ageYears: 52,
    sex: 'female',
    bmi: 29,
    dailyActivity: true,
  };

  it('gives the same trace for the same profile, simulation and seed', () => {
    const a = simulateCgm(profile, fortnight(), createRandom(7));
    const b = simulateCgm(profile, fortnight(), createRandom(7));
    expect(b.times).toEqual(a.times);
    expect(b.mgdl).toEqual(a.mgdl);
    expect(b.flags).toEqual(a.flags);
    expect(b.events).toEqual(a.events);
  });

  it('gives a different trace for a different seed', () => {
    const a = simulateCgm(profile, fortnight(), createRandom(7));
    const b = simulateCgm(profile, fortnight(), createRandom(8));
    expect(Array.from(b.mgdl)).not.toEqual(Array.from(a.mgdl));
  });

  it('gives a local day the same meals whatever day the sensor started', () => {
    const a = simulateCgm(profile, fortnight(), createRandom(7));
    const b = simulateCgm(profile, fortnight('libre3', START + 3 * DAY_MS), createRandom(7));
    const shared = (t: number) => t >= START + 4 * DAY_MS && t < START + 14 * DAY_MS;
    const mealsA = Array.from(a.events?.mealTimes ?? []).filter(shared);
    const mealsB = Array.from(b.events?.mealTimes ?? []).filter(shared);
    expect(mealsA.length).toBeGreaterThan(30);
    expect(mealsB).toEqual(mealsA);
  });
});

describe('Sensor (FreeStyle Libre 2 and 3 user manuals, Abbott: 40–500 mg/dL, 60 min warm-up, 14 days; Dexcom G7 user guide: 40–400 mg/dL, 30 min warm-up, 10 days; intervals from the issue)', () => {
  const profile: PhysiologyProfile = {
    status: 'type2',
    ageYears: 64,
    sex: 'male',
    bmi: 33,
    dailyActivity: false,
  };

  it.each([
    ['libre3', 5],
    ['libre2', 15],
    ['dexcom_g7', 5],
  ] as const)('reads %s every %i minutes, on a grid from the end of the warm-up', (device, interval) => {
    const trace = simulateCgm(profile, fortnight(device), createRandom(`grid-${device}`));
    const first = START + CGM_DEVICES[device].warmUpMinutes * MINUTE_MS;
    expect(trace.times[0]).toBeGreaterThanOrEqual(first);
    expect(((trace.times[0] as number) - first) % (interval * MINUTE_MS)).toBe(0);
    const steps = new Set<number>();
    for (let k = 1; k < trace.times.length; k++) {
      const step = ((trace.times[k] as number) - (trace.times[k - 1] as number)) / MINUTE_MS;
      expect(step % interval).toBe(0);
      steps.add(step);
    }
    expect(Math.min(...steps)).toBe(interval);
    expect(trace.times[trace.times.length - 1]).toBeLessThan(START + 14 * DAY_MS);
    expect(metricsOf(trace, device).intervalMinutes).toBe(interval);
  });

  it('reports whole mg/dL within the device range, and flags exactly the clamped readings', () => {
    let above = 0;
    let below = 0;
    for (let i = 0; i < 12; i++) {
      const device: CgmDevice = i % 2 === 0 ? 'dexcom_g7' : 'libre3';
      const { lowMgdl, highMgdl } = CGM_DEVICES[device];
      const status: GlycaemicStatus = i % 3 === 0 ? 'normal' : 'type2';
      const person: PhysiologyProfile = { ...profile, status, bmi: 38 };
      const trace = simulateCgm(person, fortnight(device), createRandom(`range-${i}`));
      const wrong = Array.from(trace.mgdl).filter(
        (value, k) =>
          !Number.isInteger(value) ||
          value < lowMgdl ||
          value > highMgdl ||
          (trace.flags[k] === CGM_FLAG.aboveRange && value !== highMgdl) ||
          (trace.flags[k] === CGM_FLAG.belowRange && value !== lowMgdl),
      );
      expect(wrong).toEqual([]);
      above += trace.flags.filter((f) => f === CGM_FLAG.aboveRange).length;
      below += trace.flags.filter((f) => f === CGM_FLAG.belowRange).length;
    }
    // Dexcom reports above 400 as "High": untreated type 2 diabetes with obesity reaches it after large meals.
    expect(above).toBeGreaterThan(0);
    expect(below).toBeGreaterThanOrEqual(0);
  });

  it('loses signal now and then, but keeps ≥ 70 % of readings (Battelino 2019) in ≥ 90 % of fortnights', () => {
    const all = [...normal, ...prediabetes, ...type2];
    const sufficient = all.filter((p) => p.metrics.activePercent >= 70 && p.metrics.days >= 13.9);
    expect(sufficient.length / all.length).toBeGreaterThanOrEqual(0.9);
    const withGaps = all.filter((p) => {
      const times = p.trace.times;
      for (let k = 1; k < times.length; k++) {
        if ((times[k] as number) - (times[k - 1] as number) > 5 * MINUTE_MS) return true;
      }
      return false;
    });
    expect(withGaps.length / all.length).toBeGreaterThan(0.9);
    // About 2–5 % of the time missing (the brief): the median fortnight, warm-up included.
    const missing = median(all.map((p) => 100 - p.metrics.activePercent));
    expect(missing).toBeGreaterThanOrEqual(2);
    expect(missing).toBeLessThanOrEqual(5);
  });

  it('starts a new Dexcom G7 sensor after 10 days, with a new 30-minute warm-up', () => {
    const trace = simulateCgm(profile, fortnight('dexcom_g7'), createRandom('g7-change'));
    const change = START + 10 * DAY_MS;
    const inWarmUp = Array.from(trace.times).filter((t) => t >= change && t < change + 30 * MINUTE_MS);
    expect(inWarmUp).toHaveLength(0);
    expect(Array.from(trace.times).some((t) => t >= change + 30 * MINUTE_MS && t < change + DAY_MS)).toBe(
      true,
    );
  });

  it('keeps meals at local clock times across the end of daylight saving time (25 October 2026, Amsterdam)', () => {
    // Start 20 October 2026 for a fortnight. A local day's plan is drawn from that day's own stream, so the same
    // person in UTC eats at the same clock times: Amsterdam meals, shifted to local time, must equal them.
    const start = Date.UTC(2026, 9, 20, 8, 0);
    const person: PhysiologyProfile = {
      status: 'normal',
      ageYears: 45,
      sex: 'female',
      bmi: 24,
      dailyActivity: true,
    };
    const amsterdam = simulateCgm(person, fortnight('libre3', start, ZONE), createRandom('dst'));
    const utc = simulateCgm(person, fortnight('libre3', start, 'UTC'), createRandom('dst'));
    const local = Array.from(amsterdam.events?.mealTimes ?? [], (t) => t + utcOffsetMs(ZONE, t));
    const inBoth = (t: number) => t >= start + 3 * DAY_MS && t < start + 13 * DAY_MS;
    expect(local.filter(inBoth)).toEqual(Array.from(utc.events?.mealTimes ?? []).filter(inBoth));
    // Summer time (UTC+2) before 03:00 on 25 October, winter time (UTC+1) after it.
    const change = Date.UTC(2026, 9, 25, 1, 0);
    const offsets = Array.from(amsterdam.events?.mealTimes ?? [], (t) => (t < change ? 2 : 1));
    expect(offsets).toContain(2);
    expect(offsets).toContain(1);
    // Glucose rises in the hour after a meal on both sides of the change.
    for (const after of [false, true]) {
      const rises = Array.from(amsterdam.events?.mealTimes ?? [])
        .filter((t) => t > start + DAY_MS && t < start + 13 * DAY_MS && t >= change === after)
        .map((t) => valueAt(amsterdam, t + 60 * MINUTE_MS) - valueAt(amsterdam, t));
      const rising = rises.filter((r) => Number.isFinite(r) && r > 0).length;
      expect(rising / rises.length).toBeGreaterThan(0.7);
    }
  });
});

/** The reading at `time` (± 2 minutes), or NaN in a gap. */
function valueAt(trace: CgmTrace, time: number): number {
  for (let k = 0; k < trace.times.length; k++) {
    if (Math.abs((trace.times[k] as number) - time) <= 2.5 * MINUTE_MS) return trace.mgdl[k] as number;
  }
  return Number.NaN;
}

describe('Input checks', () => {
  const profile: PhysiologyProfile = {
    status: 'normal',
    ageYears: 40,
    sex: 'female',
    bmi: 23,
    dailyActivity: true,
  };

  it.each([
    ['an unknown status', { ...profile, status: 'type1' as GlycaemicStatus }, fortnight()],
    ['a BMI of 0', { ...profile, bmi: 0 }, fortnight()],
    ['a negative age', { ...profile, ageYears: -1 }, fortnight()],
    ['zero days', profile, { ...fortnight(), days: 0 }],
    ['an unknown device', profile, { ...fortnight(), device: 'guardian' as CgmDevice }],
    ['an unknown time zone', profile, { ...fortnight(), timeZone: 'Mars/Olympus' }],
  ])('refuses %s with a RangeError', (_what, p, s) => {
    expect(() => simulateCgm(p, s, createRandom(1))).toThrow(RangeError);
  });
});
