/**
 * The figures of the synthetic population. Each one is either published, with its source named beside
 * it, or an assumption. An assumption is marked "assumption, not a published figure" together with the
 * reason for the value. README.md in this folder lists them all.
 *
 * Published figures come from shared/design/DOMAIN.md §7 ("Population facts for a synthetic region"):
 * - diabetes: GP-registered prevalence per 1,000 (2017) by 5-year age band and sex, and "about a quarter
 *   of diabetes is undiagnosed";
 * - adults: overweight (BMI ≥ 25) ~50 % and obesity (BMI ≥ 30) ~16 % (2024); abdominal obesity (waist
 *   ≥ 102 cm men, ≥ 88 cm women, ages 30–70) 27 % of men and 39 % of women; 44 % meet the activity
 *   guideline (2022, DOMAIN §6);
 * - the national age structure (share per 5-year band, a public compilation of CBS figures, about 2023);
 * - the education of adults (CBS grouping).
 * Municipal populations by sex: CBS 85984NED (KWB 2024), in ../data/municipalities.csv.
 */

import type { EducationLevel } from './model.ts';

// ─── Published: age structure ─────────────────────────────────────────────────────────────────────────

/**
 * Share of the Dutch population (%) per 5-year age band, from 15–19 upwards. Source: DOMAIN.md §7,
 * "approximate national age structure … a public compilation of CBS figures, about 2023". The bands below
 * 15 are left out because members are 16 or older.
 */
export const AGE_BAND_SHARE_PERCENT: readonly { from: number; to: number; percent: number }[] = [
  { from: 15, to: 19, percent: 5.9 },
  { from: 20, to: 24, percent: 6.5 },
  { from: 25, to: 29, percent: 6.7 },
  { from: 30, to: 34, percent: 6.8 },
  { from: 35, to: 39, percent: 6.7 },
  { from: 40, to: 44, percent: 6.1 },
  { from: 45, to: 49, percent: 6.4 },
  { from: 50, to: 54, percent: 7.0 },
  { from: 55, to: 59, percent: 7.1 },
  { from: 60, to: 64, percent: 6.4 },
  { from: 65, to: 69, percent: 5.5 },
  { from: 70, to: 74, percent: 4.9 },
  { from: 75, to: 79, percent: 3.3 },
  { from: 80, to: 84, percent: 2.2 },
  { from: 85, to: 95, percent: 2.2 }, // published as "85+"; the upper end is OLDEST_AGE (assumption)
];

/** Joining the Citizen Lab requires age 16 (participants module, MINIMUM_AGE). */
export const MINIMUM_AGE = 16;

/**
 * Assumption, not a published figure: ages 16–19 are 4 of the 5 single years of the 15–19 band. Each age
 * within a band is taken to be equally common.
 */
export const SHARE_OF_15_19_AGED_16_PLUS = 4 / 5;

/**
 * Assumption, not a published figure: DOMAIN gives only "85+". Those ages are spread over 85–95, with a
 * weight that falls linearly to zero just after 95 (96 − age). The mean age of the band is then 88.3,
 * which is close to the real one. Nobody is older than 95.
 */
export const OLDEST_AGE = 95;

// ─── Published: education ─────────────────────────────────────────────────────────────────────────────

/** Education of adults (%). Source: DOMAIN.md §7 (CBS grouping, the participants module's levels). */
export const EDUCATION_SHARE_PERCENT: Readonly<Record<EducationLevel, number>> = {
  primary: 13,
  lower_secondary: 20,
  upper_secondary: 12,
  intermediate_vocational: 24,
  higher_professional: 19,
  university: 12,
};

/**
 * Assumption, not a published figure: the education marginal applies to members aged 18 and over. Younger
 * members mostly have not finished school yet.
 */
export const EDUCATION_ADULT_FROM_AGE = 18;

/**
 * Assumption, not a published figure: older cohorts have lower education levels. The log-odds of each
 * level step change by −0.10 per decade of age, measured from the adult mean. Level multipliers are then
 * fitted so that the adult marginal is exactly the published one. The direction is well known from CBS
 * cohort figures; the strength is chosen to give roughly 3–4 times as many university graduates at 30–39
 * as at 80–89.
 */
export const EDUCATION_AGE_GRADIENT_PER_DECADE = -0.1;

/**
 * Assumption, not a published figure: 3 % of adult members leave the optional education question
 * unanswered (`null`). The profile field is optional in the participants module.
 */
export const EDUCATION_NOT_GIVEN_SHARE = 0.03;

/**
 * Assumption, not a published figure: 16–17-year-olds are still at school. Half leave the question
 * unanswered; the others give primary or lower secondary as their highest completed level.
 */
export const EDUCATION_UNDER_18: readonly { level: EducationLevel | null; share: number }[] = [
  { level: null, share: 0.5 },
  { level: 'primary', share: 0.25 },
  { level: 'lower_secondary', share: 0.25 },
];

// ─── Published: body size ─────────────────────────────────────────────────────────────────────────────

/**
 * Adults (18+): overweight (BMI ≥ 25) ~50 %, obesity (BMI ≥ 30) ~16 % (2024). Source: DOMAIN.md §7.
 * The BMI model below is calibrated to these two shares.
 */
export const ADULT_OVERWEIGHT_SHARE = 0.5;
export const ADULT_OBESITY_SHARE = 0.16;
export const ADULT_FROM_AGE = 18;

/**
 * Abdominal obesity (waist ≥ 102 cm men, ≥ 88 cm women) at ages 30–70: 27 % of men, 39 % of women.
 * Source: DOMAIN.md §7. "30–70" is taken as ages 30 to 69 (the 5-year bands 30–34 … 65–69).
 */
export const ABDOMINAL_OBESITY = {
  male: { waistFromCm: 102, share: 0.27 },
  female: { waistFromCm: 88, share: 0.39 },
  fromAge: 30,
  toAge: 69,
} as const;

/**
 * Assumption, not a published figure: mean height (cm) and its sd. These are CBS-like values for young
 * adults, about 183 cm for men and 169 cm for women, sd 7. Above 40 the mean falls by 0.1 cm per year:
 * older cohorts are shorter, and people shrink with age. Height is rounded to whole centimetres.
 */
export const HEIGHT = {
  male: { meanCm: 183, sdCm: 7 },
  female: { meanCm: 169, sdCm: 7 },
  declinePerYearAfter40: 0.1,
  minCm: 140,
  maxCm: 210,
} as const;

/**
 * Assumption, not a published figure: how median BMI changes with age, as log-BMI offsets from age 50 at
 * these knots, linear in between. Median BMI is lowest in the teens, rises to a plateau around 65 and
 * falls a little in old age (the published overweight share rises with age to about 65). The intercept
 * and spread are then fitted to the published adult shares above.
 */
export const BMI_AGE_PROFILE: readonly (readonly [age: number, logOffset: number])[] = [
  [16, -0.17],
  [20, -0.13],
  [30, -0.07],
  [40, -0.03],
  [50, 0],
  [60, 0.02],
  [65, 0.03],
  [75, 0.02],
  [85, -0.01],
  [95, -0.04],
];

/**
 * Assumption, not a published figure: women's log-BMI is 0.02 lower (about 0.5 kg/m² at the median) and
 * spreads 12 % wider than men's. Dutch men are more often overweight and women about as often obese.
 */
export const BMI_FEMALE_LOG_SHIFT = -0.02;
export const BMI_FEMALE_SD_FACTOR = 1.12;

/**
 * Assumption, not a published figure: each education level step lowers log-BMI by 0.015, about
 * 0.4 kg/m². From primary to university that is about 2 kg/m². The literature consistently shows lower
 * BMI with more education; the size is chosen. The step is measured from the adult mean level, so the
 * adult BMI calibration is unaffected.
 */
export const BMI_EDUCATION_LOG_STEP = -0.015;

/** BMI is drawn from a log-normal and kept within these bounds (kg/m²). */
export const BMI_BOUNDS = { min: 15, max: 60 } as const;

/**
 * Assumption, not a published figure: waist (cm) = intercept + slope × BMI + ageSlope × (age − 50) +
 * normal noise(sd). The intercept is fitted per sex to the published abdominal-obesity shares. The slopes
 * are typical of regressions of waist on BMI in European cohorts. They give a waist–BMI correlation of
 * about 0.85–0.9, and a larger waist at the same BMI in older people. Waist is rounded to whole
 * centimetres.
 */
export const WAIST = {
  male: { perBmi: 2.6, perYear: 0.12, sdCm: 5.5 },
  female: { perBmi: 2.2, perYear: 0.18, sdCm: 6.0 },
  minCm: 50,
  maxCm: 180,
} as const;

// ─── Published: activity; assumption: diet ────────────────────────────────────────────────────────────

/**
 * 44 % of adults meet the Dutch physical-activity guideline (2022). Source: DOMAIN.md §6 and §7.
 * Assumption, not a published figure: meeting the guideline is taken as FINDRISC's "at least 30 minutes
 * of physical activity every day". The two are not the same question, but they are the closest
 * published figure.
 */
export const ADULT_ACTIVITY_SHARE = 0.44;

/**
 * Assumption, not a published figure: log-odds of being active fall by 0.05 per kg/m² of BMI above 25 and
 * by 0.015 per year of age above 50. The intercept is fitted to the published 44 %.
 */
export const ACTIVITY_LOG_ODDS = { perBmi: -0.05, perYear: -0.015 } as const;

/**
 * Assumption, not a published figure: 70 % of adults answer "yes" to FINDRISC's "vegetables, fruit or
 * berries every day". The log-odds are higher for women (+0.4), per education level step (+0.12) and per
 * decade of age (+0.1). No Dutch figure for this exact question was found. Surveys of fruit and vegetable
 * intake show the same directions.
 */
export const ADULT_DAILY_VEGETABLES_SHARE = 0.7;
export const VEGETABLES_LOG_ODDS = { female: 0.4, perEducationStep: 0.12, perDecade: 0.1 } as const;

// ─── Published: diabetes ──────────────────────────────────────────────────────────────────────────────

/**
 * GP-registered diabetes prevalence per 1,000 (2017), men / women, by 5-year age band. Source: DOMAIN.md §7.
 * Two bands are not in the source. The value is then an assumption, not a published figure:
 * - 25–29 is interpolated linearly between 20–24 and 30–34;
 * - 16–19 is extrapolated from the 20–24 → 25–29 trend to the band's mid-age of 18.
 */
export const DIAGNOSED_DIABETES_PER_1000: readonly {
  from: number;
  to: number;
  men: number;
  women: number;
  interpolated?: true;
}[] = [
  { from: 16, to: 19, men: 4.7, women: 6.0, interpolated: true },
  { from: 20, to: 24, men: 6.4, women: 7.1 },
  { from: 25, to: 29, men: 8.3, women: 8.35, interpolated: true },
  { from: 30, to: 34, men: 10.2, women: 9.6 },
  { from: 35, to: 39, men: 16.0, women: 15.2 },
  { from: 40, to: 44, men: 29.5, women: 23.1 },
  { from: 45, to: 49, men: 46.6, women: 35.8 },
  { from: 50, to: 54, men: 70.0, women: 54.1 },
  { from: 55, to: 59, men: 104.8, women: 78.5 },
  { from: 60, to: 64, men: 144.1, women: 109.6 },
  { from: 65, to: 69, men: 189.8, women: 140.7 },
  { from: 70, to: 74, men: 228.8, women: 182.6 },
  { from: 75, to: 79, men: 257.4, women: 218.8 },
  { from: 80, to: 84, men: 267.5, women: 254.8 },
  { from: 85, to: 95, men: 262.3, women: 251.1 },
];

/**
 * "About a quarter of diabetes is undiagnosed". Source: DOMAIN.md §7. So undiagnosed = diagnosed / 3 on top
 * of the registered prevalence, and 3 in 4 people with diabetes are diagnosed. This is taken as the same
 * in every age band and sex (assumption).
 */
export const DIAGNOSED_SHARE_OF_DIABETES = 0.75;

/**
 * Assumption, not a published figure: all registered diabetes is modelled as type 2. The GP registers
 * include type 1, about a tenth, but the demo has only the statuses normal, prediabetes and type 2.
 */
export const ALL_DIABETES_IS_TYPE_2 = true;

/**
 * Assumption, not a published figure: relative risks of diabetes within an age–sex group.
 * - BMI: exp(0.15 × (BMI − 25)), about ×2 at 30 and ×4.5 at 35. This is close to the steep BMI gradient
 *   of cohort studies.
 * - Abdominal obesity (waist ≥ 102 / 88 cm): ×1.5 on top of BMI.
 * - Family history: second-degree ×1.4, first-degree ×2.5.
 * The risks are scaled so that each age–sex group keeps its published prevalence. This is computed once
 * in calibration.ts, capped at DIABETES_PROBABILITY_CAP.
 */
export const DIABETES_RISK = {
  logPerBmi: 0.15,
  abdominalObesity: 1.5,
  family: { none: 1, second_degree: 1.4, first_degree: 2.5 },
} as const;
export const DIABETES_PROBABILITY_CAP = 0.9;

/**
 * Assumption, not a published figure (DOMAIN.md gives no prediabetes figure): the share of each age
 * group with prediabetes (impaired fasting glucose or glucose tolerance, without diabetes). The share
 * rises with age. Within an age–sex group the risk rises with BMI as exp(0.08 × (BMI − 25)), scaled so
 * that the group keeps its share. It is configurable through `PopulationOptions.prediabetesShareByAge`.
 */
export const PREDIABETES_SHARE_BY_AGE: readonly (readonly [fromAge: number, share: number])[] = [
  [16, 0.03],
  [30, 0.06],
  [40, 0.1],
  [50, 0.15],
  [60, 0.2],
  [70, 0.24],
];
export const PREDIABETES_LOG_PER_BMI = 0.08;
export const PREDIABETES_PROBABILITY_CAP = 0.8;

// ─── Assumptions: blood pressure, earlier high glucose, family ────────────────────────────────────────

/**
 * Assumption, not a published figure: the probability of ever having taken blood-pressure medication
 * regularly (FINDRISC item), by age, at BMI 25 without diabetes. It is multiplied by
 * exp(0.06 × (BMI − 25)), ×2 with diagnosed diabetes, ×1.4 with undiagnosed diabetes and ×1.2 with
 * prediabetes, and capped at 0.95. The shape follows the steep rise of antihypertensive use with age in
 * Dutch GP data, but the values are chosen.
 */
export const BP_MEDICATION_BY_AGE: readonly (readonly [fromAge: number, probability: number])[] = [
  [16, 0.01],
  [35, 0.04],
  [45, 0.1],
  [55, 0.22],
  [65, 0.35],
  [75, 0.48],
];
export const BP_MEDICATION_RISK = {
  logPerBmi: 0.06,
  diagnosedDiabetes: 2,
  undiagnosedDiabetes: 1.4,
  prediabetes: 1.2,
  cap: 0.95,
} as const;

/**
 * Assumption, not a published figure: the probability of answering "yes" to FINDRISC's "ever found to
 * have high blood glucose". Nearly everyone with diagnosed diabetes says yes. Some with undiagnosed
 * diabetes or prediabetes had a high value at a check-up. Among the others, women are more likely
 * (gestational diabetes, pregnancy checks) than men (an illness, a one-off check).
 */
export const HIGH_GLUCOSE_EVER = {
  diagnosedDiabetes: 0.95,
  undiagnosedDiabetes: 0.2,
  prediabetes: 0.3,
  otherWomen: 0.05,
  otherMen: 0.02,
} as const;

/**
 * Assumption, not a published figure: family history of diabetes in the whole population. First-degree
 * means a parent, sibling or child; second-degree a grandparent, aunt, uncle or first cousin. Because
 * diabetes risk is multiplied by DIABETES_RISK.family, family history is more common among people with
 * diabetes.
 */
export const FAMILY_HISTORY_SHARE = { none: 0.6, second_degree: 0.15, first_degree: 0.25 } as const;

// ─── Assumptions: membership ──────────────────────────────────────────────────────────────────────────

/**
 * Assumption, not a published figure: the consents given at joining. Study contact and registry linkage
 * are asked mostly of those who consent to research. The resulting shares are 60 % (0.8 × 0.7 + 0.2 × 0.2)
 * and 10 % (0.8 × 0.12 + 0.2 × 0.02).
 */
export const CONSENT_SHARE = {
  personal_insights: 0.95,
  research: 0.8,
  study_contact: { withResearch: 0.7, withoutResearch: 0.2 },
  coach_sharing: 0.3,
  gp_summary: 0.25,
  product_testing: 0.2,
  registry_linkage: { withResearch: 0.12, withoutResearch: 0.02 },
} as const;

/** Assumption, not a published figure: 92 % choose Dutch, the others English. */
export const DUTCH_LOCALE_SHARE = 0.92;

/**
 * Assumption, not a published figure: "email" is the contact preference of 95 % of those who consent to
 * study contact and 70 % of the others (85 % overall); the rest choose "none".
 */
export const EMAIL_CONTACT_SHARE = { withStudyContact: 0.95, withoutStudyContact: 0.7 } as const;

/**
 * Assumption, not a published figure: members joined at a uniformly random moment in the two years before
 * the reference date, but never before they turned 16.
 */
export const JOIN_WINDOW_YEARS = 2;

/**
 * Assumption, not a published figure: among Dutch-speaking members, 5 % have a name common among Dutch
 * people of Turkish, Moroccan or other non-Dutch origin. Among English-speaking members, 70 % have an
 * international name. Names are display data only.
 */
export const NAME_ORIGIN_SHARE = { dutchLocaleOther: 0.05, englishLocaleInternational: 0.7 } as const;
