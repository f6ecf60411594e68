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
 * the events are appended with the purposes' current document versions, and the state is the latest event per
 * participant and purpose, as for decisions made one at a time. For participants with no decisions yet; give
 * each participant's decisions in the order they were made.
 */
export function createConsentSeeder() {
  return {
    async decisions(session: BulkSession, decisions: readonly SeedDecision[]): Promise<void> {
      if (decisions.length === 0) return;
      const { rows: versions } = await session.query<{ purpose_key: string; version: number }>(
        'SELECT purpose_key, max(version)::int AS version FROM consent_documents GROUP BY purpose_key',
      );
      const current = new Map(versions.map((row) => [row.purpose_key, row.version]));
      // Ids drawn from the events' own sequence, so that the state rows can name their events and both go in
      // by COPY (which writes given values into an identity column).
      const { rows: ids } = await session.query<{ id: number }>(
        `SELECT nextval(pg_get_serial_sequence('consent_events', 'id'))::float8 AS id FROM generate_series(1, $1::int)`,
        [decisions.length],
      );
      const latest = new Map<string, string>();
      const events = decisions.map((d, i) => {
        const version = current.get(d.purpose);
        if (version === undefined) throw new Error(`No consent document for purpose ${d.purpose}`);
        const id = ids[i]?.id as number;
        const at = d.at.toISOString();
        latest.set(
          `${d.participantId} ${d.purpose}`,
          copyRow([d.participantId, d.purpose, d.decision, version, id, at]),
        );
        return copyRow([id, d.participantId, d.purpose, version, d.decision, 'web', d.participantId, at]);
      });
      await session.copyRows(
        'consent_events',
        [
          'id',
          'participant_id',
          'purpose_key',
          'document_version',
          'decision',
          'channel',
          'recorded_by',
          'at',
        ],
        events,
      );
      // The latest decision per participant and purpose is the state, as `appendEvent` keeps it.
      await session.copyRows(
        'consent_state',
        ['participant_id', 'purpose_key', 'decision', 'document_version', 'event_id', 'at'],
        [...latest.values()],
      );
    },
  };
}

export type ConsentSeeder = ReturnType<typeof createConsentSeeder>;
