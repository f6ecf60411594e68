import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { exportRows, type TableExport } from '../export/index.ts';

/** In `participant_changes`, the nil UUID: a statement changed so many rows at once that everyone changed. */
const EVERYONE = '00000000-0000-0000-0000-000000000000';

/**
 * Whether changes were announced that no one has taken yet. False is safe to act on: a change being taken by
 * another transaction is still visible until that transaction commits along with what it recomputed.
 */
export async function participantChangesWaiting(db: Db): Promise<boolean> {
  const { rows } = await sql<{ waiting: boolean }>`
    SELECT EXISTS (SELECT 1 FROM participant_changes) AS waiting`.execute(db);
  return rows[0]?.waiting === true;
}

/**
 * Takes (deletes) the changes announced so far, in the caller's transaction, which recomputes what it derives for
 * those participants before it commits; if it rolls back, the changes are announced again. `everyone` when a bulk
 * load was announced or more than `most` participants changed: recomputing everyone in one pass is then faster.
 * Who takes changes must hold a lock of their own over the taking and the recomputing, or two could recompute
 * the same participant from different moments.
 */
export async function takeParticipantChanges(trx: Db, most: number): Promise<'everyone' | string[]> {
  const { rows: probe } = await sql<{ everyone: boolean; many: boolean }>`
    SELECT EXISTS (SELECT 1 FROM participant_changes WHERE participant_id = ${EVERYONE}) AS everyone,
           (SELECT count(*) FROM (SELECT 1 FROM participant_changes LIMIT ${most + 1}) AS r) > ${most} AS many`.execute(
    trx,
  );
  if (probe[0]?.everyone || probe[0]?.many) {
    await sql`DELETE FROM participant_changes`.execute(trx);
    return 'everyone';
  }
  const { rows } = await sql<{ participant_id: string }>`
    DELETE FROM participant_changes RETURNING participant_id`.execute(trx);
  const changed = new Set(rows.map((row) => row.participant_id));
  return changed.has(EVERYONE) || changed.size > most ? 'everyone' : [...changed];
}

/**
 * Erasure: removes what was announced about one participant, once every table that announces has erased them;
 * the taker's lock must be held, so that nothing recomputes them meanwhile. The number of rows removed.
 */
export async function forgetParticipantChanges(trx: Db, participantId: string): Promise<number> {
  const result = await sql`DELETE FROM participant_changes WHERE participant_id = ${participantId}`.execute(
    trx,
  );
  return Number(result.numAffectedRows ?? 0);
}

/** The participant's announced changes not yet taken (their GDPR export). */
export function createChangeExporter(db: Db) {
  return async (participantId: string): Promise<TableExport[]> => {
    const { rows } = await sql<{ id: string }>`
      SELECT id FROM participant_changes WHERE participant_id = ${participantId} ORDER BY id`.execute(db);
    return [
      {
        table: 'participant_changes',
        description: {
          nl: 'Wijzigingen in uw gegevens die nog verwerkt worden in wat daarvan is afgeleid (wie mee kan doen aan studies).',
          en: 'Changes to your data still to be taken into what is derived from it (who can take part in studies).',
        },
        rows: exportRows(rows),
      },
    ];
  };
}
