/** The synthetic population's types: the region it lives in, one citizen, and the options of a run. */

import { EDUCATION_LEVELS, type EducationLevel } from '../../modules/participants/index.ts';
import type { FindriscInput } from '../../science/index.ts';

/** Education levels as CBS groups them (DOMAIN.md §7): the participants module's list. */
export { EDUCATION_LEVELS, type EducationLevel };

/** The consent purposes a member decides on when joining (the consent module's purpose keys). */
export const CONSENT_PURPOSES = [
  'personal_insights',
  'research',
  'study_contact',
  'coach_sharing',
  'gp_summary',
  'product_testing',
  'registry_linkage',
] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export type GlycaemicStatus = 'normal' | 'prediabetes' | 'type2';
export type FamilyHistory = 'none' | 'second_degree' | 'first_degree';

export interface RegionMunicipality {
  /** CBS code, `GM` + 4 digits (2024 classification). */
  code: string;
  name: string;
  /** Registered men and women on 1 January 2024 (CBS 85984NED). */
  men: number;
  women: number;
  /** The municipality's 4-digit postcodes (participants module reference data), sorted. */
  postcodes: string[];
}

export interface Region {
  municipalities: RegionMunicipality[];
}

export interface SyntheticCitizen {
  /** The citizen's number in the run; with the seed and reference date it determines everything else. */
  index: number;
  municipalityCode: string;
  /** One of the municipality's PC4 postcodes. */
  postcode4: string;
  sex: 'female' | 'male';
  birthYear: number;
  /** 1–12. */
  birthMonth: number;
  /**
   * Whole years at the reference date, ≥ 16. The participants module's convention applies: the birthday
   * counts from the first day of the birth month (`ageInYears`).
   */
  ageYears: number;
  /** Highest level; null when not given (and for many 16–17-year-olds). */
  educationLevel: EducationLevel | null;
  locale: 'nl' | 'en';
  contactPreference: 'email' | 'none';
  /** Whole centimetres. */
  heightCm: number;
  /** One decimal. */
  weightKg: number;
  /** kg/m², `bmiOf(weightKg, heightCm)` unrounded: what the FINDRISC form computes from the same answers. */
  bmi: number;
  /** Whole centimetres. */
  waistCm: number;
  /** At least 30 minutes of physical activity every day (FINDRISC item). */
  dailyActivity: boolean;
  /** Vegetables, fruit or berries every day (FINDRISC item). */
  dailyVegetables: boolean;
  /** Ever taken blood-pressure medication regularly (FINDRISC item). */
  bpMedication: boolean;
  /** Ever found to have high blood glucose (FINDRISC item). */
  highGlucose: boolean;
  familyHistory: FamilyHistory;
  glycaemicStatus: GlycaemicStatus;
  /** True only for type 2 that a GP has diagnosed; false for undiagnosed type 2, prediabetes and normal. */
  diabetesDiagnosed: boolean;
  /** The answers the citizen gives on the FINDRISC form and `findrisc(input).score`. */
  findrisc: { score: number; input: FindriscInput };
  consents: Record<ConsentPurpose, boolean>;
  /** Epoch ms: within the two years before the reference date, and not before the 16th birthday. */
  joinedAt: number;
  /** Fictional display names from short lists (first and last name drawn independently). */
  givenName: string;
  familyName: string;
}

export interface PopulationOptions {
  /** Any integer or text; the same seed gives the same citizens. */
  seed: number | string;
  /** Epoch ms: the moment at which ages are counted and before which members joined. */
  referenceDate: number;
  /**
   * Overrides the assumed prediabetes shares by age (`PREDIABETES_SHARE_BY_AGE`): a list of
   * `[fromAge, share]`, ascending, the first from age 16 or lower.
   */
  prediabetesShareByAge?: readonly (readonly [fromAge: number, share: number])[];
}
