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
  /** Set when the participant left, stopping all further use of their data. */
  leftAt: Date | null;
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

/** Age bands of the panel overview. */
export const AGE_BANDS = ['16-29', '30-44', '45-59', '60-74', '75+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export function ageBand(age: number): AgeBand {
  if (age < 30) return '16-29';
  if (age < 45) return '30-44';
  if (age < 60) return '45-59';
  if (age < 75) return '60-74';
  return '75+';
}

/** A count shown to anyone but the person themself: below the threshold it is withheld (null). */
export interface Cell {
  key: string;
  count: number | null;
}

/**
 * Small-cell suppression: counts below `minimum` become null. When exactly one cell of a breakdown is
 * withheld and the total is shown, that cell could be worked out by subtraction, so the next smallest
 * cell is withheld too.
 */
export function suppress(counts: { key: string; count: number }[], minimum: number): Cell[] {
  const cells: Cell[] = counts.map(({ key, count }) => ({
    key,
    count: count > 0 && count < minimum ? null : count,
  }));
  const withheld = cells.filter((c) => c.count === null).length;
  if (withheld === 1) {
    const shown = cells
      .map((c, index) => ({ count: c.count, index }))
      .filter((c): c is { count: number; index: number } => c.count !== null && c.count > 0)
      .sort((a, b) => a.count - b.count)[0];
    const cell = shown ? cells[shown.index] : undefined;
    if (cell) cell.count = null;
  }
  return cells;
}
