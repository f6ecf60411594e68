import type { Db } from '../db/index.ts';
import { exportRows, type TableExport } from '../export/index.ts';
import { type AuditEntry, type AuditEvent, type ChainVerdict, GENESIS_HASH, verifyChain } from './model.ts';
import { type AuditQuery, createAuditStore } from './store.ts';

export type { AuditDetails, AuditEntry, AuditEvent, AuditOutcome, ChainVerdict } from './model.ts';
export type { AuditQuery } from './store.ts';

/**
 * For a person's GDPR export: who did what with their data (NEN 7513 lets people see it). The acting
 * staff member appears by role, not by account.
 */
export function createAuditExporter(db: Db) {
  const store = createAuditStore(db);
  return async (participantId: string): Promise<TableExport[]> => {
    const entries = await store.search({ participantId, limit: 100_000 });
    return [
      {
        table: 'audit_log',
        description: {
          nl: 'Wie wat met uw gegevens deed, en waarom: elke inzage en wijziging door anderen en door uzelf.',
          en: 'Who did what with your data, and why: every look and change by others and by you.',
        },
        rows: exportRows(
          entries.map((e) => ({
            seq: e.seq,
            at: e.at,
            actor: e.actorAccountId === participantId ? 'you' : (e.actorRole ?? 'platform'),
            action: e.action,
            purpose: e.purpose,
            outcome: e.outcome,
          })),
        ),
      },
    ];
  };
}

export interface Audit {
  /** Appends an event; pass a transaction to make the entry part of the change it records. */
  record(event: AuditEvent, executor?: Db): Promise<AuditEntry>;
  /** Appends many events in one transaction (a bulk read that touched many people). */
  recordMany(events: AuditEvent[]): Promise<void>;
  search(query: AuditQuery): Promise<AuditEntry[]>;
  /** Walks the whole chain and names the first broken link. */
  verify(): Promise<ChainVerdict>;
}

export function createAudit(db: Db): Audit {
  const store = createAuditStore(db);
  return {
    record: async (event, executor) => {
      const [entry] = await store.append([event], executor);
      if (!entry) throw new Error('audit entry not written');
      return entry;
    },
    recordMany: async (events) => {
      if (events.length > 0) await store.append(events);
    },
    search: (query) => store.search(query),
    async verify() {
      let start = { seq: 0, hash: GENESIS_HASH };
      let entries = 0;
      let batch: AuditEntry[] = [];
      const check = (): ChainVerdict | undefined => {
        const verdict = verifyChain(batch, start);
        if (!verdict.ok) {
          return {
            ok: false,
            entries: entries + verdict.verified,
            brokenAt: verdict.brokenAt,
            reason: verdict.reason,
          };
        }
        entries += verdict.count;
        start = verdict.last;
        batch = [];
        return undefined;
      };
      for await (const entry of store.scan()) {
        batch.push(entry);
        if (batch.length >= 5000) {
          const broken = check();
          if (broken) return broken;
        }
      }
      return check() ?? { ok: true, entries };
    },
  };
}
