import { describe, expect, it } from 'vitest';
import { utcOffsetMs } from '../glucose/local-time.ts';
import { createRandom } from '../random.ts';
import { simulateDailySteps } from './activity.ts';
import type { PhysiologyProfile } from './cgm.ts';
import { simulateWeight } from './weight.ts';

const DAY_MS = 86_400_000;
const ZONE = 'Europe/Amsterdam';

function profileOf(overrides: Partial<PhysiologyProfile> = {}): PhysiologyProfile {
  return { status: 'normal', ageYears: 40, sex: 'female', bmi: 24, dailyActivity: true, ...overrides };
}

/** Mean steps a day of `n` fixed-seed persons drawn by `draw`, over `days` days from Monday 2 March 2026. */
function personMeans(seed: string, n: number, draw: (i: number) => PhysiologyProfile, days = 28): number[] {
  const root = createRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const { steps } = simulateDailySteps(draw(i), '2026-03-02', days, root.derive(i));
    return steps.reduce((a, b) => a + b, 0) / steps.length;
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2
    ? (sorted[Math.floor(mid)] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const share = (values: number[], lo: number, hi: number) =>
  values.filter((v) => v >= lo && v <= hi).length / values.length;

describe('Daily steps of adults, against Tudor-Locke C et al., How many steps/day are enough? For adults. Int J Behav Nutr Phys Act 2011;8:79 (healthy adults about 4,000–18,000 steps/day)', () => {
  // 200 persons: a share of 90 % has a binomial SE of 2.1 points, so "at least 90 %" fails only on a real shift.
  const adults = personMeans('steps-adults', 200, (i) => {
    const r = createRandom(`steps-adult-${i}`);
    return profileOf({ ageYears: r.int(20, 64), bmi: r.uniform(20, 30), dailyActivity: r.chance(0.5) });
  });

  it('puts at least 90 % of healthy adults between 4,000 and 18,000 steps a day', () => {
    expect(share(adults, 4000, 18_000)).toBeGreaterThanOrEqual(0.9);
  });

  it('has a median of 5,000–10,000 steps a day (assumption: 9,000 active, 5,500 inactive at 50 years)', () => {
    expect(median(adults)).toBeGreaterThan(5000);
    expect(median(adults)).toBeLessThan(10_000);
  });
});

describe('Daily steps of older adults and people with type 2 diabetes, against Tudor-Locke C et al., How many steps/day are enough? For older adults and special populations. Int J Behav Nutr Phys Act 2011;8:80 (2,000–9,000 and 1,200–8,800 steps/day)', () => {
  it('puts at least 90 % of healthy people aged 65–85 between 2,000 and 9,000 steps a day', () => {
    const older = personMeans('steps-older', 200, (i) => {
      const r = createRandom(`steps-older-${i}`);
      return profileOf({ ageYears: r.int(65, 85), bmi: r.uniform(20, 30), dailyActivity: r.chance(0.5) });
    });
    expect(share(older, 2000, 9000)).toBeGreaterThanOrEqual(0.9);
  });

  it('puts at least 90 % of people with type 2 diabetes aged 50–80 between 1,200 and 8,800 steps a day', () => {
    const type2 = personMeans('steps-type2', 200, (i) => {
      const r = createRandom(`steps-type2-${i}`);
      return profileOf({
        status: 'type2',
        ageYears: r.int(50, 80),
        bmi: r.uniform(25, 38),
        dailyActivity: r.chance(0.4),
      });
    });
    expect(share(type2, 1200, 8800)).toBeGreaterThanOrEqual(0.9);
  });
});

describe('Daily steps: differences between people and days (assumptions, not published figures: see README)', () => {
  const group = (overrides: Partial<PhysiologyProfile>, seed: string) =>
    median(personMeans(seed, 100, () => profileOf(overrides)));

  it('lets people who are active every day walk more than inactive people', () => {
    expect(group({ dailyActivity: true }, 'same')).toBeGreaterThan(
      1.3 * group({ dailyActivity: false }, 'same'),
    );
  });

  it('lets older people and people with a higher BMI walk less', () => {
    expect(group({ ageYears: 75 }, 'same')).toBeLessThan(group({ ageYears: 40 }, 'same'));
    expect(group({ bmi: 35 }, 'same')).toBeLessThan(group({ bmi: 23 }, 'same'));
  });

  it('gives people of working age fewer steps on Sundays than on weekdays', () => {
    const root = createRandom('weekend');
    let weekday = 0;
    let weekdays = 0;
    let sunday = 0;
    let sundays = 0;
    for (let i = 0; i < 100; i++) {
      const { dates, steps } = simulateDailySteps(profileOf(), '2026-03-02', 28, root.derive(i));
      dates.forEach((date, k) => {
        const day = new Date(`${date}T00:00:00Z`).getUTCDay();
        if (day === 0) {
          sunday += steps[k] as number;
          sundays++;
        } else if (day !== 6) {
          weekday += steps[k] as number;
          weekdays++;
        }
      });
    }
    // 400 Sundays against 2,000 weekdays with a day-to-day sd of about 30 %: the SE of the ratio is about 2 %.
    expect(sunday / sundays).toBeLessThan(0.9 * (weekday / weekdays));
  });

  it('lists consecutive local dates with whole, non-negative counts', () => {
    const { dates, steps } = simulateDailySteps(profileOf(), '2026-10-20', 14, createRandom(1));
    expect(dates[0]).toBe('2026-10-20');
    expect(dates[5]).toBe('2026-10-25');
    expect(dates[13]).toBe('2026-11-02');
    expect(steps).toHaveLength(14);
    for (const value of steps) expect(value).toBeGreaterThanOrEqual(0);
  });

  it('is deterministic, and a date has the same count whatever the first date', () => {
    const a = simulateDailySteps(profileOf(), '2026-03-02', 14, createRandom(5));
    const b = simulateDailySteps(profileOf(), '2026-03-02', 14, createRandom(5));
    const later = simulateDailySteps(profileOf(), '2026-03-09', 14, createRandom(5));
    const other = simulateDailySteps(profileOf(), '2026-03-02', 14, createRandom(6));
    expect(b).toEqual(a);
    expect(Array.from(later.steps.slice(0, 7))).toEqual(Array.from(a.steps.slice(7)));
    expect(Array.from(other.steps)).not.toEqual(Array.from(a.steps));
  });

  it.each(['2026-02-30', '2026-3-02', ''])('refuses the date %j with a RangeError', (date) => {
    expect(() => simulateDailySteps(profileOf(), date, 7, createRandom(1))).toThrow(RangeError);
  });

  it('refuses a fractional or negative number of days', () => {
    expect(() => simulateDailySteps(profileOf(), '2026-03-02', 1.5, createRandom(1))).toThrow(RangeError);
    expect(() => simulateDailySteps(profileOf(), '2026-03-02', -1, createRandom(1))).toThrow(RangeError);
  });
});

describe('Weight trajectories (assumptions, not published figures: day-to-day sd 0.5 kg, slow drift sd 0.4 kg over 14 days, mornings 06:30–10:00)', () => {
  const start = Date.UTC(2026, 0, 5, 0, 0);

  it('stays around the start weight without a trend', () => {
    const root = createRandom('weight-flat');
    const means = Array.from({ length: 100 }, (_, i) => {
      const { kg } = simulateWeight(
        { weightKg: 82, heightCm: 178 },
        { start, days: 28, timeZone: ZONE, measurementsPerWeek: 7 },
        root.derive(i),
      );
      return kg.reduce((a, b) => a + b, 0) / kg.length;
    });
    // The mean of 100 persons: SE about 0.4 / √100 = 0.04 kg (the drift dominates); ±0.2 kg is 5 SE.
    expect(Math.abs(means.reduce((a, b) => a + b, 0) / means.length - 82)).toBeLessThan(0.2);
    for (const mean of means) expect(Math.abs(mean - 82)).toBeLessThan(2);
  });

  it('fluctuates from day to day with an sd of about 0.5 kg', () => {
    const root = createRandom('weight-fluctuation');
    let sumSquares = 0;
    let pairs = 0;
    for (let i = 0; i < 50; i++) {
      const { times, kg } = simulateWeight(
        { weightKg: 70, heightCm: 168 },
        { start, days: 60, timeZone: ZONE, measurementsPerWeek: 7 },
        root.derive(i),
      );
      for (let k = 1; k < kg.length; k++) {
        if ((times[k] as number) - (times[k - 1] as number) > 1.5 * DAY_MS) continue;
        const d = (kg[k] as number) - (kg[k - 1] as number);
        sumSquares += d * d;
        pairs++;
      }
    }
    // Consecutive days: var(difference) = 2 × 0.5² + the drift's small share (2 × 0.4² × (1 − e^(−1/14)) ≈ 0.02)
    // + rounding to 0.1 kg. With about 2,950 pairs the SE of the sd is about 1.3 %: 0.45–0.56 is ±8 %.
    const sd = Math.sqrt(sumSquares / pairs / 2);
    expect(sd).toBeGreaterThan(0.45);
    expect(sd).toBeLessThan(0.56);
  });

  it('follows a trend: −2 kg a month gives about −6 kg after three months', () => {
    const root = createRandom('weight-trend');
    const changes = Array.from({ length: 40 }, (_, i) => {
      const { kg } = simulateWeight(
        { weightKg: 95, heightCm: 180 },
        { start, days: 91.3, timeZone: ZONE, measurementsPerWeek: 7, trendKgPerMonth: -2 },
        root.derive(i),
      );
      return (kg[kg.length - 1] as number) - (kg[0] as number);
    });
    // Each change has sd √(2 × (0.5² + 0.4²)) ≈ 0.9 kg; the mean of 40 has SE 0.14 kg, ±0.6 kg is 4 SE.
    const mean = changes.reduce((a, b) => a + b, 0) / changes.length;
    expect(mean).toBeGreaterThan(-6.6);
    expect(mean).toBeLessThan(-5.4);
  });

  it('weighs in the local morning, also across the daylight saving change, about as often as asked', () => {
    const { times, kg, bmi } = simulateWeight(
      { weightKg: 82, heightCm: 178 },
      { start: Date.UTC(2026, 9, 1), days: 56, timeZone: ZONE, measurementsPerWeek: 3 },
      createRandom('weight-morning'),
    );
    for (const time of times) {
      const minute = ((time + utcOffsetMs(ZONE, time)) % DAY_MS) / 60_000;
      expect(minute).toBeGreaterThanOrEqual(6 * 60 + 30);
      expect(minute).toBeLessThan(10 * 60);
    }
    // 8 weeks at 3 a week: 24 expected, binomial sd √(56 × 3/7 × 4/7) ≈ 3.7.
    expect(times.length).toBeGreaterThan(24 - 3 * 3.7);
    expect(times.length).toBeLessThan(24 + 3 * 3.7);
    for (let k = 1; k < times.length; k++) expect(times[k]).toBeGreaterThan(times[k - 1] as number);
    for (const value of kg) expect(Math.round(value * 10) / 10).toBe(value);
    expect(bmi?.[0]).toBeCloseTo((kg[0] as number) / 1.78 ** 2, 1);
  });

  it('is deterministic, and fewer measurements a week keep the same weights on the days that remain', () => {
    const simulation = { start, days: 28, timeZone: ZONE, measurementsPerWeek: 7 };
    const a = simulateWeight({ weightKg: 82, heightCm: 178 }, simulation, createRandom(3));
    const b = simulateWeight({ weightKg: 82, heightCm: 178 }, simulation, createRandom(3));
    const sparse = simulateWeight(
      { weightKg: 82, heightCm: 178 },
      { ...simulation, measurementsPerWeek: 2 },
      createRandom(3),
    );
    const other = simulateWeight({ weightKg: 82, heightCm: 178 }, simulation, createRandom(4));
    expect(b).toEqual(a);
    expect(Array.from(other.kg)).not.toEqual(Array.from(a.kg));
    sparse.times.forEach((time, k) => {
      const index = a.times.indexOf(time);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(a.kg[index]).toBe(sparse.kg[k]);
    });
  });

  it('refuses impossible input with a RangeError', () => {
    const simulation = { start, days: 28, timeZone: ZONE, measurementsPerWeek: 3 };
    expect(() => simulateWeight({ weightKg: 0, heightCm: 178 }, simulation, createRandom(1))).toThrow(
      RangeError,
    );
    expect(() => simulateWeight({ weightKg: 80, heightCm: 17.8 }, simulation, createRandom(1))).toThrow(
      RangeError,
    );
    expect(() =>
      simulateWeight(
        { weightKg: 80, heightCm: 178 },
        { ...simulation, measurementsPerWeek: 8 },
        createRandom(1),
      ),
    ).toThrow(RangeError);
    expect(() =>
      simulateWeight(
        { weightKg: 80, heightCm: 178 },
        { ...simulation, timeZone: 'Nowhere/Land' },
        createRandom(1),
      ),
    ).toThrow(RangeError);
  });
});
