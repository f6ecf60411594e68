import { type Generated, type RawBuilder, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import {
  type Channel,
  type ConsentDocument,
  type ConsentEvent,
  contentHash,
  type Decision,
  type EarlierConsent,
} from './model.ts';

type Tables = {
  consent_purposes: {
    key: string;
    position: number;
    lapse_below: Generated<number>;
    created_at: Generated<Date>;
  };
  consent_documents: {
    purpose_key: string;
    version: number;
    title_nl: string;
    title_en: string;
    body_nl: string;
    body_en: string;
    material: boolean;
    earlier_consent: EarlierConsent;
    content_hash: string;
    published_at: Generated<Date>;
    published_by: string | null;
  };
  consent_events: {
    participant_id: string;
    id: Generated<number>;
    purpose_key: string;
    document_version: number;
    decision: Decision;
    channel: Channel;
    recorded_by: string;
    reason: string | null;
    at: Date;
  };
  consent_state: {
    participant_id: string;
    purpose_key: string;
    decision: Decision;
    document_version: number;
    event_id: number;
    at: Date;
  };
};

const toDocument = (row: Selectable<Tables['consent_documents']>): ConsentDocument => ({
  purposeKey: row.purpose_key,
  version: row.version,
  title: { nl: row.title_nl, en: row.title_en },
  body: { nl: row.body_nl, en: row.body_en },
  material: row.material,
  earlierConsent: row.earlier_consent,
  contentHash: row.content_hash,
  publishedAt: row.published_at,
});

const toEvent = (row: Selectable<Tables['consent_events']>): ConsentEvent => ({
  id: Number(row.id),
  participantId: row.participant_id,
  purposeKey: row.purpose_key,
  documentVersion: row.document_version,
  decision: row.decision,
  channel: row.channel,
  recordedBy: row.recorded_by,
  reason: row.reason,
  at: row.at,
});

/** The consent module's SQL; nothing else touches these tables. */
export function createConsentStore(base: Db) {
  const db = base.withTables<Tables>();
  return {
    async purposes(): Promise<string[]> {
      const rows = await db.selectFrom('consent_purposes').select('key').orderBy('position').execute();
      return rows.map((row) => row.key);
    },
    async documents(purposeKey?: string): Promise<ConsentDocument[]> {
      let q = db.selectFrom('consent_documents').selectAll();
      if (purposeKey) q = q.where('purpose_key', '=', purposeKey);
      return (await q.orderBy('purpose_key').orderBy('version').execute()).map(toDocument);
    },
    async insertDocument(document: {
      purposeKey: string;
      title: { nl: string; en: string };
      body: { nl: string; en: string };
      material: boolean;
      earlierConsent: EarlierConsent;
      publishedBy: string;
    }): Promise<ConsentDocument> {
      return base.transaction().execute(async (trx) => {
        const t = trx.withTables<Tables>();
        // One publication at a time per purpose, so two editors cannot both make version n+1.
        await sql`SELECT 1 FROM consent_purposes WHERE key = ${document.purposeKey} FOR UPDATE`.execute(trx);
        const last = await t
          .selectFrom('consent_documents')
          .select((eb) => eb.fn.max<number>('version').as('v'))
          .where('purpose_key', '=', document.purposeKey)
          .executeTakeFirst();
        const row = await t
          .insertInto('consent_documents')
          .values({
            purpose_key: document.purposeKey,
            version: Number(last?.v ?? 0) + 1,
            title_nl: document.title.nl,
            title_en: document.title.en,
            body_nl: document.body.nl,
            body_en: document.body.en,
            material: document.material,
            earlier_consent: document.earlierConsent,
            content_hash: contentHash(document.title, document.body),
            published_by: document.publishedBy,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        if (document.material && document.earlierConsent === 'lapses') {
          await t
            .updateTable('consent_purposes')
            .set({ lapse_below: row.version })
            .where('key', '=', document.purposeKey)
            .execute();
        }
        return toDocument(row);
      });
    },
    /** Appends an event and sets the current state from it, in one transaction. */
    async appendEvent(event: Omit<ConsentEvent, 'id'>): Promise<ConsentEvent> {
      return base.transaction().execute(async (trx) => {
        const t = trx.withTables<Tables>();
        const row = await t
          .insertInto('consent_events')
          .values({
            participant_id: event.participantId,
            purpose_key: event.purposeKey,
            document_version: event.documentVersion,
            decision: event.decision,
            channel: event.channel,
            recorded_by: event.recordedBy,
            reason: event.reason,
            at: event.at,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const state = {
          decision: row.decision,
          document_version: row.document_version,
          event_id: Number(row.id),
          at: row.at,
        };
        await t
          .insertInto('consent_state')
          .values({ participant_id: row.participant_id, purpose_key: row.purpose_key, ...state })
          .onConflict((oc) =>
            oc
              .columns(['participant_id', 'purpose_key'])
              .doUpdateSet(state)
              // Concurrent decisions: the state follows the newest event, whichever commits last.
              .where('consent_state.event_id', '<', (eb) => eb.ref('excluded.event_id')),
          )
          .execute();
        return toEvent(row);
      });
    },
    async latestOf(participantId: string) {
      return db
        .selectFrom('consent_state')
        .select(['purpose_key', 'decision', 'document_version', 'at'])
        .where('participant_id', '=', participantId)
        .execute();
    },
    async eventsOf(participantId: string): Promise<ConsentEvent[]> {
      const rows = await db
        .selectFrom('consent_events')
        .selectAll()
        .where('participant_id', '=', participantId)
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toEvent);
    },
    /** Deletes a participant's consent history and state (erasure at their request). */
    async erase(participantId: string) {
      return base.transaction().execute(async (trx) => {
        const t = trx.withTables<Tables>();
        const state = await t
          .deleteFrom('consent_state')
          .where('participant_id', '=', participantId)
          .execute();
        const events = await t
          .deleteFrom('consent_events')
          .where('participant_id', '=', participantId)
          .execute();
        return [
          { table: 'consent_state', removed: Number(state[0]?.numDeletedRows ?? 0) },
          { table: 'consent_events', removed: Number(events[0]?.numDeletedRows ?? 0) },
        ];
      });
    },
    stateRowsOf: (participantId: string) =>
      db.selectFrom('consent_state').selectAll().where('participant_id', '=', participantId).execute(),
    async event(participantId: string, id: number): Promise<ConsentEvent | undefined> {
      const row = await db
        .selectFrom('consent_events')
        .selectAll()
        .where('participant_id', '=', participantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toEvent(row) : undefined;
    },
    /**
     * Of the given participants, those whose consent to the purpose counts now: granted, and not on a
     * version that a later material change let lapse (`lapse_below`). One indexed query, single or bulk.
     */
    /** How many participants' consent counts now, per purpose (aggregates only). */
    async effectiveCounts(): Promise<{ purposeKey: string; count: number }[]> {
      const { rows } = await sql<{ purpose_key: string; n: number }>`
        SELECT p.key AS purpose_key, count(s.participant_id)::int AS n
        FROM consent_purposes p
        LEFT JOIN consent_state s ON s.purpose_key = p.key AND s.decision = 'granted' AND s.document_version >= p.lapse_below
        GROUP BY p.key, p.position ORDER BY p.position`.execute(base);
      return rows.map((row) => ({ purposeKey: row.purpose_key, count: Number(row.n) }));
    },
    async consenting(purposeKey: string, participantIds: string[]): Promise<Set<string>> {
      if (participantIds.length === 0) return new Set();
      // One participant (the common case, on every access) gets a plain key lookup; many get an array.
      const who =
        participantIds.length === 1
          ? sql`s.participant_id = ${participantIds[0]}`
          : sql`s.participant_id = ANY(${participantIds}::uuid[])`;
      const { rows } = await sql<{ participant_id: string }>`
        SELECT s.participant_id FROM consent_state s
        WHERE ${who}
          AND s.purpose_key = ${purposeKey}
          AND s.decision = 'granted'
          AND s.document_version >= (SELECT lapse_below FROM consent_purposes WHERE key = ${purposeKey})`.execute(
        base,
      );
      return new Set(rows.map((row) => row.participant_id));
    },
  };
}

/**
 * The participants who granted consent to a purpose (all, or those of `participants`), each once with the version
 * of the document they granted it on, as a subquery for data derived over many people (research's eligibility
 * facts). Whether that consent still counts is `consentCounts`: a version can lapse later.
 */
export const grantedConsents = (purposeKey: string, participants?: readonly string[]) => sql<{
  participant_id: string;
  document_version: number;
}>`
  SELECT s.participant_id, s.document_version FROM consent_state s
  WHERE s.purpose_key = ${purposeKey} AND s.decision = 'granted'
    ${participants ? sql`AND s.participant_id = ANY(${participants}::uuid[])` : sql``}`;

/** Whether consent to a purpose granted on document `version` (SQL, null when not granted) counts now. */
export const consentCounts = (purposeKey: string, version: RawBuilder<unknown>) =>
  sql<boolean>`${version} >= (SELECT lapse_below FROM consent_purposes WHERE key = ${purposeKey})`;

export type ConsentStore = ReturnType<typeof createConsentStore>;
