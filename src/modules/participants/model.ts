export const SEXES_AT_BIRTH = ['female', 'male', 'intersex'] as const;
export const GENDERS = ['woman', 'man', 'non_binary', 'other', 'prefer_not_to_say'] as const;
/** Education levels as CBS groups them (DOMAIN.md §7), for health-inequality analysis. */
export const EDUCATION_LEVELS = [
  'primary',
  'lower_secondary',
  'upper_secondary',
  'intermediate_vocational',
  'higher_professional',
  'university',
] as const;
export const CONTACT_PREFERENCES = ['email', 'none'] as const;

export type SexAtBirth = (typeof SEXES_AT_BIRTH)[number];
export type Gender = (typeof GENDERS)[number];
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];
export type ContactPreference = (typeof CONTACT_PREFERENCES)[number];

export const MINIMUM_AGE = 16;

export interface Municipality {
  cbsCode: string;
  name: string;
  province: 'Overijssel' | 'Gelderland';
}

export interface Profile {
  participantId: string;
  birthYear: number;
  birthMonth: number;
  sexAtBirth: SexAtBirth;
  gender: Gender | null;
  postcode4: string;
  municipality: Municipality;
  educationLevel: EducationLevel | null;
  contactPreference: ContactPreference;
  timeZone: string;
  joinedAt: Date;
}

/**
 * Age in whole years from birth year and month. Without the day, someone counts as having had their
 * birthday once their birth month has begun: at most a month early, never late.
 */
export function ageInYears(birthYear: number, birthMonth: number, now: Date): number {
  const months = now.getUTCFullYear() * 12 + now.getUTCMonth() + 1 - (birthYear * 12 + birthMonth);
  return Math.floor(months / 12);
}

/** Whether a birth year and month lie in the past (the current month included). */
export const bornByNow = (birthYear: number, birthMonth: number, now: Date) =>
  birthYear * 12 + birthMonth <= now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
