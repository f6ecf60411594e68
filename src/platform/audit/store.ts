import { type Selectable, sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { type AuditDetails, type AuditEntry, type AuditEvent, GENESIS_HASH, hashEntry } from './model.ts';

interface AuditLogTable {
  seq: number;
  at: Date;
  actor_account_id: string | null;
  actor_role: string | null;
  on_behalf_of: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  subject_participant_id: string | null;
  purpose: string | null;
  outcome: string;
  request_id: string | null;
  client_address: string | null;
  details: AuditDetails;
  prev_hash: string;
  hash: string;
}

type Tables = { audit_log: AuditLogTable };

// Any constant will do; it only has to differ from the other advisory locks of the platform.
const CHAIN_LOCK = 7305918;

export interface AuditQuery {
  participantId?: string;
  actorAccountId?: string;
  from?: Date;
  to?: Date;
  /** Keyset pagination: entries with a sequence number below this one. */
  beforeSeq?: number;
  limit: number;
}

export function createAuditStore(base: Db) {
  const tables = (executor: Db) => executor.withTables<Tables>();

  return {
    /** Appends entries at the end of the chain, in order; serialised by an advisory lock. */
    async append(events: AuditEvent[], executor: Db = base): Promise<AuditEntry[]> {
      const write = async (trx: Db) => {
        const db = tables(trx);
        await sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(db);
        const last = await db
          .selectFrom('audit_log')
          .select(['seq', 'hash'])
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst();
        let seq = last?.seq ?? 0;
        let prevHash = last?.hash ?? GENESIS_HASH;
        const at = new Date();
        const entries = events.map((event) => {
          seq += 1;
          const unhashed = {
            seq,
            at,
            actorAccountId: event.actorAccountId,
            actorRole: event.actorRole,
            onBehalfOf: event.onBehalfOf ?? null,
            action: event.action,
            resourceType: event.resourceType,
            resourceId: event.resourceId ?? null,
            subjectParticipantId: event.subjectParticipantId ?? null,
            purpose: event.purpose ?? null,
            outcome: event.outcome,
            requestId: event.requestId ?? null,
            clientAddress: event.clientAddress ?? null,
            details: event.details ?? {},
            prevHash,
          };
          const entry: AuditEntry = { ...unhashed, hash: hashEntry(unhashed) };
          prevHash = entry.hash;
          return entry;
        });
        for (let i = 0; i < entries.length; i += 500) {
          await db
            .insertInto('audit_log')
            .values(entries.slice(i, i + 500).map(toRow))
            .execute();
        }
        return entries;
      };
      return executor.isTransaction ? write(executor) : base.transaction().execute(write);
    },

    async search(query: AuditQuery): Promise<AuditEntry[]> {
      let q = tables(base).selectFrom('audit_log').selectAll();
      if (query.participantId) q = q.where('subject_participant_id', '=', query.participantId);
      if (query.actorAccountId) q = q.where('actor_account_id', '=', query.actorAccountId);
      if (query.from) q = q.where('at', '>=', query.from);
      if (query.to) q = q.where('at', '<', query.to);
      if (query.beforeSeq) q = q.where('seq', '<', query.beforeSeq);
      const rows = await q.orderBy('seq', 'desc').limit(query.limit).execute();
      return rows.map(fromRow);
    },

    /** Entries in chain order, a batch at a time, so that verifying a long log keeps memory flat. */
    async *scan(batchSize = 5000): AsyncGenerator<AuditEntry> {
      let after = 0;
      for (;;) {
        const rows = await tables(base)
          .selectFrom('audit_log')
          .selectAll()
          .where('seq', '>', after)
          .orderBy('seq')
          .limit(batchSize)
          .execute();
        for (const row of rows) yield fromRow(row);
        const last = rows.at(-1);
        if (!last || rows.length < batchSize) return;
        after = last.seq;
      }
    },
  };
}

export type AuditStore = ReturnType<typeof createAuditStore>;

function toRow(entry: AuditEntry): AuditLogTable {
  return {
    seq: entry.seq,
    at: entry.at,
    actor_account_id: entry.actorAccountId,
    actor_role: entry.actorRole,
    on_behalf_of: entry.onBehalfOf,
    action: entry.action,
    resource_type: entry.resourceType,
    resource_id: entry.resourceId,
    subject_participant_id: entry.subjectParticipantId,
    purpose: entry.purpose,
    outcome: entry.outcome,
    request_id: entry.requestId,
    client_address: entry.clientAddress,
    details: entry.details,
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}

function fromRow(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    seq: Number(row.seq),
    at: new Date(row.at),
    actorAccountId: row.actor_account_id,
    actorRole: row.actor_role,
    onBehalfOf: row.on_behalf_of,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    subjectParticipantId: row.subject_participant_id,
    purpose: row.purpose,
    outcome: row.outcome as AuditEntry['outcome'],
    requestId: row.request_id,
    clientAddress: row.client_address,
    details: row.details ?? {},
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
