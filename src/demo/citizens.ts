import type { SeedCoaching } from '../modules/coaching/index.ts';
import type { SeedDecision } from '../modules/consent/index.ts';
import type { SeedAccount } from '../modules/identity/index.ts';
import type { SeedTrace } from '../modules/insights/index.ts';
import { CODES, type SeedStream } from '../modules/measurements/index.ts';
import type { SeedParticipant } from '../modules/participants/index.ts';
import type { SeedFindrisc } from '../modules/questionnaires/index.ts';
import { utcOffsetMs } from '../science/glucose/local-time.ts';
import {
  CGM_DEVICES,
  type CgmDevice,
  findriscAgeBand,
  type PhysiologyProfile,
  type Random,
  simulateCgm,
  simulateDailySteps,
  simulateWeight,
  toMmol,
} from '../science/index.ts';
import { CONSENT_PURPOSES, type SyntheticCitizen } from './population/index.ts';
import { DEMO_COACH, DEMO_DOMAIN, DEMO_STAFF } from './staff.ts';

const DAY_MS = 86_400_000;
export const DEMO_TIME_ZONE = 'Europe/Amsterdam';

/** Assumption, not a published figure: the share of members who filled in FINDRISC. */
export const FINDRISC_SHARE = 0.85;
/** Assumption: the devices of CGM wearers (the issue names Libre 3, Dexcom and Libre 2). */
const DEVICE_WEIGHTS: Record<CgmDevice, number> = { libre3: 0.5, dexcom_g7: 0.3, libre2: 0.2 };
/** Assumption: a member's CGM fortnight ended within this many days before the reference time. */
const CGM_END_WITHIN_DAYS = 60;
/** Days of phone steps and weighings before the end of a wearer's sensor period. */
const TREND_DAYS = 90;
/** Assumption: the share of members who change one consent decision after joining. */
const LATER_CHANGE_SHARE = 0.05;

/**
 * Assumption: the share of CGM wearers who share with their coach that the demo coach coaches (the demo needs a
 * caseload to show, not a figure of the region).
 */
const COACHED_SHARE = 0.25;

/** What one chunk of citizens writes, module by module. */
export interface ChunkRows {
  caseloads: SeedCoaching[];
  accounts: SeedAccount[];
  participants: SeedParticipant[];
  decisions: SeedDecision[];
  findrisc: SeedFindrisc[];
  streams: SeedStream[];
  traces: SeedTrace[];
}

export const emptyChunk = (): ChunkRows => ({
  caseloads: [],
  accounts: [],
  participants: [],
  decisions: [],
  findrisc: [],
  streams: [],
  traces: [],
});

/** A version 4 UUID from the stream: the same citizen gets the same id in every load. */
export function uuidFrom(random: Random): string {
  const hex = Array.from({ length: 4 }, () => random.int(0, 0xffff_ffff).toString(16).padStart(8, '0')).join(
    '',
  );
  const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** ASCII letters of a name, for an e-mail address: "El Amrani" → "elamrani", "Özdemir" → "ozdemir". */
const addressPart = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

export function demoEmail(citizen: SyntheticCitizen): string {
  return `${addressPart(citizen.givenName)}.${addressPart(citizen.familyName)}.${citizen.index}@${DEMO_DOMAIN}`;
}

export function profileOf(citizen: SyntheticCitizen): PhysiologyProfile {
  return {
    status: citizen.glycaemicStatus,
    ageYears: citizen.ageYears,
    sex: citizen.sex,
    bmi: citizen.bmi,
    dailyActivity: citizen.dailyActivity,
    treated: citizen.diabetesDiagnosed,
  };
}

/** The local calendar date of an instant in the demo's zone, 'YYYY-MM-DD'. */
export const localDate = (time: number) =>
  new Date(time + utcOffsetMs(DEMO_TIME_ZONE, time)).toISOString().slice(0, 10);

export interface CitizenPlan {
  citizen: SyntheticCitizen;
  /** Consent decisions that differ from the generator's (a featured member who shares with her coach). */
  consents?: Partial<SyntheticCitizen['consents']>;
  /** Whose account can sign in (featured demo citizens): their address and password hash. */
  signIn?: { email: string; passwordHash: string };
  /** The end of the CGM period, or null for a member without a sensor. */
  cgmEnd: number | null;
  device: CgmDevice | null;
}

/** Adds one citizen's rows to the chunk: account, membership, consents, FINDRISC, device data, summaries. */
export function addCitizen(rows: ChunkRows, plan: CitizenPlan, random: Random, cgmDays: number, now: number) {
  const { citizen } = plan;
  const id = uuidFrom(random.derive('id'));
  const joinedAt = new Date(citizen.joinedAt);
  rows.accounts.push({
    id,
    email: plan.signIn?.email ?? demoEmail(citizen),
    displayName: `${citizen.givenName} ${citizen.familyName}`,
    locale: citizen.locale,
    passwordHash: plan.signIn?.passwordHash ?? null,
    createdAt: joinedAt,
    memberships: [{ role: 'citizen', organisationId: null }],
  });
  rows.participants.push({
    participantId: id,
    birthYear: citizen.birthYear,
    birthMonth: citizen.birthMonth,
    sexAtBirth: citizen.sex,
    postcode4: citizen.postcode4,
    municipalityCode: citizen.municipalityCode,
    educationLevel: citizen.educationLevel,
    contactPreference: citizen.contactPreference,
    timeZone: DEMO_TIME_ZONE,
    joinedAt,
  });

  // The decisions at joining, one per purpose; a few members change one of them later.
  const consents = { ...citizen.consents, ...plan.consents };
  for (const purpose of CONSENT_PURPOSES) {
    rows.decisions.push({
      participantId: id,
      purpose,
      decision: consents[purpose] ? 'granted' : 'refused',
      at: joinedAt,
    });
  }
  const later = random.derive('consent-change');
  if (!plan.signIn && later.chance(LATER_CHANGE_SHARE)) {
    const purpose = later.pick(CONSENT_PURPOSES);
    consents[purpose] = !consents[purpose];
    rows.decisions.push({
      participantId: id,
      purpose,
      decision: consents[purpose] ? 'granted' : 'refused',
      at: new Date(later.uniform(citizen.joinedAt, now)),
    });
  }

  const findriscRandom = random.derive('findrisc');
  if (plan.signIn || findriscRandom.chance(FINDRISC_SHARE)) {
    const input = citizen.findrisc.input;
    rows.findrisc.push({
      participantId: id,
      authoredAt: new Date(
        Math.min(now - 3_600_000, citizen.joinedAt + findriscRandom.uniform(0, 14) * DAY_MS),
      ),
      ageBand: findriscAgeBand(citizen.ageYears),
      sex: citizen.sex,
      heightCm: citizen.heightCm,
      weightKg: citizen.weightKg,
      waistCm: citizen.waistCm,
      dailyActivity: input.dailyActivity,
      dailyVegetables: input.dailyVegetables,
      bpMedication: input.bpMedication,
      highGlucose: input.highGlucose,
      familyHistory: input.familyHistory,
    });
  }

  if (plan.cgmEnd === null || plan.device === null) return;
  // The demo coach coaches some of the wearers who share with their coach, from when their sensor went in.
  if (consents.coach_sharing && (plan.signIn || random.derive('coaching').chance(COACHED_SHARE))) {
    rows.caseloads.push({
      participantId: id,
      coachId: DEMO_COACH.id,
      assignedAt: new Date(Math.max(citizen.joinedAt, plan.cgmEnd - 30 * DAY_MS)),
      assignedBy: (DEMO_STAFF[0] as (typeof DEMO_STAFF)[number]).id,
    });
  }
  // The sensor goes in a warm-up before the same local time `cgmDays` days earlier, so that its readings
  // span exactly that many days (the consensus report's 14 when it comes off at midnight).
  const warmUp = CGM_DEVICES[plan.device].warmUpMinutes * 60_000;
  const endDay = localDate(plan.cgmEnd);
  const start = localMidnight(addDays(endDay, -cgmDays)) + (plan.cgmEnd - localMidnight(endDay)) - warmUp;
  const profile = profileOf(citizen);
  const trace = simulateCgm(
    profile,
    { start, days: (plan.cgmEnd - start) / DAY_MS, device: plan.device, timeZone: DEMO_TIME_ZONE },
    random.derive('cgm'),
  );
  const n = trace.times.length;
  const mmol = new Float64Array(n);
  const originals: string[] = new Array(n);
  const lowWord = plan.device === 'dexcom_g7' ? 'Low' : 'LO';
  const highWord = plan.device === 'dexcom_g7' ? 'High' : 'HI';
  for (let i = 0; i < n; i++) {
    // Dutch devices report mmol/L with one decimal: the stored value is what the device showed.
    const shown = Math.round(toMmol(trace.mgdl[i] as number) * 10) / 10;
    mmol[i] = shown;
    const flag = trace.flags[i];
    originals[i] = flag === 1 ? lowWord : flag === 2 ? highWord : shown.toFixed(1);
  }
  const serial = random.derive('serial').int(0x1000_0000, 0xffff_ffff).toString(16).toUpperCase();
  const libre = plan.device !== 'dexcom_g7';
  const importedAt = new Date(Math.min(now, plan.cgmEnd + 2 * 3_600_000));
  rows.streams.push({
    participantId: id,
    importId: uuidFrom(random.derive('import', 'cgm')),
    format: libre ? 'libreview' : 'dexcom',
    fileName: libre ? 'LibreView_export.csv' : 'Clarity_Export.csv',
    importedAt,
    source: `${libre ? 'libre' : 'dexcom'}:${serial}`,
    code: CODES.cgmGlucose,
    method: 'continuous',
    timeZone: DEMO_TIME_ZONE,
    times: trace.times,
    values: mmol,
    originalValues: originals,
    originalUnit: 'mmol/L',
    flags: trace.flags,
  });
  if (consents.personal_insights && n > 0) {
    const mgdl = new Float64Array(n);
    for (let i = 0; i < n; i++) mgdl[i] = (mmol[i] as number) * 18.0156;
    rows.traces.push({ participantId: id, timeZone: DEMO_TIME_ZONE, times: trace.times, mgdl });
  }

  // The phone's daily steps and the scale's weighings over the months before the sensor came off.
  const trendStart = plan.cgmEnd - TREND_DAYS * DAY_MS;
  const steps = simulateDailySteps(profile, localDate(trendStart), TREND_DAYS, random.derive('steps'));
  const stepTimes: number[] = [];
  const stepEnds: number[] = [];
  for (let d = 0; d < steps.dates.length; d++) {
    const dayStart = localMidnight(steps.dates[d] as string);
    stepTimes.push(dayStart);
    stepEnds.push(localMidnight(addDays(steps.dates[d] as string, 1)));
  }
  const hash = id.replace(/-/g, '').slice(0, 12);
  rows.streams.push({
    participantId: id,
    importId: uuidFrom(random.derive('import', 'apple')),
    format: 'apple-health',
    fileName: 'export.zip',
    importedAt,
    source: `apple-health:iphone:${hash}`,
    code: CODES.steps,
    method: 'continuous',
    timeZone: DEMO_TIME_ZONE,
    times: stepTimes,
    endTimes: stepEnds,
    values: steps.steps,
    originalValues: Array.from(steps.steps, String),
    originalUnit: 'count',
  });
  const weight = simulateWeight(
    { weightKg: citizen.weightKg, heightCm: citizen.heightCm },
    { start: trendStart, days: TREND_DAYS, timeZone: DEMO_TIME_ZONE, measurementsPerWeek: 2 },
    random.derive('weight'),
  );
  const kg = Array.from(weight.kg, (value) => Math.round(value * 10) / 10);
  rows.streams.push({
    participantId: id,
    importId: uuidFrom(random.derive('import', 'weight')),
    format: 'apple-health',
    fileName: 'export.zip',
    importedAt,
    source: `apple-health:other:${hash}`,
    code: CODES.weight,
    method: 'manual',
    timeZone: DEMO_TIME_ZONE,
    times: weight.times,
    values: kg,
    originalValues: kg.map((value) => value.toFixed(1)),
    originalUnit: 'kg',
  });
}

function addDays(date: string, days: number): string {
  const next = new Date(`${date}T12:00:00Z`);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}

/** The UTC instant of local midnight that begins a date in the demo's zone. */
export function localMidnight(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // Midnight is never inside a DST change in Europe/Amsterdam (changes happen at 02:00 and 03:00).
  return utcMidnight - utcOffsetMs(DEMO_TIME_ZONE, utcMidnight);
}

/** Draws the device of a wearer. */
export function drawDevice(random: Random): CgmDevice {
  const devices = Object.keys(DEVICE_WEIGHTS) as CgmDevice[];
  return devices[random.weighted(devices.map((d) => DEVICE_WEIGHTS[d]))] as CgmDevice;
}

/** When a (not featured) wearer's sensor period ended. */
export function drawCgmEnd(random: Random, now: number): number {
  return now - Math.floor(random.uniform(0, CGM_END_WITHIN_DAYS) * DAY_MS);
}
