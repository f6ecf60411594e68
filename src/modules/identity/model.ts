import type { Role } from '../../platform/access/index.ts';

export const LOCALES = ['nl', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const ORGANISATION_TYPES = [
  'university',
  'university_medical_centre',
  'university_of_applied_sciences',
  'vocational_school',
  'hospital_or_care',
  'sme',
  'start_up',
  'insurer',
  'municipality',
  'ggd',
  'citizen_community',
] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

export interface Organisation {
  id: string;
  name: string;
  type: OrganisationType;
  createdAt: Date;
}

export interface Account {
  id: string;
  email: string;
  displayName: string;
  locale: Locale;
  emailVerified: boolean;
  mfaEnabled: boolean;
  createdAt: Date;
}

export interface Membership {
  membershipId: string;
  role: Role;
  organisation: Pick<Organisation, 'id' | 'name' | 'type'> | null;
}

/** How long each kind of single-use link stays valid. */
export const TOKEN_LIFETIME_MS = {
  verify_email: 24 * 3600_000,
  reset_password: 3600_000,
  bootstrap_admin: 24 * 3600_000,
  invitation: 7 * 24 * 3600_000,
} as const;

/** NIST SP 800-63B: length over composition rules; long passphrases welcome. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/** Temporary lockout after repeated failed sign-ins to one address within a window. */
export const LOCKOUT = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 } as const;

/** Mail that anyone can trigger for an address (sign-up, reset, resend): at most this many an hour. */
export const MAIL_QUOTA = { max: 5, windowMs: 3600_000 } as const;

export interface ThrottleState {
  failures: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
}

/** Seconds until a locked address may try again; 0 when not locked. */
export function lockedForSeconds(state: ThrottleState | undefined, now: Date): number {
  if (!state?.lockedUntil) return 0;
  return Math.max(0, Math.ceil((state.lockedUntil.getTime() - now.getTime()) / 1000));
}

/** Whether a session is still valid: not ended, within the absolute lifetime and the idle timeout. */
export function sessionIsLive(
  session: { expiresAt: Date; lastSeenAt: Date; endedAt: Date | null },
  now: Date,
  idleMinutes: number,
): boolean {
  if (session.endedAt) return false;
  if (now >= session.expiresAt) return false;
  return now.getTime() - session.lastSeenAt.getTime() < idleMinutes * 60_000;
}

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
