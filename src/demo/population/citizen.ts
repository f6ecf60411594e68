/**
 * One synthetic Citizen Lab member. Everything about citizen `index` follows from (region, seed,
 * reference date, index) through its own random stream, `createRandom(seed).derive('citizen', index)`.
 * Citizen 7 is therefore the same whether it is generated alone or as the 7th of a million. The order of
 * the draws follows the model's causal order:
 * place and sex → age → education → height → BMI → waist → family history → activity and diet →
 * diabetes → prediabetes → blood-pressure medication → earlier high glucose → FINDRISC answers →
 * consents, locale, contact → joining date → name.
 * The figures and their sources are in tables.ts; the fitted constants are in calibration.ts.
 */

import {
  bmiOf,
  createRandom,
  type FindriscInput,
  findrisc,
  findriscAgeBand,
  type Random,
} from '../../science/index.ts';
import {
  activityLogit,
  bmiLogMean,
  bmiLogSd,
  calibration,
  clampBmi,
  diabetesRelativeRisk,
  EDUCATION_OUTCOMES,
  FAMILY_OUTCOMES,
  FAMILY_WEIGHTS,
  logistic,
  prediabetesRelativeRisk,
  prediabetesScales,
  type SexIndex,
  stepAt,
  vegetablesLogit,
  waistCut,
  waistMean,
  waistSd,
} from './calibration.ts';
import type {
  ConsentPurpose,
  GlycaemicStatus,
  PopulationOptions,
  Region,
  SyntheticCitizen,
} from './model.ts';
import { drawName } from './names.ts';
import {
  BP_MEDICATION_BY_AGE,
  BP_MEDICATION_RISK,
  CONSENT_SHARE,
  DIABETES_PROBABILITY_CAP,
  DIAGNOSED_SHARE_OF_DIABETES,
  DUTCH_LOCALE_SHARE,
  EMAIL_CONTACT_SHARE,
  HEIGHT,
  HIGH_GLUCOSE_EVER,
  JOIN_WINDOW_YEARS,
  MINIMUM_AGE,
  PREDIABETES_PROBABILITY_CAP,
  WAIST,
} from './tables.ts';

const YEAR_MS = 365.25 * 86_400_000;
const SEXES = ['male', 'female'] as const;

// A run uses one seed; a small cache keeps the root stream (derive() depends only on its key).
const roots = new Map<number | string, Random>();
function rootOf(seed: number | string): Random {
  let root = roots.get(seed);
  if (!root) {
    if (roots.size >= 16) roots.clear();
    root = createRandom(seed);
    roots.set(seed, root);
  }
  return root;
}

const municipalityCumulative = new WeakMap<Region, Float64Array>();
function cumulativeOf(region: Region): Float64Array {
  let cumulative = municipalityCumulative.get(region);
  if (!cumulative) {
    cumulative = new Float64Array(region.municipalities.length);
    let sum = 0;
    region.municipalities.forEach((m, i) => {
      sum += m.men + m.women;
      (cumulative as Float64Array)[i] = sum;
    });
    for (let i = 0; i < cumulative.length; i++) cumulative[i] = (cumulative[i] as number) / sum;
    municipalityCumulative.set(region, cumulative);
  }
  return cumulative;
}

/** The first index whose cumulative probability exceeds u (u in [0, 1)). */
function searchCumulative(cumulative: Float64Array, u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] as number) > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

function drawConsents(random: Random): Record<ConsentPurpose, boolean> {
  const research = random.chance(CONSENT_SHARE.research);
  const share = (pair: { withResearch: number; withoutResearch: number }) =>
    research ? pair.withResearch : pair.withoutResearch;
  return {
    personal_insights: random.chance(CONSENT_SHARE.personal_insights),
    research,
    study_contact: random.chance(share(CONSENT_SHARE.study_contact)),
    coach_sharing: random.chance(CONSENT_SHARE.coach_sharing),
    gp_summary: random.chance(CONSENT_SHARE.gp_summary),
    product_testing: random.chance(CONSENT_SHARE.product_testing),
    registry_linkage: random.chance(share(CONSENT_SHARE.registry_linkage)),
  };
}

/**
 * Citizen `index` of the population with this seed, aged at `referenceDate`.
 * @throws RangeError for an index that is not a non-negative integer, a non-finite reference date or an
 *   empty region.
 */
export function synthesizeCitizen(
  region: Region,
  options: PopulationOptions,
  index: number,
): SyntheticCitizen {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new RangeError(`population: invalid citizen index ${index}`);
  if (!Number.isFinite(options.referenceDate))
    throw new RangeError('population: referenceDate must be epoch ms');
  if (region.municipalities.length === 0)
    throw new RangeError('population: the region has no municipalities');
  const c = calibration();
  const prediabetesScale = prediabetesScales(options.prediabetesShareByAge);
  const random = rootOf(options.seed).derive('citizen', index);

  // Place and sex: municipalities in proportion to their population, sex by the municipality's split.
  const municipality = region.municipalities[
    searchCumulative(cumulativeOf(region), random.next())
  ] as Region['municipalities'][number];
  const postcode4 = random.pick(municipality.postcodes);
  const sexIndex: SexIndex = random.chance(municipality.men / (municipality.men + municipality.women))
    ? 0
    : 1;
  const sex = SEXES[sexIndex];

  // Age: a single year from the national band shares, then the months since the last birthday. The
  // participants module counts a birthday from the first of the birth month, so age = floor(months / 12).
  const ageIndex = searchCumulative(c.ageCumulative, random.next());
  const age = MINIMUM_AGE + ageIndex;
  const reference = new Date(options.referenceDate);
  const birthMonths =
    reference.getUTCFullYear() * 12 + reference.getUTCMonth() - (age * 12 + random.int(0, 11));
  const birthYear = Math.floor(birthMonths / 12);
  const birthMonth = birthMonths - birthYear * 12 + 1;

  const educationLevel = EDUCATION_OUTCOMES[
    searchCumulative(c.educationCumulative[ageIndex] as Float64Array, random.next())
  ] as SyntheticCitizen['educationLevel'];
  const educationOutcome = EDUCATION_OUTCOMES.indexOf(educationLevel);

  // Body: height, then BMI (log-normal by age, sex, education), weight from both, waist from BMI and age.
  const height = HEIGHT[sex];
  const heightCm = clamp(
    Math.round(
      random.normal(height.meanCm - HEIGHT.declinePerYearAfter40 * Math.max(0, age - 40), height.sdCm),
    ),
    HEIGHT.minCm,
    HEIGHT.maxCm,
  );
  const bmiModel = clampBmi(
    Math.exp(bmiLogMean(c, age, sexIndex, educationOutcome) + bmiLogSd(c, sexIndex) * random.normal(0, 1)),
  );
  const weightKg = Math.round(bmiModel * (heightCm / 100) ** 2 * 10) / 10;
  const bmi = bmiOf(weightKg, heightCm);
  const waistCm = clamp(
    Math.round(random.normal(waistMean(c, sexIndex, bmiModel, age), waistSd(sexIndex))),
    WAIST.minCm,
    WAIST.maxCm,
  );
  const abdominal = waistCm >= waistCut(sexIndex);

  const familyIndex = random.weighted(FAMILY_WEIGHTS);
  const familyHistory = FAMILY_OUTCOMES[familyIndex] as SyntheticCitizen['familyHistory'];
  const dailyActivity = random.chance(logistic(activityLogit(c, bmiModel, age)));
  const dailyVegetables = random.chance(logistic(vegetablesLogit(c, sexIndex, educationOutcome, age)));

  // Glycaemia: diabetes by age–sex prevalence × relative risk; 3 in 4 diagnosed; prediabetes among the rest.
  const cell = ageIndex * 2 + sexIndex;
  const diabetesProbability = Math.min(
    DIABETES_PROBABILITY_CAP,
    (c.diabetesScale[cell] as number) * diabetesRelativeRisk(bmiModel, abdominal, familyIndex),
  );
  const prediabetesProbability = Math.min(
    PREDIABETES_PROBABILITY_CAP,
    (prediabetesScale[cell] as number) * prediabetesRelativeRisk(bmiModel),
  );
  // Three uniforms are always drawn, so the draws after them do not shift with the outcome.
  const uDiabetes = random.next();
  const uDiagnosed = random.next();
  const uPrediabetes = random.next();
  const diabetes = uDiabetes < diabetesProbability;
  const diabetesDiagnosed = diabetes && uDiagnosed < DIAGNOSED_SHARE_OF_DIABETES;
  const glycaemicStatus: GlycaemicStatus = diabetes
    ? 'type2'
    : uPrediabetes < prediabetesProbability
      ? 'prediabetes'
      : 'normal';

  const bpRisk =
    glycaemicStatus === 'type2'
      ? diabetesDiagnosed
        ? BP_MEDICATION_RISK.diagnosedDiabetes
        : BP_MEDICATION_RISK.undiagnosedDiabetes
      : glycaemicStatus === 'prediabetes'
        ? BP_MEDICATION_RISK.prediabetes
        : 1;
  const bpMedication = random.chance(
    Math.min(
      BP_MEDICATION_RISK.cap,
      stepAt(BP_MEDICATION_BY_AGE, age) * Math.exp(BP_MEDICATION_RISK.logPerBmi * (bmiModel - 25)) * bpRisk,
    ),
  );
  const highGlucose = random.chance(
    glycaemicStatus === 'type2'
      ? diabetesDiagnosed
        ? HIGH_GLUCOSE_EVER.diagnosedDiabetes
        : HIGH_GLUCOSE_EVER.undiagnosedDiabetes
      : glycaemicStatus === 'prediabetes'
        ? HIGH_GLUCOSE_EVER.prediabetes
        : sex === 'female'
          ? HIGH_GLUCOSE_EVER.otherWomen
          : HIGH_GLUCOSE_EVER.otherMen,
  );

  const input: FindriscInput = {
    ageBand: findriscAgeBand(age),
    sex,
    bmi,
    waistCm,
    dailyActivity,
    dailyVegetables,
    bpMedication,
    highGlucose,
    familyHistory,
  };

  const consents = drawConsents(random);
  const locale = random.chance(DUTCH_LOCALE_SHARE) ? 'nl' : 'en';
  const contactPreference = random.chance(
    consents.study_contact ? EMAIL_CONTACT_SHARE.withStudyContact : EMAIL_CONTACT_SHARE.withoutStudyContact,
  )
    ? 'email'
    : 'none';
  // Joined in the window before the reference date, but not before the 16th birthday (its month's first day).
  const sixteenth = Date.UTC(birthYear + MINIMUM_AGE, birthMonth - 1, 1);
  const joinFrom = Math.max(options.referenceDate - JOIN_WINDOW_YEARS * YEAR_MS, sixteenth);
  const joinedAt = Math.floor(joinFrom + random.next() * (options.referenceDate - joinFrom));
  const { givenName, familyName } = drawName(random, sex, birthYear, locale);

  return {
    index,
    municipalityCode: municipality.code,
    postcode4,
    sex,
    birthYear,
    birthMonth,
    ageYears: age,
    educationLevel,
    locale,
    contactPreference,
    heightCm,
    weightKg,
    bmi,
    waistCm,
    dailyActivity,
    dailyVegetables,
    bpMedication,
    highGlucose,
    familyHistory,
    glycaemicStatus,
    diabetesDiagnosed,
    findrisc: { score: findrisc(input).score, input },
    consents,
    joinedAt,
    givenName,
    familyName,
  };
}
