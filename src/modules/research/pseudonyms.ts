import { createHmac, randomBytes } from 'node:crypto';
import type { SecretBox } from '../../platform/secrets/index.ts';

/** RFC 4648 base32 without padding: letters and digits only, unambiguous when read aloud or typed. */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** A new study key: 256 random bits (NEN 7524 asks for a secret key per purpose of pseudonymisation). */
export const newStudyKey = (): string => randomBytes(32).toString('base64url');

/**
 * A participant's pseudonym in one study: HMAC-SHA-256 under the study's key, its first 80 bits in base32,
 * prefixed with the key's version (`1-…`) so keys can rotate. The same participant has the same pseudonym in
 * every extract of a study and unrelated ones across studies; without the key it cannot be traced back.
 */
export function pseudonymOf(key: string, keyVersion: number, participantId: string): string {
  const mac = createHmac('sha256', Buffer.from(key, 'base64url')).update(participantId).digest();
  return `${keyVersion}-${base32(mac.subarray(0, 10))}`;
}

/** A study's pseudonyms: its sealed key opened once, then one pseudonym per participant. */
export function studyPseudonyms(
  keys: Pick<SecretBox, 'open'>,
  study: { pseudonym_key_sealed: string; pseudonym_key_version: number },
): (participantId: string) => string {
  const key = keys.open(study.pseudonym_key_sealed);
  return (participantId) => pseudonymOf(key, study.pseudonym_key_version, participantId);
}

/** Whether a text has the form of a pseudonym (before it is looked up). */
export const PSEUDONYM = /^[1-9][0-9]*-[A-Z2-7]{16}$/;
