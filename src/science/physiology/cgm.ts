/**
 * Synthetic continuous glucose monitoring (CGM) traces from a physiological glucose–insulin model.
 *
 * Plasma glucose follows the Bergman minimal model (glucose effectiveness plus remote insulin action):
 *   Bergman RN, Ider YZ, Bowden CR, Cobelli C. Quantitative estimation of insulin sensitivity.
 *   Am J Physiol 1979;236(6):E667–E677.
 * with insulin secreted by a beta-cell model with a first phase (proportional to the rate of rise of glucose)
 * and a delayed second phase (a glucose dose–response approached with a time constant), after
 *   Toffolo G, Bergman RN, Finegood DT, Bowden CR, Cobelli C. Quantitative estimation of beta cell sensitivity
 *   to glucose in the intact organism: a minimal model of insulin kinetics in the dog. Diabetes
 *   1980;29(12):979–990, and Breda E, Cavaghan MK, Toffolo G, Polonsky KS, Cobelli C. Oral glucose tolerance
 *   test minimal model indexes of beta-cell function and insulin sensitivity. Diabetes 2001;50(1):150–158.
 * Secretion is scaled to each person's insulin sensitivity through the disposition index (the hyperbolic law:
 * Kahn SE, Prigeon RL, McCulloch DK, et al. Quantification of the relationship between insulin sensitivity and
 * beta-cell function in human subjects: evidence for a hyperbolic function. Diabetes 1993;42(11):1663–1672):
 * a lower disposition index is what separates prediabetes and type 2 diabetes from normal glucose tolerance.
 * Meals enter through a two-compartment gut (a gamma-shaped rate of appearance) as in
 *   Dalla Man C, Rizza RA, Cobelli C. Meal simulation model of the glucose-insulin system. IEEE Trans Biomed Eng
 *   2007;54(10):1740–1749 (simplified: two parallel chains, fast and slow carbohydrate).
 * Exercise raises insulin-independent uptake during a bout and insulin sensitivity for hours after it, as in
 *   Breton MD. Physical activity—the major unaccounted impediment to closed loop control. J Diabetes Sci
 *   Technol 2008;2(1):169–174.
 * Metformin (`treated`) lowers hepatic glucose output: Hundal RS, Krssak M, Dufour S, et al. Mechanism by which
 * metformin reduces glucose production in type 2 diabetes. Diabetes 2000;49(12):2063–2069 (about −24 %).
 * Sleep: nothing is eaten between the last evening snack and breakfast, hepatic output rises in the early
 * morning (the dawn phenomenon), and lying on the sensor causes the odd compression low.
 * The sensor: an interstitial compartment (lag), factory-calibration drift, AR(1) noise, warm-up and
 * signal-loss gaps, rounded to integers and clamped to the device's reporting range.
 *
 * The parameter values are not fitted to individual data: they are chosen (and listed in README.md as
 * assumptions) so that the simulated groups meet the published summary figures checked in cgm.test.ts.
 */

import { utcOffsetMs } from '../glucose/local-time.ts';
import type { Random } from '../random.ts';

export const CGM_SIMULATION_MODEL = {
  id: 'synthetic-cgm',
  version: '1',
  source:
    'Bergman minimal model (Am J Physiol 1979) with beta-cell secretion (Toffolo 1980, Breda 2001), ' +
    'hyperbolic disposition index (Kahn 1993), meal absorption after Dalla Man 2007, exercise after Breton 2008',
} as const;

export type GlycaemicStatus = 'normal' | 'prediabetes' | 'type2';
export type CgmDevice = 'libre3' | 'libre2' | 'dexcom_g7';

export interface CgmDeviceSpec {
  /** Minutes between stored (historic) readings. */
  intervalMinutes: 5 | 15;
  /** Lowest and highest reported value (mg/dL); readings beyond are reported at the edge. */
  lowMgdl: number;
  highMgdl: number;
  /** Minutes after insertion before the first reading. */
  warmUpMinutes: number;
  label: string;
  /** Days one sensor is worn; a longer simulation starts a new sensor (with a new warm-up). */
  sensorDays?: number;
}

/**
 * Device characteristics. Intervals: the issue (Libre 3 and Dexcom every 5 min, Libre 2 every 15 min).
 * Reporting ranges, warm-up and wear time from the manufacturers' user manuals: FreeStyle Libre 2 and
 * FreeStyle Libre 3 (Abbott Diabetes Care; 40–500 mg/dL, 60 min warm-up, 14 days) and the Dexcom G7 user guide
 * (Dexcom; 40–400 mg/dL, shown as Low/High outside, 30 min warm-up, 10 days).
 */
export const CGM_DEVICES: Record<CgmDevice, CgmDeviceSpec> = {
  libre3: {
    intervalMinutes: 5,
    lowMgdl: 40,
    highMgdl: 500,
    warmUpMinutes: 60,
    label: 'FreeStyle Libre 3',
    sensorDays: 14,
  },
  libre2: {
    intervalMinutes: 15,
    lowMgdl: 40,
    highMgdl: 500,
    warmUpMinutes: 60,
    label: 'FreeStyle Libre 2',
    sensorDays: 14,
  },
  dexcom_g7: {
    intervalMinutes: 5,
    lowMgdl: 40,
    highMgdl: 400,
    warmUpMinutes: 30,
    label: 'Dexcom G7',
    sensorDays: 10,
  },
};

export interface PhysiologyProfile {
  status: GlycaemicStatus;
  ageYears: number;
  sex: 'female' | 'male';
  /** kg/m² */
  bmi: number;
  /** At least 30 minutes of physical activity every day (the FINDRISC item). */
  dailyActivity: boolean;
  /** diagnosed type 2 on treatment (metformin): lowers the mean */
  treated?: boolean;
}

export interface CgmSimulation {
  /** epoch ms UTC, sensor start */
  start: number;
  /** Days of wear (may be fractional), at most 366. */
  days: number;
  device: CgmDevice;
  /** IANA time zone of the wearer: meals, sleep and the dawn phenomenon follow its local clock. */
  timeZone: string;
}

/** Meals and activity bouts the simulated person had during the trace (for food and activity logs). */
export interface CgmEvents {
  /** epoch ms of the start of each meal or snack, ascending */
  mealTimes: Float64Array;
  /** grams of carbohydrate of each meal */
  mealCarbsG: Float64Array;
  /** epoch ms of the start of each activity bout, ascending */
  activityTimes: Float64Array;
  activityMinutes: Float64Array;
}

export interface CgmTrace {
  /** epoch ms, ascending, gaps omitted */
  times: Float64Array;
  /** integers, as a device reports */
  mgdl: Float64Array;
  /** 0 normal, 1 below range (clamped), 2 above range (clamped) */
  flags: Uint8Array;
  /** What drove the trace: meals and activity within [start, start + days). */
  events?: CgmEvents;
}

export const CGM_FLAG = { normal: 0, belowRange: 1, aboveRange: 2 } as const;

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const DAY_MINUTES = 1440;

// ---------------------------------------------------------------------------------------------------------
// Local clock: the UTC offset sampled every 6 hours, a change located to the minute by halving.
// ---------------------------------------------------------------------------------------------------------

/** The UTC offset over a span of time, from a few `utcOffsetMs` calls a day (not one per minute). */
interface LocalClock {
  /** Local wall-clock time minus UTC (ms) at `time`. */
  offsetAt(time: number): number;
  /** The UTC time at which the local wall clock shows `wallMs` (local time written as if UTC). */
  toUtc(wallMs: number): number;
  /** Local calendar day number (days since 1970-01-01) at `time`. */
  dayNumberAt(time: number): number;
}

const OFFSET_SAMPLE_MS = 6 * HOUR_MS;

/**
 * A local clock for [from, to] (epoch ms). Outside the span the nearest known offset applies.
 * @throws RangeError for an unknown time zone.
 */
export function localClock(timeZone: string, from: number, to: number): LocalClock {
  const starts: number[] = [Number.NEGATIVE_INFINITY];
  const offsets: number[] = [utcOffsetMs(timeZone, from)];
  let offset = offsets[0] as number;
  for (let t = from; t < to; ) {
    const next = Math.min(t + OFFSET_SAMPLE_MS, to);
    const nextOffset = utcOffsetMs(timeZone, next);
    if (nextOffset !== offset) {
      let lo = t;
      let hi = next;
      while (hi - lo > MINUTE_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
        if (utcOffsetMs(timeZone, mid) === offset) lo = mid;
        else hi = mid;
      }
      starts.push(hi);
      offsets.push(nextOffset);
      offset = nextOffset;
    }
    t = next;
  }
  const offsetAt = (time: number): number => {
    let k = starts.length - 1;
    while (k > 0 && time < (starts[k] as number)) k--;
    return offsets[k] as number;
  };
  return {
    offsetAt,
    toUtc: (wallMs) => wallMs - offsetAt(wallMs - offsetAt(wallMs)),
    dayNumberAt: (time) => Math.floor((time + offsetAt(time)) / DAY_MS),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Person parameters
// ---------------------------------------------------------------------------------------------------------

/**
 * Per-status medians. Assumption, not a published figure: the values are set so that the simulated groups meet
 * Shah 2019 (people without diabetes), larger excursions in prediabetes, and GMI 6.5–9 % in type 2 diabetes (the
 * issue); their order between the groups follows the physiology (Kahn 1993: a falling disposition index; Breda
 * 2001: the first phase is lost early; higher fasting hepatic output and a stronger dawn rise in type 2).
 */
const STATUS_PARAMETERS: Record<
  GlycaemicStatus,
  {
    /** insulin sensitivity SI, per min per µU/mL (at BMI 25, age 40, not daily active) */
    si: number;
    /** disposition index: SI × second-phase secretion capacity (per min²) */
    di: number;
    /** first-phase secretion, µU/mL per mg/dL of rise, at the median SI */
    firstPhase: number;
    /** rate (per min) at which second-phase secretion approaches its glucose dose–response */
    secondPhaseRate: number;
    /** glucose effectiveness SG, per min */
    sg: number;
    /** net hepatic glucose output at rest, mg/dL per min */
    hepatic: number;
    /** extra hepatic output at the peak of the dawn phenomenon (fraction) */
    dawn: number;
    /** rate (per min) of remote insulin action (Bergman p2) */
    p2: number;
  }
> = {
  normal: {
    si: 6e-4,
    di: 8.6e-3,
    firstPhase: 6,
    secondPhaseRate: 0.1,
    sg: 0.012,
    hepatic: 1.44,
    dawn: 0.08,
    p2: 0.11,
  },
  prediabetes: {
    si: 3.2e-4,
    di: 5.6e-3,
    firstPhase: 2.5,
    secondPhaseRate: 0.06,
    sg: 0.011,
    hepatic: 1.55,
    dawn: 0.12,
    p2: 0.06,
  },
  type2: {
    si: 1.8e-4,
    di: 1.9e-3,
    firstPhase: 0.2,
    secondPhaseRate: 0.025,
    sg: 0.009,
    hepatic: 1.68,
    dawn: 0.2,
    p2: 0.025,
  },
};

/** Assumption, not a published figure: between-person spread (log-normal sd) of SI, DI and hepatic output. */
const PERSON_SPREAD = { si: 0.3, di: 0.18, hepatic: 0.07, firstPhase: 0.2 } as const;
/** Hundal 2000: metformin lowered glucose production by about 24 %. */
const METFORMIN_HEPATIC_FACTOR = 0.76;
/** Insulin clearance (per min). Assumption in the range of minimal-model estimates (0.1–0.3 /min). */
const INSULIN_CLEARANCE = 0.15;
/** Beta-cell glucose dose–response: Hill exponent and half-maximal glucose (mg/dL). Assumption. */
const SECRETION_HILL = 4;
const SECRETION_HALF_MGDL = 160;
/** Glucose distribution volume, dL per kg body weight (Dalla Man 2007 uses 1.88). */
const GLUCOSE_VOLUME_DL_PER_KG = 1.88;
/** Fraction of meal carbohydrate that reaches the circulation (Dalla Man 2007: f = 0.9). */
const CARB_BIOAVAILABILITY = 0.9;
/** Assumption, not a published figure: adult height by sex (m), to turn BMI into body weight. */
const HEIGHT_M = { female: 1.69, male: 1.82 } as const;
/**
 * Counter-regulation (glucagon) below this glucose (mg/dL) raises hepatic output by `COUNTER_GAIN` per mg/dL
 * per min. Assumption: keeps healthy people out of sustained hypoglycaemia.
 */
const COUNTER_THRESHOLD_MGDL = 80;
const COUNTER_GAIN = 0.03;
/**
 * Exercise, after Breton 2008: intensity (0–1) follows the bout with a 5-min time constant, adds
 * insulin-independent uptake (per min per unit intensity), builds extra insulin sensitivity (per min per unit
 * intensity) that decays over hours, and damps insulin secretion (sympathetic inhibition). Assumption, not a
 * published figure: the values.
 */
const EXERCISE = {
  riseMinutes: 5,
  uptake: 0.012,
  sensitivityGain: 0.02,
  sensitivityDecayMinutes: 360,
  secretionDamping: 0.5,
} as const;
/**
 * Assumption, not a published figure: gut rate constants (per min) of the fast (sugars) and slow (starch, mixed
 * meal) chains, log-normal spread between persons; each chain of two compartments peaks after 1/k minutes.
 */
const GUT = { fast: 0.05, slow: 0.02, spread: 0.15 } as const;
/**
 * Assumption, not a published figure: carbohydrate appetite by sex, growing with the square root of body weight
 * (75 kg = 1), log-normal spread 0.15 between persons.
 */
const APPETITE = { female: 0.92, male: 1.1, referenceKg: 75, spread: 0.15 } as const;
/**
 * Assumption, not a published figure: the chance that a person takes an activity bout in one of the day's slots,
 * for people active every day and for the others, with a normal spread of 0.1 between persons.
 */
const ACTIVENESS = { active: 0.8, inactive: 0.35, spread: 0.1 } as const;

interface Person {
  si: number;
  /** second-phase capacity (µU/mL per min at full stimulation) */
  sigma: number;
  /** first-phase gain (µU/mL per mg/dL of rise) */
  kd: number;
  alpha: number;
  sg: number;
  p2: number;
  /** hepatic glucose output (mg/dL per min) */
  hepatic: number;
  dawn: number;
  /** glucose distribution volume (dL) */
  volumeDl: number;
  /** carbohydrate appetite factor */
  appetite: number;
  /** rate (per min) of the fast and slow gut chains */
  kFast: number;
  kSlow: number;
  /** chance of an activity bout per slot */
  activeness: number;
}

function personOf(profile: PhysiologyProfile, random: Random): Person {
  const base = STATUS_PARAMETERS[profile.status];
  const z = random.derive('person');
  const zSi = z.normal(0, 1);
  const zDi = z.normal(0, 1);
  const zHep = z.normal(0, 1);
  const zKd = z.normal(0, 1);
  const zAppetite = z.normal(0, 1);
  const zGut = z.normal(0, 1);
  const zActive = z.normal(0, 1);
  // Insulin sensitivity falls with BMI and age and rises with daily activity. Assumption, not a published
  // figure: −4 % per BMI unit above 25, −0.5 % per year above 40, +15 % for daily activity.
  const bmiFactor = Math.exp(-0.04 * (profile.bmi - 25));
  const ageFactor = Math.exp(-0.005 * Math.max(0, profile.ageYears - 40));
  const activityFactor = profile.dailyActivity ? 1.15 : 1;
  const si = base.si * Math.exp(PERSON_SPREAD.si * zSi) * bmiFactor * ageFactor * activityFactor;
  // Beta-cell function: the disposition index declines with age and, mildly, with BMI. Assumption, not a
  // published figure: −0.4 % per year above 40, −1 % per BMI unit above 25.
  const di =
    base.di *
    Math.exp(PERSON_SPREAD.di * zDi) *
    Math.exp(-0.004 * Math.max(0, profile.ageYears - 40)) *
    Math.exp(-0.01 * Math.max(0, profile.bmi - 25));
  const sigma = di / si;
  const treated = profile.status === 'type2' && profile.treated === true;
  const heightM = HEIGHT_M[profile.sex];
  const weightKg = profile.bmi * heightM * heightM;
  return {
    si,
    sigma,
    // The first phase also follows the hyperbolic law (scaled by the person's sensitivity).
    kd: ((base.firstPhase * Math.exp(PERSON_SPREAD.firstPhase * zKd) * base.si) / si) * (di / base.di),
    alpha: base.secondPhaseRate,
    sg: base.sg,
    p2: base.p2,
    hepatic: base.hepatic * Math.exp(PERSON_SPREAD.hepatic * zHep) * (treated ? METFORMIN_HEPATIC_FACTOR : 1),
    dawn: base.dawn,
    volumeDl: GLUCOSE_VOLUME_DL_PER_KG * weightKg,
    appetite:
      APPETITE[profile.sex] *
      Math.sqrt(weightKg / APPETITE.referenceKg) *
      Math.exp(APPETITE.spread * zAppetite),
    kFast: GUT.fast * Math.exp(GUT.spread * zGut),
    kSlow: GUT.slow * Math.exp(GUT.spread * zGut),
    activeness: Math.min(
      0.95,
      Math.max(
        0.02,
        (profile.dailyActivity ? ACTIVENESS.active : ACTIVENESS.inactive) + ACTIVENESS.spread * zActive,
      ),
    ),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The day: sleep, meals and activity at local clock times
// ---------------------------------------------------------------------------------------------------------

interface DayPlan {
  /** local minute of the day of waking */
  wake: number;
  meals: { minute: number; carbsG: number; fastShare: number }[];
  bouts: { minute: number; minutes: number; intensity: number }[];
  /** day-to-day factor on insulin sensitivity */
  sensitivity: number;
}

/**
 * Meal clock times and sizes. Assumption, not a published figure: Dutch-style eating times (breakfast soon after
 * waking, lunch 12:00–13:30, an early dinner about 18:00, up to three snacks), carbohydrate sizes giving about
 * 180–240 g a day (women–men), weekends about an hour later in the morning, and nothing eaten between the last
 * snack (23:00 at the latest) and breakfast. A meal's share of fast carbohydrate is uniform 20–60 % (snacks
 * 40–90 %).
 */
const MEAL_PLAN = {
  wakeWeekday: { mean: 7 * 60, sd: 30 },
  wakeWeekend: { mean: 8 * 60 + 30, sd: 45 },
  breakfast: { afterWake: [10, 60], carbsG: 45, skip: 0.08 },
  lunch: {
    weekday: { mean: 12 * 60 + 30, sd: 25 },
    weekend: { mean: 13 * 60, sd: 45 },
    carbsG: 55,
    skip: 0.04,
  },
  dinner: { weekday: { mean: 18 * 60 + 10, sd: 35 }, weekend: { mean: 18 * 60 + 40, sd: 50 }, carbsG: 70 },
  snacks: [
    { mean: 10 * 60 + 30, sd: 40, chance: 0.45, carbsG: 20 },
    { mean: 15 * 60 + 30, sd: 45, chance: 0.55, carbsG: 22 },
    { mean: 20 * 60 + 45, sd: 50, chance: 0.45, carbsG: 18 },
  ],
  /** log-normal sd of a meal's size around its median */
  sizeSpread: 0.3,
  mealFastShare: [0.2, 0.6],
  snackFastShare: [0.4, 0.9],
} as const;

/**
 * Assumption, not a published figure: activity slots (minute of the day, sd, chance for a person with
 * activeness 1) — on weekdays a morning commute, late afternoon and an evening walk, at the weekend late morning
 * and afternoon; each bout lasts 15–60 min at 30–60 % of capacity (walking, cycling).
 */
const ACTIVITY_PLAN = {
  weekday: [
    { afterWake: 75, sd: 20, chance: 0.7 },
    { mean: 17 * 60 + 15, sd: 30, chance: 0.7 },
    { mean: 19 * 60 + 45, sd: 40, chance: 0.49 },
  ],
  weekend: [
    { mean: 10 * 60 + 30, sd: 60, chance: 0.84 },
    { mean: 15 * 60, sd: 60, chance: 0.7 },
  ],
  minutes: [15, 60],
  intensity: [0.3, 0.6],
} as const;
/** Assumption, not a published figure: day-to-day variation of insulin sensitivity (sleep, stress), sd 10 %. */
const DAY_SENSITIVITY_SD = 0.1;

function clampMinute(minute: number, lo: number, hi: number): number {
  return Math.round(Math.min(hi, Math.max(lo, minute)));
}

function planDay(person: Person, dayNumber: number, random: Random): DayPlan {
  const r = random.derive('day', dayNumber);
  const weekday = (dayNumber + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  const weekend = weekday === 0 || weekday === 6;
  const wakeClock = weekend ? MEAL_PLAN.wakeWeekend : MEAL_PLAN.wakeWeekday;
  const wake = clampMinute(r.normal(wakeClock.mean, wakeClock.sd), 5 * 60, 11 * 60);
  const meals: DayPlan['meals'] = [];
  const size = (median: number) => median * person.appetite * Math.exp(r.normal(0, MEAL_PLAN.sizeSpread));
  const fast = () => r.uniform(MEAL_PLAN.mealFastShare[0], MEAL_PLAN.mealFastShare[1]);
  const [b0, b1] = MEAL_PLAN.breakfast.afterWake;
  const breakfast = wake + r.uniform(b0, b1);
  const breakfastCarbs = size(MEAL_PLAN.breakfast.carbsG);
  const breakfastFast = fast();
  if (!r.chance(MEAL_PLAN.breakfast.skip)) {
    meals.push({
      minute: clampMinute(breakfast, 0, DAY_MINUTES - 1),
      carbsG: breakfastCarbs,
      fastShare: breakfastFast,
    });
  }
  const lunchClock = weekend ? MEAL_PLAN.lunch.weekend : MEAL_PLAN.lunch.weekday;
  const lunch = Math.max(breakfast + 150, r.normal(lunchClock.mean, lunchClock.sd));
  const lunchCarbs = size(MEAL_PLAN.lunch.carbsG);
  const lunchFast = fast();
  if (!r.chance(MEAL_PLAN.lunch.skip)) {
    meals.push({ minute: clampMinute(lunch, 0, DAY_MINUTES - 1), carbsG: lunchCarbs, fastShare: lunchFast });
  }
  const dinnerClock = weekend ? MEAL_PLAN.dinner.weekend : MEAL_PLAN.dinner.weekday;
  const dinner = Math.max(lunch + 240, r.normal(dinnerClock.mean, dinnerClock.sd));
  meals.push({
    minute: clampMinute(dinner, 0, 22 * 60),
    carbsG: size(MEAL_PLAN.dinner.carbsG),
    fastShare: fast(),
  });
  for (const snack of MEAL_PLAN.snacks) {
    const minute = clampMinute(r.normal(snack.mean, snack.sd), wake + 60, 23 * 60);
    const carbs = size(snack.carbsG);
    const fastShare = r.uniform(MEAL_PLAN.snackFastShare[0], MEAL_PLAN.snackFastShare[1]);
    if (r.chance(snack.chance)) meals.push({ minute, carbsG: carbs, fastShare });
  }
  meals.sort((a, b) => a.minute - b.minute);

  const bouts: DayPlan['bouts'] = [];
  for (const slot of weekend ? ACTIVITY_PLAN.weekend : ACTIVITY_PLAN.weekday) {
    const mean = 'afterWake' in slot ? wake + slot.afterWake : slot.mean;
    const minute = clampMinute(r.normal(mean, slot.sd), wake + 30, 22 * 60);
    const minutes = Math.round(r.uniform(ACTIVITY_PLAN.minutes[0], ACTIVITY_PLAN.minutes[1]));
    const intensity = r.uniform(ACTIVITY_PLAN.intensity[0], ACTIVITY_PLAN.intensity[1]);
    if (r.chance(person.activeness * slot.chance)) bouts.push({ minute, minutes, intensity });
  }
  bouts.sort((a, b) => a.minute - b.minute);
  const sensitivity = Math.exp(r.normal(0, DAY_SENSITIVITY_SD));
  return { wake, meals, bouts, sensitivity };
}

// ---------------------------------------------------------------------------------------------------------
// Sensor
// ---------------------------------------------------------------------------------------------------------

/**
 * Sensor error. Assumption, not a published figure: interstitial lag uniform 5–10 min per sensor (the brief), a
 * calibration gain error with sd 5 % drifting with a 2-day time constant, an offset of sd 2 mg/dL per sensor, and
 * AR(1) noise of sd 3 mg/dL + 3 % of the value, correlated 0.6 from one 5-min reading to the next.
 */
const SENSOR = {
  lagMinutes: [5, 10],
  gainSd: 0.05,
  gainTauMinutes: 2 * DAY_MINUTES,
  offsetSd: 2,
  noiseSdMgdl: 3,
  noiseSdRelative: 0.03,
  noiseCorrelationPer5Min: 0.6,
} as const;

/**
 * Signal loss. Assumption, not a published figure: gaps start at a person-specific rate (median 1.2 a day,
 * log-normal sd 0.6) and last a log-normal time (median 25 min, sd 0.9, 10 min to 4 h): about 2–5 % of the
 * time is missing in most fortnights.
 */
const GAPS = {
  perDay: 1.2,
  perDaySpread: 0.6,
  medianMinutes: 25,
  minutesSpread: 0.9,
  minMinutes: 10,
  maxMinutes: 240,
} as const;

// ---------------------------------------------------------------------------------------------------------
// Simulation
// ---------------------------------------------------------------------------------------------------------

/**
 * Pressure-induced sensor attenuation (a "compression low" when the wearer lies on the sensor; Baysal N, Cameron
 * F, Buckingham BA, et al. A novel method to detect pressure-induced sensor attenuations (PISA) in an artificial
 * pancreas. J Diabetes Sci Technol 2014;8(6):1091–1096). Assumption, not a published figure: on 45 % of nights,
 * once between 00:30 and 05:30, 15–120 min (median 40), the reading falls by 15–45 %: about 4 % of the night's
 * readings, near the 3 % of overnight readings that Baysal 2014 marked as attenuated (in type 1 diabetes).
 */
const COMPRESSION = {
  chance: 0.45,
  from: 30,
  to: 330,
  medianMinutes: 40,
  spread: 0.5,
  minMinutes: 15,
  maxMinutes: 120,
  depth: [0.15, 0.45],
} as const;

/** The model runs this long before the sensor starts, so the trace does not begin at an artificial rest. */
const BURN_IN_MINUTES = 12 * 60;
const MAX_DAYS = 366;

function checkInput(profile: PhysiologyProfile, simulation: CgmSimulation): void {
  if (!(profile.status in STATUS_PARAMETERS)) {
    throw new RangeError(`Physiology: unknown glycaemic status '${String(profile.status)}'`);
  }
  if (!(Number.isFinite(profile.bmi) && profile.bmi >= 12 && profile.bmi <= 80)) {
    throw new RangeError(`Physiology: BMI must be 12–80 kg/m², got ${profile.bmi}`);
  }
  if (!(Number.isFinite(profile.ageYears) && profile.ageYears >= 0 && profile.ageYears <= 120)) {
    throw new RangeError(`Physiology: age must be 0–120 years, got ${profile.ageYears}`);
  }
  if (profile.sex !== 'female' && profile.sex !== 'male') {
    throw new RangeError(`Physiology: sex must be 'female' or 'male', got '${String(profile.sex)}'`);
  }
  if (!Number.isFinite(simulation.start)) {
    throw new RangeError(`Physiology: start must be epoch ms, got ${simulation.start}`);
  }
  if (!(Number.isFinite(simulation.days) && simulation.days > 0 && simulation.days <= MAX_DAYS)) {
    throw new RangeError(`Physiology: days must be in (0, ${MAX_DAYS}], got ${simulation.days}`);
  }
  if (!Object.hasOwn(CGM_DEVICES, simulation.device)) {
    throw new RangeError(`Physiology: unknown CGM device '${String(simulation.device)}'`);
  }
}

/** Dawn phenomenon: extra hepatic output, a raised cosine from 03:00 to 09:00 local time, peak at 06:00. */
function dawnShape(localMinute: number): number {
  if (localMinute < 180 || localMinute >= 540) return 0;
  return 0.5 - 0.5 * Math.cos(((localMinute - 180) / 360) * 2 * Math.PI);
}

/**
 * A synthetic CGM trace for one person and one wear period.
 *
 * Plasma glucose G (mg/dL), remote insulin action X (/min), plasma insulin I (µU/mL) and second-phase secretion
 * Y are integrated in 1-minute steps from 12 hours before the sensor start. Meals, sleep and activity follow
 * the local clock of `timeZone`; each local day's plan is drawn from its own stream (`random.derive('day', n)`),
 * so the same date gets the same plan whatever the start. Sensor noise, drift and gaps use their own streams.
 *
 * @throws RangeError for an invalid profile or simulation (unknown status, device or time zone, days ≤ 0).
 */
export function simulateCgm(profile: PhysiologyProfile, simulation: CgmSimulation, random: Random): CgmTrace {
  checkInput(profile, simulation);
  const device = CGM_DEVICES[simulation.device];
  const person = personOf(profile, random);
  const totalMinutes = Math.ceil(simulation.days * DAY_MINUTES);
  const t0 = simulation.start - BURN_IN_MINUTES * MINUTE_MS;
  const steps = BURN_IN_MINUTES + totalMinutes;
  const tEnd = t0 + steps * MINUTE_MS;
  const clock = localClock(simulation.timeZone, t0 - DAY_MS, tEnd + DAY_MS);

  // Inputs per minute: carbohydrate into the fast and slow gut (mg/dL), exercise intensity, local minute.
  const fastIn = new Float64Array(steps);
  const slowIn = new Float64Array(steps);
  const exercise = new Float32Array(steps);
  const dawn = new Float32Array(steps);
  const daySensitivity = new Float32Array(steps).fill(1);
  const mealTimes: number[] = [];
  const mealCarbs: number[] = [];
  const boutTimes: number[] = [];
  const boutMinutes: number[] = [];
  const firstDay = clock.dayNumberAt(t0) - 1;
  const lastDay = clock.dayNumberAt(tEnd);
  const mgPerDl = (CARB_BIOAVAILABILITY * 1000) / person.volumeDl;
  const indexOf = (time: number) => Math.round((time - t0) / MINUTE_MS);
  for (let day = firstDay; day <= lastDay; day++) {
    const plan = planDay(person, day, random);
    const midnight = day * DAY_MS;
    // Sensitivity of the day applies from this day's waking to the next day's.
    const from = Math.max(0, indexOf(clock.toUtc(midnight + plan.wake * MINUTE_MS)));
    if (from < steps) daySensitivity.fill(plan.sensitivity, from);
    for (const meal of plan.meals) {
      const time = clock.toUtc(midnight + meal.minute * MINUTE_MS);
      const k = indexOf(time);
      if (k < 0 || k >= steps) continue;
      const dose = meal.carbsG * mgPerDl;
      fastIn[k] = (fastIn[k] as number) + dose * meal.fastShare;
      slowIn[k] = (slowIn[k] as number) + dose * (1 - meal.fastShare);
      if (time >= simulation.start) {
        mealTimes.push(time);
        mealCarbs.push(Math.round(meal.carbsG));
      }
    }
    for (const bout of plan.bouts) {
      const time = clock.toUtc(midnight + bout.minute * MINUTE_MS);
      const k = indexOf(time);
      for (let j = Math.max(0, k); j < Math.min(steps, k + bout.minutes); j++) exercise[j] = bout.intensity;
      if (time >= simulation.start && k < steps) {
        boutTimes.push(time);
        boutMinutes.push(bout.minutes);
      }
    }
  }
  // Compression lows during sleep, drawn per night from their own stream (they touch only the sensor).
  const attenuation = new Float32Array(totalMinutes);
  for (let day = firstDay; day <= lastDay; day++) {
    const r = random.derive('compression', day);
    const minute = r.uniform(COMPRESSION.from, COMPRESSION.to);
    const minutes = Math.min(
      COMPRESSION.maxMinutes,
      Math.max(COMPRESSION.minMinutes, COMPRESSION.medianMinutes * Math.exp(r.normal(0, COMPRESSION.spread))),
    );
    const depth = r.uniform(COMPRESSION.depth[0], COMPRESSION.depth[1]);
    if (!r.chance(COMPRESSION.chance)) continue;
    const from = Math.round((clock.toUtc(day * DAY_MS + minute * MINUTE_MS) - simulation.start) / MINUTE_MS);
    for (let j = Math.max(0, from); j < Math.min(totalMinutes, from + minutes); j++) {
      // 10-minute ramps down and up.
      const ramp = Math.min(1, (j - from + 1) / 10, (from + minutes - j) / 10);
      attenuation[j] = depth * ramp;
    }
  }
  // Local minute of the day from the offset table: a look-up in a short array, no Intl call per minute.
  for (let k = 0; k < steps; k++) {
    const time = t0 + k * MINUTE_MS;
    const local = time + clock.offsetAt(time);
    const minute = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
    dawn[k] = dawnShape(minute);
  }

  // Sensor parameters, per trace.
  const sensorRandom = random.derive('sensor', simulation.start);
  const lag = sensorRandom.uniform(SENSOR.lagMinutes[0], SENSOR.lagMinutes[1]);
  const lagRate = 1 - Math.exp(-1 / lag);

  // Steady state at rest (fasting): solve hepatic = (sg + si·I(G))·G for G by bisection.
  const psi = (g: number) => {
    const r = (g / SECRETION_HALF_MGDL) ** SECRETION_HILL;
    return r / (1 + r);
  };
  let lo = 20;
  let hi = 600;
  for (let i = 0; i < 50; i++) {
    const g = (lo + hi) / 2;
    const insulin = (person.sigma * psi(g)) / INSULIN_CLEARANCE;
    if ((person.sg + person.si * insulin) * g > person.hepatic) hi = g;
    else lo = g;
  }
  let G = (lo + hi) / 2;
  let Y = person.sigma * psi(G);
  let I = Y / INSULIN_CLEARANCE;
  let X = person.si * I;
  let fast1 = 0;
  let fast2 = 0;
  let slow1 = 0;
  let slow2 = 0;
  let E = 0;
  let Z = 0;
  let IG = G;
  const interstitial = new Float32Array(totalMinutes);
  const { sg, si, sigma, kd, alpha, p2, hepatic, kFast, kSlow } = person;
  const dawnGain = person.dawn;
  const zDecay = 1 / EXERCISE.sensitivityDecayMinutes;
  const exerciseRise = 1 / EXERCISE.riseMinutes;
  for (let k = 0; k < steps; k++) {
    // Gut: two chains of two compartments each (gamma-shaped appearance).
    fast1 += fastIn[k] as number;
    slow1 += slowIn[k] as number;
    const fastMove = kFast * fast1;
    const fastOut = kFast * fast2;
    const slowMove = kSlow * slow1;
    const slowOut = kSlow * slow2;
    fast1 -= fastMove;
    fast2 += fastMove - fastOut;
    slow1 -= slowMove;
    slow2 += slowMove - slowOut;
    const ra = fastOut + slowOut;
    // Exercise intensity rises and falls with a 5-min time constant; it builds extra insulin sensitivity.
    E += ((exercise[k] as number) - E) * exerciseRise;
    Z += EXERCISE.sensitivityGain * E - Z * zDecay;
    const production =
      hepatic * (1 + dawnGain * (dawn[k] as number)) +
      (G < COUNTER_THRESHOLD_MGDL ? COUNTER_GAIN * (COUNTER_THRESHOLD_MGDL - G) : 0);
    const dG = production + ra - (sg + X + EXERCISE.uptake * E) * G;
    const previous = G;
    G = Math.max(20, G + dG);
    // Beta cell: first phase on the rise of glucose, second phase approaching the dose–response; both damped
    // during exercise (sympathetic inhibition).
    const r = (G / SECRETION_HALF_MGDL) ** SECRETION_HILL;
    Y += alpha * (sigma * (r / (1 + r)) - Y);
    const rise = G - previous;
    const secretion = (Y + (rise > 0 ? kd * rise : 0)) * (1 - EXERCISE.secretionDamping * E);
    I += secretion - INSULIN_CLEARANCE * I;
    X += p2 * (si * (daySensitivity[k] as number) * (1 + Z) * I - X);
    IG += (G - IG) * lagRate;
    if (k >= BURN_IN_MINUTES) {
      const m = k - BURN_IN_MINUTES;
      interstitial[m] = IG * (1 - (attenuation[m] as number));
    }
  }

  return {
    ...readSensor(interstitial, simulation, device, random),
    events: {
      mealTimes: Float64Array.from(mealTimes),
      mealCarbsG: Float64Array.from(mealCarbs),
      activityTimes: Float64Array.from(boutTimes),
      activityMinutes: Float64Array.from(boutMinutes),
    },
  };
}

/** The device's view of the interstitial glucose: warm-up, gaps, drift, noise, rounding and range clamping. */
function readSensor(
  interstitial: Float32Array,
  simulation: CgmSimulation,
  device: CgmDeviceSpec,
  random: Random,
): Pick<CgmTrace, 'times' | 'mgdl' | 'flags'> {
  const total = interstitial.length;
  const interval = device.intervalMinutes;
  const sensorMinutes = (device.sensorDays ?? Number.POSITIVE_INFINITY) * DAY_MINUTES;
  // Missing minutes: warm-up of each sensor and signal-loss gaps.
  const missing = new Uint8Array(total);
  const gapRandom = random.derive('gaps', simulation.start);
  const gapsPerMinute = (GAPS.perDay * Math.exp(gapRandom.normal(0, GAPS.perDaySpread))) / DAY_MINUTES;
  for (let t = -Math.log(1 - gapRandom.next()) / gapsPerMinute; t < total; ) {
    const length = Math.min(
      GAPS.maxMinutes,
      Math.max(GAPS.minMinutes, GAPS.medianMinutes * Math.exp(gapRandom.normal(0, GAPS.minutesSpread))),
    );
    const from = Math.floor(t);
    const to = Math.min(total, Math.ceil(t + length));
    missing.fill(1, from, to);
    t = to - Math.log(1 - gapRandom.next()) / gapsPerMinute;
  }
  const maxReadings = Math.ceil(total / interval) + 1;
  const times = new Float64Array(maxReadings);
  const mgdl = new Float64Array(maxReadings);
  const flags = new Uint8Array(maxReadings);
  let n = 0;
  const noiseRandom = random.derive('noise', simulation.start);
  const phi = SENSOR.noiseCorrelationPer5Min ** (interval / 5);
  const innovation = Math.sqrt(1 - phi * phi);
  const rho = Math.exp(-interval / SENSOR.gainTauMinutes);
  const rhoInnovation = Math.sqrt(1 - rho * rho);
  for (let sensorStart = 0, sensor = 0; sensorStart < total; sensorStart += sensorMinutes, sensor++) {
    const sensorEnd = Math.min(total, sensorStart + sensorMinutes);
    const s = random.derive('sensor-error', simulation.start, sensor);
    let gain = s.normal(0, SENSOR.gainSd);
    const offset = s.normal(0, SENSOR.offsetSd);
    let noise = s.normal(0, 1);
    for (let m = sensorStart + device.warmUpMinutes; m < sensorEnd; m += interval) {
      gain = rho * gain + rhoInnovation * noiseRandom.normal(0, SENSOR.gainSd);
      noise = phi * noise + innovation * noiseRandom.normal(0, 1);
      if (missing[m] === 1) continue;
      const truth = interstitial[m] as number;
      const value = Math.round(
        truth * (1 + gain) + offset + noise * (SENSOR.noiseSdMgdl + SENSOR.noiseSdRelative * truth),
      );
      times[n] = simulation.start + m * MINUTE_MS;
      if (value < device.lowMgdl) {
        mgdl[n] = device.lowMgdl;
        flags[n] = CGM_FLAG.belowRange;
      } else if (value > device.highMgdl) {
        mgdl[n] = device.highMgdl;
        flags[n] = CGM_FLAG.aboveRange;
      } else {
        mgdl[n] = value;
      }
      n++;
    }
  }
  return { times: times.slice(0, n), mgdl: mgdl.slice(0, n), flags: flags.slice(0, n) };
}
