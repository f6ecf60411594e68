import { createHash } from 'node:crypto';

export type AuditOutcome = 'success' | 'denied' | 'failure';
export type AuditDetails = Record<string, string | number | boolean | null>;

/** What happened, by whom, to whose data, why and from where. */
export interface AuditEvent {
  actorAccountId: string | null;
  actorRole: string | null;
  onBehalfOf?: string | null;
  action: string;
  resourceType: string;
  resourceId?: string | null;
  subjectParticipantId?: string | null;
  purpose?: string | null;
  outcome: AuditOutcome;
  requestId?: string | null;
  clientAddress?: string | null;
  details?: AuditDetails;
}

export interface AuditEntry extends Required<Omit<AuditEvent, 'details'>> {
  seq: number;
  at: Date;
  details: AuditDetails;
  prevHash: string;
  hash: string;
}

/** The hash the chain starts from. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of one entry: SHA-256 over the previous hash and a canonical rendering of every field.
 * jsonb does not keep key order, so details are rendered with sorted keys.
 */
export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const details = Object.fromEntries(Object.entries(entry.details).sort(([a], [b]) => (a < b ? -1 : 1)));
  const canonical = JSON.stringify([
    entry.seq,
    entry.at.toISOString(),
    entry.actorAccountId,
    entry.actorRole,
    entry.onBehalfOf,
    entry.action,
    entry.resourceType,
    entry.resourceId,
    entry.subjectParticipantId,
    entry.purpose,
    entry.outcome,
    entry.requestId,
    entry.clientAddress,
    details,
  ]);
  return createHash('sha256').update(entry.prevHash).update('\n').update(canonical).digest('hex');
}

export type ChainVerdict =
  | { ok: true; entries: number }
  | { ok: false; entries: number; brokenAt: number; reason: string };

/** Checks entries in sequence order; names the first entry whose link is broken. */
export function verifyChain(entries: Iterable<AuditEntry>, start = { seq: 0, hash: GENESIS_HASH }) {
  let expectedSeq = start.seq + 1;
  let prevHash = start.hash;
  let count = 0;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq) {
      return {
        ok: false as const,
        verified: count,
        brokenAt: expectedSeq,
        reason: `entry ${expectedSeq} is missing`,
      };
    }
    if (entry.prevHash !== prevHash) {
      return {
        ok: false as const,
        verified: count,
        brokenAt: entry.seq,
        reason: 'its previous hash does not match',
      };
    }
    if (hashEntry(entry) !== entry.hash) {
      return {
        ok: false as const,
        verified: count,
        brokenAt: entry.seq,
        reason: 'its content does not match its hash',
      };
    }
    prevHash = entry.hash;
    expectedSeq++;
    count++;
  }
  return { ok: true as const, count, last: { seq: expectedSeq - 1, hash: prevHash } };
}
