import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import * as OTPAuth from 'otpauth';

/** A random, URL-safe token (256 bits) for links and session cookies. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** Tokens are stored only as their SHA-256: they are long and random, so no slow hash is needed. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** argon2id with the library's defaults (19 MiB, 2 passes: OWASP's recommended minimum). */
export const hashPassword = (password: string): Promise<string> => hash(password, { algorithm: 2 });

// A hash of a random password: verifying against it when an address is unknown takes as long as a real check.
const DECOY_HASH = hash(randomBytes(16).toString('hex'), { algorithm: 2 });

/** Checks a password; with no stored hash it spends the same time and answers false. */
export async function checkPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    await verify(await DECOY_HASH, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

export const TOTP_PERIOD = 30;

export function totpFor(secretBase32: string, label: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: 'TOPFIT',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD,
    secret: OTPAuth.Secret.fromBase32(secretBase32),
  });
}

export const newTotpSecret = (): string => new OTPAuth.Secret({ size: 20 }).base32;

/**
 * The time step a code belongs to (one step of clock drift either way), or null when it is wrong.
 * Callers refuse a step at or before the last one accepted, so a code works once.
 */
export function matchTotp(secretBase32: string, code: string, now: number): number | null {
  const delta = totpFor(secretBase32, 'check').validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  return Math.floor(now / 1000 / TOTP_PERIOD) + delta;
}

// Without 0/O and 1/I/L, so that a code read from paper is typed right.
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten single-use recovery codes like `k7m2p-x9qrt`. */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(10);
    const chars = Array.from(bytes, (b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export const normaliseRecoveryCode = (code: string): string => code.trim().toLowerCase().replace(/\s+/g, '');
