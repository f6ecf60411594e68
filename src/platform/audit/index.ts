import type { Db } from '../db/index.ts';
import { type AuditEntry, type AuditEvent, type ChainVerdict, GENESIS_HASH, verifyChain } from './model.ts';
import { type AuditQuery, createAuditStore } from './store.ts';

export type { AuditDetails, AuditEntry, AuditEvent, AuditOutcome, ChainVerdict } from './model.ts';
export type { AuditQuery } from './store.ts';

export const auditMigrations = { module: 'audit', dir: new URL('./migrations/', import.meta.url) };

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
