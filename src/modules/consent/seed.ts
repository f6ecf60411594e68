import { type BulkSession, copyRow } from '../../platform/db/index.ts';

/** One consent decision written in bulk by the demo generator, made on the web by the participant. */
export interface SeedDecision {
  participantId: string;
  purpose: string;
  decision: 'granted' | 'refused';
  at: Date;
}

/**
 * Bulk writes of consent decisions for synthetic populations (src/demo), inside the caller's transaction:
 * the events are appended with the purposes' current document versions, and the state is derived from them
 * exactly as for a decision made one at a time (the latest event per participant and purpose). Give each
 * participant's decisions in the order they were made.
 */
export function createConsentSeeder() {
  return {
    async decisions(session: BulkSession, decisions: readonly SeedDecision[]): Promise<void> {
      if (decisions.length === 0) return;
      const { rows: versions } = await session.query<{ purpose_key: string; version: number }>(
        'SELECT purpose_key, max(version)::int AS version FROM consent_documents GROUP BY purpose_key',
      );
      const current = new Map(versions.map((row) => [row.purpose_key, row.version]));
      await session.copyRows(
        'consent_events',
        ['participant_id', 'purpose_key', 'document_version', 'decision', 'channel', 'recorded_by', 'at'],
        decisions.map((d) => {
          const version = current.get(d.purpose);
          if (version === undefined) throw new Error(`No consent document for purpose ${d.purpose}`);
          return copyRow([
            d.participantId,
            d.purpose,
            version,
            d.decision,
            'web',
            d.participantId,
            d.at.toISOString(),
          ]);
        }),
      );
      const participants = [...new Set(decisions.map((d) => d.participantId))];
      await session.query(
        `INSERT INTO consent_state (participant_id, purpose_key, decision, document_version, event_id, at)
         SELECT DISTINCT ON (participant_id, purpose_key) participant_id, purpose_key, decision, document_version, id, at
         FROM consent_events WHERE participant_id = ANY($1::uuid[])
         ORDER BY participant_id, purpose_key, id DESC
         ON CONFLICT (participant_id, purpose_key) DO UPDATE
         SET decision = excluded.decision, document_version = excluded.document_version,
             event_id = excluded.event_id, at = excluded.at`,
        [participants],
      );
    },
  };
}

export type ConsentSeeder = ReturnType<typeof createConsentSeeder>;
