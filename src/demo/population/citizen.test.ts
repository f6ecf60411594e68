import { describe, expect, it } from 'vitest';
import { bmiOf, findrisc, findriscAgeBand } from '../../science/index.ts';
import {
  CONSENT_PURPOSES,
  EDUCATION_LEVELS,
  loadRegion,
  type PopulationOptions,
  type SyntheticCitizen,
  synthesizeCitizen,
} from './index.ts';
import {
  ABDOMINAL_OBESITY,
  ADULT_ACTIVITY_SHARE,
  ADULT_OBESITY_SHARE,
  ADULT_OVERWEIGHT_SHARE,
  AGE_BAND_SHARE_PERCENT,
  CONSENT_SHARE,
  DIAGNOSED_DIABETES_PER_1000,
  DIAGNOSED_SHARE_OF_DIABETES,
  DUTCH_LOCALE_SHARE,
  EDUCATION_SHARE_PERCENT,
  PREDIABETES_SHARE_BY_AGE,
  SHARE_OF_15_19_AGED_16_PLUS,
} from './tables.ts';

// Tolerances: a share p estimated from n independent citizens has standard error √(p(1 − p)/n). A check
// passes within 4 standard errors (two-sided p ≈ 6e-5 per check), so a correct model fails a check only by
// a very rare chance. The seed is fixed, so each check either always passes or always fails. Whole
// distributions are checked with a χ² test at p = 1e-4 (Wilson–Hilferty quantile).
const K = 4;
const SAMPLE = 60_000;
const REFERENCE_DATE = Date.UTC(2026, 10, 24, 12);
const OPTIONS: PopulationOptions = { seed: 'population-test', referenceDate: REFERENCE_DATE };

const region = loadRegion();
const citizens: SyntheticCitizen[] = Array.from({ length: SAMPLE }, (_, i) =>
  synthesizeCitizen(region, OPTIONS, i),
);

const share = (group: readonly SyntheticCitizen[], test: (c: SyntheticCitizen) => boolean) =>
  group.filter(test).length / group.length;
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Expects a share observed in n citizens to be within K standard errors of p. */
function expectShare(observed: number, p: number, n: number, label: string) {
  const tolerance = K * Math.sqrt((p * (1 - p)) / n);
  expect(
    Math.abs(observed - p),
    `${label}: observed ${observed.toFixed(4)}, expected ${p.toFixed(4)} ± ${tolerance.toFixed(4)} (n = ${n})`,
  ).toBeLessThanOrEqual(tolerance);
}

/** The χ² quantile for df degrees of freedom at upper tail 1e-4 (Wilson–Hilferty, z = 3.719). */
function chiSquareLimit(df: number) {
  const z = 3.719;
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

function expectDistribution(counts: readonly number[], probabilities: readonly number[], label: string) {
  const n = counts.reduce((a, b) => a + b, 0);
  const total = probabilities.reduce((a, b) => a + b, 0);
  let chiSquare = 0;
  counts.forEach((count, i) => {
    const expected = (n * (probabilities[i] as number)) / total;
    chiSquare += (count - expected) ** 2 / expected;
  });
  expect(chiSquare, `${label}: χ² ${chiSquare.toFixed(1)} on ${counts.length - 1} df`).toBeLessThan(
    chiSquareLimit(counts.length - 1),
  );
}

const adults = citizens.filter((c) => c.ageYears >= 18);
const men = citizens.filter((c) => c.sex === 'male');
const women = citizens.filter((c) => c.sex === 'female');

describe('place and sex (CBS 85984NED KWB 2024: municipal population by sex)', () => {
  const total = region.municipalities.reduce((sum, m) => sum + m.men + m.women, 0);

  it("places citizens in proportion to each municipality's population", () => {
    const enschede = region.municipalities.find((m) => m.code === 'GM0153');
    if (!enschede) throw new Error('Enschede missing');
    expectShare(
      share(citizens, (c) => c.municipalityCode === 'GM0153'),
      (enschede.men + enschede.women) / total,
      SAMPLE,
      'Enschede',
    );
    const counts = region.municipalities.map(
      (m) => citizens.filter((c) => c.municipalityCode === m.code).length,
    );
    expectDistribution(
      counts,
      region.municipalities.map((m) => m.men + m.women),
      'all 76 municipalities',
    );
  });

  it('splits the sexes as the region does', () => {
    const menTotal = region.municipalities.reduce((sum, m) => sum + m.men, 0);
    expectShare(men.length / SAMPLE, menTotal / total, SAMPLE, 'men');
  });

  it('gives every citizen a postcode of their own municipality', () => {
    const byCode = new Map(region.municipalities.map((m) => [m.code, new Set(m.postcodes)]));
    const elsewhere = citizens.filter((c) => !byCode.get(c.municipalityCode)?.has(c.postcode4));
    expect(elsewhere.map((c) => `${c.index}: ${c.postcode4} ${c.municipalityCode}`)).toEqual([]);
  });
});

describe('age (DOMAIN.md §7: national 5-year band shares, 16–19 = 4/5 of 15–19)', () => {
  it('has only members aged 16 to 95', () => {
    expect(Math.min(...citizens.map((c) => c.ageYears))).toBe(16);
    expect(Math.max(...citizens.map((c) => c.ageYears))).toBeLessThanOrEqual(95);
  });

  it('follows the national age structure', () => {
    const bands = AGE_BAND_SHARE_PERCENT.map((band) => ({
      ...band,
      from: Math.max(16, band.from),
      percent: band.from === 15 ? band.percent * SHARE_OF_15_19_AGED_16_PLUS : band.percent,
    }));
    const counts = bands.map(
      (b) => citizens.filter((c) => c.ageYears >= b.from && c.ageYears <= b.to).length,
    );
    expectDistribution(
      counts,
      bands.map((b) => b.percent),
      'age bands',
    );
  });

  it('counts age as the participants module does: the birthday from the first of the birth month', () => {
    const reference = new Date(REFERENCE_DATE);
    for (const c of citizens.slice(0, 2000)) {
      const months =
        reference.getUTCFullYear() * 12 + reference.getUTCMonth() + 1 - (c.birthYear * 12 + c.birthMonth);
      expect(Math.floor(months / 12)).toBe(c.ageYears);
      expect(c.birthMonth).toBeGreaterThanOrEqual(1);
      expect(c.birthMonth).toBeLessThanOrEqual(12);
    }
  });
});

describe('education (DOMAIN.md §7: education of adults)', () => {
  it('matches the adult shares among those who answered', () => {
    const answered = adults.filter((c) => c.educationLevel !== null);
    for (const level of EDUCATION_LEVELS) {
      expectShare(
        share(answered, (c) => c.educationLevel === level),
        EDUCATION_SHARE_PERCENT[level] / 100,
        answered.length,
        level,
      );
    }
  });

  it('is lower among older adults (assumption) and at most lower secondary below 18 (assumption)', () => {
    const university = (from: number, to: number) =>
      share(
        adults.filter((c) => c.ageYears >= from && c.ageYears <= to && c.educationLevel !== null),
        (c) => c.educationLevel === 'university',
      );
    expect(university(25, 44)).toBeGreaterThan(university(65, 95) + 0.05);
    const young = citizens.filter((c) => c.ageYears < 18);
    expect(young.length).toBeGreaterThan(0);
    for (const c of young) expect([null, 'primary', 'lower_secondary']).toContain(c.educationLevel);
  });
});

describe('body size (DOMAIN.md §7: adults overweight ~50 %, obese ~16 %; abdominal obesity 30–70: men 27 %, women 39 %)', () => {
  it('has half of adults overweight and 16 % obese', () => {
    expectShare(
      share(adults, (c) => c.bmi >= 25),
      ADULT_OVERWEIGHT_SHARE,
      adults.length,
      'BMI ≥ 25',
    );
    expectShare(
      share(adults, (c) => c.bmi >= 30),
      ADULT_OBESITY_SHARE,
      adults.length,
      'BMI ≥ 30',
    );
  });

  it('has overweight rising with age up to about 65', () => {
    const overweight = (from: number, to: number) =>
      share(
        adults.filter((c) => c.ageYears >= from && c.ageYears <= to),
        (c) => c.bmi >= 25,
      );
    expect(overweight(18, 29)).toBeLessThan(overweight(30, 44));
    expect(overweight(30, 44)).toBeLessThan(overweight(45, 59));
    expect(overweight(45, 59)).toBeLessThan(overweight(60, 74));
  });

  it('has abdominal obesity at ages 30–69 in 27 % of men and 39 % of women', () => {
    const middle = (group: SyntheticCitizen[]) =>
      group.filter((c) => c.ageYears >= ABDOMINAL_OBESITY.fromAge && c.ageYears <= ABDOMINAL_OBESITY.toAge);
    const m = middle(men);
    const w = middle(women);
    expectShare(
      share(m, (c) => c.waistCm >= 102),
      ABDOMINAL_OBESITY.male.share,
      m.length,
      'men waist ≥ 102',
    );
    expectShare(
      share(w, (c) => c.waistCm >= 88),
      ABDOMINAL_OBESITY.female.share,
      w.length,
      'women waist ≥ 88',
    );
  });

  it('has waist strongly correlated with BMI in both sexes (r > 0.7)', () => {
    for (const group of [men, women]) {
      const x = group.map((c) => c.bmi);
      const y = group.map((c) => c.waistCm);
      const mx = mean(x);
      const my = mean(y);
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < x.length; i++) {
        sxy += ((x[i] as number) - mx) * ((y[i] as number) - my);
        sxx += ((x[i] as number) - mx) ** 2;
        syy += ((y[i] as number) - my) ** 2;
      }
      expect(sxy / Math.sqrt(sxx * syy)).toBeGreaterThan(0.7);
    }
  });

  it('keeps weight, height and BMI consistent', () => {
    for (const c of citizens.slice(0, 5000)) {
      expect(c.bmi).toBe(bmiOf(c.weightKg, c.heightCm));
      expect(Number.isInteger(c.heightCm) && Number.isInteger(c.waistCm)).toBe(true);
      expect(Math.round(c.weightKg * 10)).toBeCloseTo(c.weightKg * 10, 6);
    }
  });
});

describe('activity (DOMAIN.md §6–7: 44 % of adults meet the activity guideline)', () => {
  it('has 44 % of adults active every day, fewer among the obese', () => {
    expectShare(
      share(adults, (c) => c.dailyActivity),
      ADULT_ACTIVITY_SHARE,
      adults.length,
      'active',
    );
    const active = (test: (c: SyntheticCitizen) => boolean) =>
      share(adults.filter(test), (c) => c.dailyActivity);
    expect(active((c) => c.bmi >= 30)).toBeLessThan(active((c) => c.bmi < 25));
  });
});

describe('diabetes by age and sex (DOMAIN.md §7: GP-registered prevalence 2017 per 1,000; a quarter undiagnosed)', () => {
  for (const band of DIAGNOSED_DIABETES_PER_1000) {
    for (const sex of ['male', 'female'] as const) {
      const diagnosed = (sex === 'male' ? band.men : band.women) / 1000;
      const label = `${sex} ${band.from}–${band.to}${band.interpolated ? ' (interpolated, assumption)' : ''}`;
      it(`has ${(diagnosed * 1000).toFixed(1)} per 1,000 diagnosed and a third more undiagnosed in ${label}`, () => {
        const group = citizens.filter(
          (c) => c.sex === sex && c.ageYears >= band.from && c.ageYears <= band.to,
        );
        expectShare(
          share(group, (c) => c.diabetesDiagnosed),
          diagnosed,
          group.length,
          `${label} diagnosed`,
        );
        expectShare(
          share(group, (c) => c.glycaemicStatus === 'type2'),
          diagnosed / DIAGNOSED_SHARE_OF_DIABETES,
          group.length,
          `${label} total`,
        );
      });
    }
  }

  it('has about a quarter of all diabetes undiagnosed', () => {
    const withDiabetes = citizens.filter((c) => c.glycaemicStatus === 'type2');
    expectShare(
      share(withDiabetes, (c) => !c.diabetesDiagnosed),
      1 - DIAGNOSED_SHARE_OF_DIABETES,
      withDiabetes.length,
      'undiagnosed',
    );
    expect(citizens.every((c) => !c.diabetesDiagnosed || c.glycaemicStatus === 'type2')).toBe(true);
  });

  it('has higher BMI and waist, and more first-degree family history, among people with diabetes', () => {
    const type2 = adults.filter((c) => c.glycaemicStatus === 'type2');
    const normal = adults.filter((c) => c.glycaemicStatus === 'normal');
    expect(mean(type2.map((c) => c.bmi))).toBeGreaterThan(mean(normal.map((c) => c.bmi)) + 2);
    expect(share(type2, (c) => c.familyHistory === 'first_degree')).toBeGreaterThan(
      share(normal, (c) => c.familyHistory === 'first_degree') + 0.05,
    );
    // Within one age band, so that age does not explain it.
    const band = (group: SyntheticCitizen[]) => group.filter((c) => c.ageYears >= 55 && c.ageYears <= 74);
    expect(mean(band(type2).map((c) => c.waistCm))).toBeGreaterThan(
      mean(band(normal).map((c) => c.waistCm)) + 3,
    );
  });
});

describe('prediabetes (assumption, not a published figure: PREDIABETES_SHARE_BY_AGE)', () => {
  it('matches the assumed share of each age group and rises with BMI', () => {
    PREDIABETES_SHARE_BY_AGE.forEach(([from, p], i) => {
      const to = (PREDIABETES_SHARE_BY_AGE[i + 1]?.[0] ?? 96) - 1;
      const group = citizens.filter((c) => c.ageYears >= from && c.ageYears <= to);
      expectShare(
        share(group, (c) => c.glycaemicStatus === 'prediabetes'),
        p,
        group.length,
        `${from}–${to}`,
      );
    });
    const older = adults.filter((c) => c.ageYears >= 50 && c.glycaemicStatus !== 'type2');
    expect(
      share(
        older.filter((c) => c.bmi >= 30),
        (c) => c.glycaemicStatus === 'prediabetes',
      ),
    ).toBeGreaterThan(
      share(
        older.filter((c) => c.bmi < 25),
        (c) => c.glycaemicStatus === 'prediabetes',
      ),
    );
  });

  it('can be configured: a zero share gives nobody prediabetes and leaves diabetes unchanged', () => {
    const none = { ...OPTIONS, prediabetesShareByAge: [[16, 0]] as const };
    for (let i = 0; i < 3000; i++) {
      const c = synthesizeCitizen(region, none, i);
      expect(c.glycaemicStatus).not.toBe('prediabetes');
      expect(c.glycaemicStatus === 'type2').toBe(
        (citizens[i] as SyntheticCitizen).glycaemicStatus === 'type2',
      );
    }
    expect(() => synthesizeCitizen(region, { ...OPTIONS, prediabetesShareByAge: [[30, 0.1]] }, 0)).toThrow(
      RangeError,
    );
  });
});

describe('FINDRISC answers (Lindström & Tuomilehto, Diabetes Care 2003;26:725)', () => {
  it("scores every citizen's answers with findrisc() and answers consistently with the person", () => {
    const wrongScore = citizens.filter((c) => c.findrisc.score !== findrisc(c.findrisc.input).score);
    expect(wrongScore.map((c) => c.index)).toEqual([]);
    const inconsistent = citizens.filter((c) => {
      const input = c.findrisc.input;
      return (
        input.ageBand !== findriscAgeBand(c.ageYears) ||
        input.sex !== c.sex ||
        input.bmi !== c.bmi ||
        input.waistCm !== c.waistCm ||
        input.dailyActivity !== c.dailyActivity ||
        input.dailyVegetables !== c.dailyVegetables ||
        input.bpMedication !== c.bpMedication ||
        input.highGlucose !== c.highGlucose ||
        input.familyHistory !== c.familyHistory
      );
    });
    expect(inconsistent.map((c) => c.index)).toEqual([]);
    expect(Object.keys((citizens[0] as SyntheticCitizen).findrisc.input).sort()).toEqual([
      'ageBand',
      'bmi',
      'bpMedication',
      'dailyActivity',
      'dailyVegetables',
      'familyHistory',
      'highGlucose',
      'sex',
      'waistCm',
    ]);
  });

  it('scores people with undiagnosed diabetes and prediabetes higher than people with normal glucose', () => {
    const score = (test: (c: SyntheticCitizen) => boolean) =>
      mean(citizens.filter(test).map((c) => c.findrisc.score));
    const normal = score((c) => c.glycaemicStatus === 'normal');
    expect(score((c) => c.glycaemicStatus === 'type2' && !c.diabetesDiagnosed)).toBeGreaterThan(normal + 4);
    expect(score((c) => c.glycaemicStatus === 'prediabetes')).toBeGreaterThan(normal + 2);
  });

  it('has most diagnosed diabetes answering "ever high glucose", and blood-pressure medication rising with age', () => {
    expect(
      share(
        citizens.filter((c) => c.diabetesDiagnosed),
        (c) => c.highGlucose,
      ),
    ).toBeGreaterThan(0.9);
    const bp = (from: number, to: number) =>
      share(
        citizens.filter((c) => c.ageYears >= from && c.ageYears <= to),
        (c) => c.bpMedication,
      );
    expect(bp(16, 34)).toBeLessThan(bp(45, 54));
    expect(bp(45, 54)).toBeLessThan(bp(65, 95));
  });
});

describe('membership (assumptions, not published figures: CONSENT_SHARE, DUTCH_LOCALE_SHARE, JOIN_WINDOW_YEARS)', () => {
  it('gives the assumed consent shares, with study contact mostly among research consenters', () => {
    const research = CONSENT_SHARE.research;
    const expected: Record<(typeof CONSENT_PURPOSES)[number], number> = {
      personal_insights: CONSENT_SHARE.personal_insights,
      research,
      study_contact:
        research * CONSENT_SHARE.study_contact.withResearch +
        (1 - research) * CONSENT_SHARE.study_contact.withoutResearch,
      coach_sharing: CONSENT_SHARE.coach_sharing,
      gp_summary: CONSENT_SHARE.gp_summary,
      product_testing: CONSENT_SHARE.product_testing,
      registry_linkage:
        research * CONSENT_SHARE.registry_linkage.withResearch +
        (1 - research) * CONSENT_SHARE.registry_linkage.withoutResearch,
    };
    for (const purpose of CONSENT_PURPOSES) {
      expectShare(
        share(citizens, (c) => c.consents[purpose]),
        expected[purpose],
        SAMPLE,
        purpose,
      );
    }
    expect(
      share(
        citizens.filter((c) => c.consents.study_contact),
        (c) => c.consents.research,
      ),
    ).toBeGreaterThan(0.9);
    expectShare(
      share(citizens, (c) => c.locale === 'nl'),
      DUTCH_LOCALE_SHARE,
      SAMPLE,
      'Dutch locale',
    );
    expect(share(citizens, (c) => c.contactPreference === 'email')).toBeGreaterThan(0.8);
  });

  it('has everyone joining in the two years before the reference date, aged 16 or more at the time', () => {
    const twoYears = 2 * 365.25 * 86_400_000;
    const outside = citizens.filter(
      (c) =>
        c.joinedAt > REFERENCE_DATE ||
        c.joinedAt < REFERENCE_DATE - twoYears ||
        c.joinedAt < Date.UTC(c.birthYear + 16, c.birthMonth - 1, 1) ||
        !Number.isInteger(c.joinedAt),
    );
    expect(outside.map((c) => c.index)).toEqual([]);
  });

  it('gives everyone a given and a family name', () => {
    for (const c of citizens.slice(0, 2000)) {
      expect(c.givenName.length).toBeGreaterThan(1);
      expect(c.familyName.length).toBeGreaterThan(1);
    }
  });
});

describe('determinism (seeded streams: createRandom(seed).derive("citizen", index))', () => {
  it('gives the same citizens for the same seed, and citizen i alone equals citizen i of a run', () => {
    for (const i of [0, 1, 17, 4_321, 59_999]) {
      expect(synthesizeCitizen(region, { ...OPTIONS }, i)).toEqual(citizens[i]);
    }
    expect(synthesizeCitizen(region, OPTIONS, 999_999)).toEqual(synthesizeCitizen(region, OPTIONS, 999_999));
  });

  it('gives different citizens for a different seed', () => {
    const other = { ...OPTIONS, seed: 'another-seed' };
    let differ = 0;
    for (let i = 0; i < 100; i++) {
      const a = citizens[i] as SyntheticCitizen;
      const b = synthesizeCitizen(region, other, i);
      if (a.municipalityCode !== b.municipalityCode || a.ageYears !== b.ageYears || a.weightKg !== b.weightKg)
        differ++;
    }
    expect(differ).toBeGreaterThan(95);
  });

  it('refuses an index that is not a non-negative integer', () => {
    expect(() => synthesizeCitizen(region, OPTIONS, -1)).toThrow(RangeError);
    expect(() => synthesizeCitizen(region, OPTIONS, 1.5)).toThrow(RangeError);
  });
});
